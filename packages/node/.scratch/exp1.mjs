import { addressFromPublicKey } from '@hanglian/core';
import { Checker, Cluster, Load, sleep } from '/work/main/packages/node/dist/test/cluster.js';

const c = await Cluster.create({ validators: 4, fullNodes: 1 });
try {
  let t = Date.now();
  await c.startAll();
  console.log('started in', Date.now() - t);
  await c.waitForHeight(2, 30000);
  console.log('h2 at', Date.now() - t);
  const orgs = c.net.manifest.organisations.map((o) => o.id);
  const keys = orgs.slice(0, 8).map((o) => c.key(`${o}/ops`));
  const load = new Load(c, keys, addressFromPublicKey(c.key(`${orgs[9]}/ops`).publicKey));
  const h0 = await c.height('node0');
  load.start();
  await sleep(10000);
  await load.stop();
  const h1 = await c.height('node0');
  console.log('acked', load.acked.length, 'errors', load.errors, load.lastError, 'blocks', h1 - h0);
  const byProposer = {};
  for (let h = Math.max(1, h1 - 30); h <= h1; h++) {
    const b = await (await fetch(`${c.node('node0').url}/v1/blocks/${h}`)).json();
    byProposer[b.header.proposer] = (byProposer[b.header.proposer] ?? 0) + 1;
    if (h === h1) console.log(JSON.stringify(b).slice(0, 600));
  }
  console.log(
    byProposer,
    c.nodes.map((n) => n.address),
  );
  const ck = new Checker(c);
  t = Date.now();
  console.log('common', await ck.agreement(), 'acked ok', await ck.acked(load), Date.now() - t, 'ms');
} finally {
  await c.killAll();
  c.remove();
}

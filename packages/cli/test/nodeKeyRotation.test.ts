// Node key rotation against real processes: four organisations found a chain, each from its own directory
// on its own loopback address; one of them (a validator) moves its node to a new key with its root key
// (`hanglian org rotate-node-key`) while the chain runs. From the commit that rotates it, the other nodes
// refuse links from the old key (the node still running with it loses every peer and falls behind); the
// restarted node runs with the new key, which signs blocks in the old one's place: with another validator
// stopped, the chain commits only because the new key votes. Heavy: run alone under the lock.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { addressFromPublicKey, bytesToHex, hexToBytes } from '@hanglian/core';
import { orgPaths, readCard, readOrgKey } from '@hanglian/node/offline';
import { createClient, getBlock, memberSigner, query } from '@hanglian/sdk';
import { CLI, hanglian, initOrg } from './helpers.js';

const P2P_PORT = 21211;
const API_PORT = 21210;

interface Org {
  readonly id: string;
  readonly dir: string;
  readonly pass: string;
  readonly api: string;
  readonly p2p: string;
}

interface NodeProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr: string;
}

async function startNode(org: Org, peers: Org[], genesis: string): Promise<NodeProcess> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'node',
      'start',
      '--dir',
      org.dir,
      '--genesis',
      genesis,
      '--peers',
      peers.map((p) => p.p2p).join(','),
      '--passphrase-file',
      org.pass,
      '--log-level',
      'error',
      '--json',
      '--no-console',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const node: NodeProcess = {
    child,
    exited: new Promise((r) => child.once('exit', (code) => r(code))),
    stderr: '',
  };
  child.stderr!.on('data', (c: Buffer) => (node.stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes('"event":"listening"')) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    void node.exited.then((code) =>
      reject(new Error(`${org.id} exited ${code} during start-up: ${node.stderr}`)),
    );
  });
  return node;
}

async function stopNode(node: NodeProcess): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  node.child.kill('SIGTERM');
  await node.exited;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
}

async function status(org: Org): Promise<{ height: number; peers: number }> {
  const response = await fetch(`${org.api}/v1/status`);
  const body = (await response.json()) as { height: number; consensus: { peers: string[] } };
  return { height: body.height, peers: body.consensus.peers.length };
}

test('an organisation rotates its validator node key while the chain runs: the old key is refused, the new one signs', {
  timeout: 150_000,
}, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hanglian-node-key-'));
  const running = new Set<NodeProcess>();
  const onExit = () => {
    for (const n of running) if (n.child.exitCode === null) n.child.kill('SIGKILL');
  };
  process.once('exit', onExit);
  t.after(async () => {
    await Promise.all([...running].map(stopNode));
    rmSync(root, { recursive: true, force: true });
    process.off('exit', onExit);
  });
  // This run's own loopback addresses (127.A.B.2-5).
  const net = `127.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const org = (id: string, n: number): Org => {
    const pass = join(root, `${id}.pass`);
    writeFileSync(pass, `${id}-passphrase-${n}\n`, { mode: 0o600 });
    return {
      id,
      dir: join(root, id),
      pass,
      api: `http://${net}.${n}:${API_PORT}`,
      p2p: `${net}.${n}:${P2P_PORT}`,
    };
  };
  const orgs = [org('acme', 2), org('bank', 3), org('ship', 4), org('shop', 5)];
  const [acme, , ship, shop] = orgs as [Org, Org, Org, Org];
  const roles: Record<string, string> = {
    acme: 'producer',
    bank: 'payment,issuer',
    ship: 'carrier',
    shop: 'merchant',
  };
  const ok = (out: { code: number; stdout: string; stderr: string }) => {
    assert.equal(out.code, 0, out.stderr);
    return out.stdout;
  };

  // A chain of four validators, formed by the ceremony: the organisations make their keys side by side,
  // then each is added to the one genesis file and signs it, one after another.
  const genesis = join(root, 'genesis.json');
  const inits = orgs.map((o) => initOrg(o, roles[o.id]!, `${o.p2p.split(':')[0]}:${API_PORT}`));
  ok(await hanglian('genesis', 'new', '--chain-id', 'rotation-test', '--out', genesis));
  for (const made of await Promise.all(inits)) ok(made);
  for (const o of orgs)
    ok(await hanglian('genesis', 'add-org', genesis, orgPaths.card(o.dir), '--validator'));
  for (const o of orgs)
    ok(await hanglian('genesis', 'sign', genesis, '--dir', o.dir, '--passphrase-file', o.pass));
  // The four nodes start side by side; each is stopped at the end even if another failed to start.
  const nodes = new Map<string, NodeProcess>();
  const starts = await Promise.allSettled(
    orgs.map(async (o) => {
      const node = await startNode(
        o,
        orgs.filter((p) => p !== o),
        genesis,
      );
      nodes.set(o.id, node);
      running.add(node);
    }),
  );
  for (const start of starts) if (start.status === 'rejected') throw start.reason;
  await waitFor('four nodes committing', async () =>
    (await Promise.all(orgs.map(status))).every((s) => s.height >= 2 && s.peers >= 2) ? true : undefined,
  );

  // ship's root key moves its node to a new key; ship's node keeps running with the old one.
  const oldKey = readCard(orgPaths.card(ship.dir)).nodePublicKey;
  const rotated = ok(
    await hanglian(
      'org',
      'rotate-node-key',
      '--dir',
      ship.dir,
      '--api',
      acme.api,
      '--passphrase-file',
      ship.pass,
    ),
  );
  const rotatedAt = Number(/at height (\d+)/.exec(rotated)?.[1]);
  assert.ok(rotatedAt > 0, rotated);
  assert.match(rotated, new RegExp(`signs from block ${rotatedAt + 2} with power 10\\b`));
  const newKey = bytesToHex(readOrgKey(ship.dir, 'node', 'ship-passphrase-4').publicKey);
  assert.notEqual(newKey, oldKey);
  assert.equal(
    readCard(orgPaths.card(ship.dir)).nodePublicKey,
    newKey,
    'the card names the new key, signed again',
  );
  assert.ok(
    existsSync(join(orgPaths.retired(ship.dir), `node-key.${addressFromPublicKey(hexToBytes(oldKey))}.json`)),
  );
  assert.equal(existsSync(orgPaths.nextNodeKey(ship.dir)), false);

  // The chain's record: the old identity revoked and pointing at the new one.
  const acmeClient = createClient({ url: acme.api });
  const { result: oldIdentity } = await query<{ status: string; rotatedTo?: string }>(acmeClient, {
    module: 'identity',
    name: 'identity',
    params: { address: addressFromPublicKey(hexToBytes(oldKey)) },
  });
  assert.equal(oldIdentity.status, 'revoked');
  assert.equal(oldIdentity.rotatedTo, addressFromPublicKey(hexToBytes(newKey)));

  // The old key is refused: the node still running with it loses every peer and stays behind.
  await waitFor('the old key to lose its links', async () =>
    (await status(ship)).peers === 0 ? true : undefined,
  );
  const stalled = (await status(ship)).height;
  assert.ok(stalled <= rotatedAt + 1, `the old key's node went on to ${stalled} (rotated at ${rotatedAt})`);
  await waitFor('the others to move on', async () =>
    (await status(acme)).height >= Math.max(stalled, rotatedAt + 2) + 3 ? true : undefined,
  );
  assert.equal((await status(ship)).peers, 0, 'no member admits the old key again');
  assert.ok((await status(ship)).height <= rotatedAt + 1);
  // And the set that signs now has the new key in the old one's place.
  const { result: sets } = await query<{ current: Array<{ publicKey: string; org: string; power: number }> }>(
    acmeClient,
    { module: 'governance', name: 'validators' },
  );
  assert.deepEqual(
    sets.current.filter((v) => v.org === 'ship').map((v) => [v.publicKey, v.power]),
    [[newKey, 10]],
  );
  // Rotating the old key again is refused with a clear code, and leaves no key file behind.
  const again = await hanglian(
    'org',
    'rotate-node-key',
    '--dir',
    ship.dir,
    '--api',
    acme.api,
    '--passphrase-file',
    ship.pass,
    '--old-key',
    oldKey,
  );
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /IDENTITY_NOT_ACTIVE/);
  assert.equal(existsSync(orgPaths.nextNodeKey(ship.dir)), false);

  // ship restarts from the same directory: the new key links, catches up and votes.
  const oldNode = nodes.get('ship')!;
  await stopNode(oldNode);
  running.delete(oldNode);
  const restarted = await startNode(
    ship,
    orgs.filter((p) => p !== ship),
    genesis,
  );
  running.add(restarted);
  await waitFor('the new key to link and catch up', async () => {
    const [own, theirs] = await Promise.all([status(ship), status(acme)]);
    return own.peers >= 2 && own.height >= theirs.height - 1 ? true : undefined;
  });
  assert.ok(
    existsSync(join(orgPaths.retired(ship.dir), `signer-state.${addressFromPublicKey(hexToBytes(oldKey))}`)),
  );
  // With bank stopped, three of four validators remain: acme, shop and ship's new key. The chain commits
  // only if the new key's votes count.
  const bankNode = nodes.get('bank')!;
  await stopNode(bankNode);
  running.delete(bankNode);
  const before = (await status(acme)).height;
  const reached = await waitFor('commits without bank', async () => {
    const h = (await status(acme)).height;
    return h >= before + 3 ? h : undefined;
  });
  const reader = memberSigner(readOrgKey(acme.dir, 'ops', 'acme-passphrase-2'));
  const block = (await getBlock(createClient({ url: acme.api, reader }), { height: reached })) as {
    hash: string;
    commit: { signatures: Array<{ validator: string }> } | null;
  };
  const signers = block.commit?.signatures.map((s) => s.validator) ?? [];
  assert.ok(signers.includes(newKey), `the new key signed block ${reached}`);
  assert.ok(!signers.includes(oldKey));
  // Every running node holds the same block there.
  const hashes = await Promise.all(
    [acme, ship, shop].map(async (o) => {
      await waitFor(`${o.id} at ${reached}`, async () =>
        (await status(o)).height >= reached ? true : undefined,
      );
      return ((await getBlock(createClient({ url: o.api, reader }), { height: reached })) as { hash: string })
        .hash;
    }),
  );
  assert.equal(new Set(hashes).size, 1, `nodes disagree at ${reached}`);
});

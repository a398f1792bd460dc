// Fault tests with real processes: a network of 4 validators and 1 full node, each `hanglian node start`
// in its own process over authenticated encrypted links, under a load of transfers sent through every
// node with `wait=commit`. Each fault is followed by the same checks: all nodes agree on every header hash
// up to their common height, every acknowledged transaction is committed on every node at the height it
// was acknowledged at, and the chain goes on by several blocks once the fault has healed.
//
// The victims and delays come from a printed seed: HANGLIAN_FAULTS_SEED=<seed> replays the schedule
// (timing on a loaded machine still varies). The consensus timeouts are the node defaults (propose 3 s,
// prevote and precommit 1 s).
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { addressFromPublicKey } from '@hanglian/core';
import { networkPaths } from '../src/index.js';
import { Checker, Cluster, type ClusterNode, httpJson, Load, sleep } from './cluster.js';
import { seededRandom } from './processes.js';

const SEED = Number(process.env.HANGLIAN_FAULTS_SEED ?? Date.now() % 1_000_000);
const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));
/** How many blocks the chain must add after a fault heals. */
const PROGRESS_BLOCKS = 5;

describe(`fault tests with real processes (seed ${SEED}; HANGLIAN_FAULTS_SEED replays)`, () => {
  let cluster: Cluster;
  let load: Load;
  let checker: Checker;
  const schedule: string[] = [];
  const note = (line: string) => {
    schedule.push(line);
    process.stdout.write(`# [seed ${SEED}] ${line}\n`);
  };

  before(async () => {
    cluster = await Cluster.create({ validators: 4, fullNodes: 1, random });
    note(`network in ${cluster.dir}, P2P ports from ${cluster.net.manifest.nodes[0]!.p2pPort}`);
    await cluster.startAll();
    await cluster.waitForHeight(2, 30_000);
    const orgs = cluster.net.manifest.organisations.map((o) => o.id);
    const senders = orgs.slice(0, 6).map((org) => cluster.key(`${org}/ops`));
    load = new Load(cluster, senders, addressFromPublicKey(cluster.key(`${orgs.at(-1)}/ops`).publicKey));
    checker = new Checker(cluster);
    load.start();
    await sleep(1_000);
  });

  after(async () => {
    await load?.stop();
    await cluster?.killAll();
    if (process.env.HANGLIAN_KEEP === undefined) cluster?.remove();
    process.stdout.write(`# [seed ${SEED}] schedule:\n${schedule.map((l) => `#   ${l}`).join('\n')}\n`);
  });

  /** After a fault has healed: every node moves on by PROGRESS_BLOCKS, then agreement and no lost ack. */
  async function healedChecks(label: string, stateSynced: string[] = []): Promise<void> {
    const acksBefore = load.acked.length;
    const t0 = Date.now();
    const heights = await cluster.heights();
    const top = Math.max(...Object.values(heights));
    await cluster.waitForHeight(top + PROGRESS_BLOCKS, 45_000);
    const t1 = Date.now();
    const common = await checker.agreement(stateSynced);
    const t2 = Date.now();
    const acked = await checker.acked(load);
    note(
      `${label}: +${PROGRESS_BLOCKS} blocks in ${t1 - t0} ms, headers checked in ${t2 - t1} ms, acks in ${Date.now() - t2} ms`,
    );
    assert.ok(load.acked.length > acksBefore, `${label}: no transaction acknowledged after the fault healed`);
    note(
      `${label}: healed; heights ${JSON.stringify(await cluster.heights())}, agreement up to ${common}, ${acked} acked transactions on every node (${load.errors} client retries so far)`,
    );
  }

  const validatorNames = () => cluster.validators.map((v) => v.name);
  const others = (name: string) => cluster.running.filter((n) => n.name !== name);

  /** Asserts the nodes other than `name` committed `blocks` more blocks within `timeoutMs`. */
  async function othersProgress(name: string, blocks: number, timeoutMs: number): Promise<void> {
    const rest = others(name);
    const start = Math.max(...(await Promise.all(rest.map((n) => cluster.height(n.name)))));
    await cluster.waitForHeight(start + blocks, timeoutMs, rest);
  }

  it('SIGKILL a validator under load and restart it', { timeout: 90_000 }, async () => {
    const victim = pick(validatorNames());
    const delay = between(300, 1_500);
    note(`kill: SIGKILL ${victim} after ${delay} ms of load`);
    await sleep(delay);
    const ackedBefore = load.acked.length;
    const exit = await cluster.signal(victim, 'SIGKILL');
    assert.equal(exit.signal, 'SIGKILL');
    // 3 of 4 validators are a quorum: the chain goes on without it.
    await othersProgress(victim, 3, 20_000);
    assert.ok(load.acked.length > ackedBefore, 'no transaction acknowledged while a validator was down');
    await cluster.start(victim);
    checker.forget(victim);
    await healedChecks('kill');
  });

  it('SIGSTOP a validator longer than the timeouts, then SIGCONT', { timeout: 90_000 }, async () => {
    const victim = pick(validatorNames());
    const pause = between(6_000, 8_000);
    note(`stop: SIGSTOP ${victim} for ${pause} ms (timeouts: propose 3 s, prevote/precommit 1 s)`);
    const frozenAt = await cluster.height(victim);
    await cluster.signal(victim, 'SIGSTOP');
    const t0 = Date.now();
    await othersProgress(victim, 3, pause);
    await sleep(Math.max(0, pause - (Date.now() - t0)));
    await cluster.signal(victim, 'SIGCONT');
    // It wakes up behind and must catch up by block sync.
    const top = Math.max(...Object.values(await cluster.heights()));
    assert.ok(top > frozenAt + 3, `the network did not move while ${victim} was stopped`);
    await healedChecks('stop');
  });

  it('stop the proposer of the latest block, then restart it', { timeout: 90_000 }, async () => {
    const url = cluster.node('node0').url;
    const latest = (await cluster.height('node0')) as number;
    // Proposers rotate with the height: among the last blocks several validators proposed.
    const proposers = new Set<string>();
    for (let h = Math.max(1, latest - 19); h <= latest; h++)
      proposers.add((await httpJson(`${url}/v1/headers/${h}`)).body.header.proposer);
    assert.ok(proposers.size >= 3, `proposers do not rotate: ${[...proposers].join(', ')}`);
    const proposer = (await httpJson(`${url}/v1/headers/${latest}`)).body.header.proposer as string;
    const victim = cluster.nodes.find((n) => n.address === proposer);
    assert.ok(victim?.validator, `block ${latest} proposed by ${proposer}, not a validator of the manifest`);
    const down = between(6_000, 9_000);
    note(`proposer: ${victim.name} proposed block ${latest}; SIGTERM it for ${down} ms`);
    // Watch from a node that stays up: the victim may be node0.
    const observer = cluster.nodes.find((n) => n.validator && n.name !== victim.name)!.name;
    const observerUrl = cluster.node(observer).url;
    let t = Date.now();
    const exit = await cluster.signal(victim.name, 'SIGTERM');
    try {
      assert.equal(exit.code, 0, 'clean shutdown on SIGTERM');
      const stopMs = Date.now() - t;
      note(`proposer: ${victim.name} exited in ${stopMs} ms`);
      // Clients wait on it (`wait=commit`, keep-alive): a clean stop must still be prompt.
      assert.ok(stopMs < 5_000, `SIGTERM under load took ${stopMs} ms`);
      const from = await cluster.height(observer);
      await sleep(down);
      const to = await cluster.height(observer);
      assert.ok(to > from, `no block while the proposer ${victim.name} was down`);
      // Its turns came while it was down: those heights were decided in a later round.
      const rounds: number[] = [];
      for (let h = from + 1; h <= to; h++)
        rounds.push((await httpJson(`${observerUrl}/v1/headers/${h}`)).body.commit.round);
      assert.ok(
        rounds.some((r) => r > 0),
        `no height needed a second round while ${victim.name} was down (rounds ${rounds.join(',')})`,
      );
      note(`proposer: ${to - from} blocks while it was down, rounds ${rounds.join(',')}`);
    } finally {
      // Whatever failed above, the next fault starts from a whole network.
      t = Date.now();
      await cluster.start(victim.name);
      note(`proposer: ${victim.name} restarted in ${Date.now() - t} ms`);
    }
    checker.forget(victim.name);
    await healedChecks('proposer');
  });

  it('cut a node off with the admin isolate endpoint, restore it, and see it catch up', {
    timeout: 90_000,
  }, async () => {
    const victim = pick(validatorNames());
    const cut = between(4_000, 6_000);
    note(`isolate: ${victim} cut off for ${cut} ms under load`);
    await cluster.admin(victim, 'isolate');
    const cutAt = await cluster.height(victim);
    await sleep(cut);
    const isolatedAt = await cluster.height(victim);
    const status = await cluster.status(victim);
    assert.deepEqual(status.consensus.peers, [], 'an isolated node still has peers');
    assert.ok(isolatedAt <= cutAt + 1, `${victim} went on from ${cutAt} to ${isolatedAt} while isolated`);
    await othersProgress(victim, 2, 20_000);
    await cluster.admin(victim, 'restore');
    const others = Math.max(...(await Promise.all(cluster.running.map((n) => cluster.height(n.name)))));
    await cluster.waitForHeight(others, 30_000, [cluster.node(victim)]);
    note(`isolate: ${victim} was at ${isolatedAt}, caught up to ${others} after restore`);
    await healedChecks('isolate');
  });

  it('wipe a validator data directory and let it state-sync, then follow', { timeout: 120_000 }, async () => {
    const victim = pick(validatorNames());
    note(
      `wipe: SIGKILL ${victim}, delete nodes/${victim}/data (keep consensus.wal), start with --state-sync`,
    );
    await cluster.signal(victim, 'SIGKILL');
    rmSync(networkPaths.nodeData(cluster.dir, victim), { recursive: true, force: true });
    assert.ok(existsSync(networkPaths.nodeWal(cluster.dir, victim)), 'the consensus WAL is kept');
    await othersProgress(victim, 3, 20_000);
    const started = Date.now();
    const node: ClusterNode = await cluster.start(victim, ['--state-sync']);
    checker.forget(victim);
    const synced = await cluster.height(victim);
    assert.ok(synced > 1, `${victim} came back at height ${synced}: no state was synced`);
    // Below its snapshot a state-synced node has no blocks: height 1 must be missing, the snapshot present.
    assert.equal((await httpJson(`${node.url}/v1/headers/1`)).status, 404, 'blocks below the snapshot exist');
    note(`wipe: ${victim} state-synced to ${synced} in ${Date.now() - started} ms`);
    await healedChecks('wipe', [victim]);
    assert.ok(
      (checker.lowest.get(victim) ?? 0) > 1,
      'the state-synced node should hold no genesis-era blocks',
    );
  });

  it('restart the whole network: heights and hashes persist, the chain resumes', {
    timeout: 120_000,
  }, async () => {
    await load.stop();
    const before = await cluster.heights();
    const names = cluster.nodes.map((n) => n.name);
    note(`restart: SIGTERM all at heights ${JSON.stringify(before)}`);
    const exits = await Promise.all(names.map((n) => cluster.signal(n, 'SIGTERM')));
    for (const [i, exit] of exits.entries()) assert.equal(exit.code, 0, `${names[i]} did not stop cleanly`);
    await cluster.startAll();
    const afterRestart = await cluster.heights();
    for (const n of names)
      assert.ok(
        afterRestart[n]! >= before[n]!,
        `${n} lost blocks: ${before[n]} before, ${afterRestart[n]} after`,
      );
    // Every node re-checks every header (against the hashes agreed before) and every acknowledged transaction.
    for (const n of names) checker.forget(n);
    const wiped = names.filter((n) => schedule.some((l) => l.startsWith(`wipe: SIGKILL ${n},`)));
    load.start();
    await healedChecks('restart', wiped);
  });
});

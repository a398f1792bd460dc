// State sync in proven chunks from several peers (issue 12), on the node's real state sync, ledger and sync
// server, linked by the loopback hub. Four peers hold the state at the synced height: the validator, an
// honest full node, a member that serves everything honestly but one snapshot chunk (an entry left out),
// and a member that answers headers and blocks but never a snapshot request. Every chunk comes with a range
// proof and is checked alone on arrival: the liar is dropped at its first bad chunk (before, chunks were
// not proven: a bad one was found only when the whole state, fetched from that one peer, failed to import),
// the mute one after two timeouts, and the ranges they held are fetched from the others. What the joining
// node holds of the state in memory is counted in entries (received, not yet on disk): at most one chunk
// per peer, far below the state's size.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { bytesToHex, ed25519Sha256 } from '@hanglian/core';
import { pino } from 'pino';
import {
  Chain,
  createApplication,
  type HanglianNode,
  LoopbackHub,
  newStateSyncStats,
  stateSync,
} from '../src/index.js';
import { answerSyncRequest, isSyncRequest } from '../src/sync/server.js';
import { type SyncWire, syncWireCodec } from '../src/sync/wire.js';
import { createTestNetwork, startNodeBelowEphemeral, type TestNetwork } from './helpers.js';

type SnapshotRequest = Extract<SyncWire, { kind: 'snapshot-request' }>;

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('state sync in proven chunks from several peers (loopback)', () => {
  let net: TestNetwork;
  const hub = new LoopbackHub();
  const nodes: HanglianNode[] = [];
  const timers: NodeJS.Timeout[] = [];
  let validator: HanglianNode;
  const liarChunks: number[] = [];
  let muteAsked = 0;

  function start(name: string, key: boolean): Promise<HanglianNode> {
    return startNodeBelowEphemeral({
      name,
      dataDir: `${net.dir}/${name}-data`,
      walPath: `${net.dir}/${name}.wal`,
      genesis: net.genesis,
      ...(key ? { validatorKey: net.key('node0') } : {}),
      logLevel: 'silent',
      transport: hub.connect(key ? bytesToHex(net.key('node0').publicKey) : name),
      blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 200 },
    });
  }

  /** A member that answers from the validator's ledger, except where `snapshot` says otherwise. */
  function member(
    name: string,
    snapshot: (
      transport: ReturnType<LoopbackHub['connect']>,
      peer: string,
      message: SnapshotRequest,
    ) => boolean,
  ): void {
    const transport = hub.connect(name);
    transport.onMessage('consensus', () => true);
    transport.onMessage('tx', () => true);
    transport.onMessage('sync', (peer, payload) => {
      const message = syncWireCodec.decode(payload);
      if (message.kind === 'snapshot-request' && snapshot(transport, peer, message)) return true;
      if (isSyncRequest(message)) answerSyncRequest(validator.chain, transport, peer, message);
      return true;
    });
    // It announces the validator's height, as an honest peer would.
    timers.push(
      setInterval(
        () =>
          transport.broadcast(
            'sync',
            syncWireCodec.encode({ kind: 'status', height: validator.chain.height }),
          ),
        100,
      ),
    );
  }

  before(async () => {
    net = createTestNetwork({ validators: 1 });
    validator = await start('node0', true);
    nodes.push(validator);
    nodes.push(await start('honest', false));
    await waitFor(() => validator.chain.height >= 5, 30_000, 'the validator to make 5 blocks');

    // The liar leaves one entry out of the first chunk it serves, then serves honestly (it is never asked
    // again: one bad chunk is enough to be dropped).
    member('liar', (transport, peer, request) => {
      const { height, after, until, limit } = request;
      const { entries, proof } = validator.chain.storage.state.snapshotRange(height, after, limit, until);
      const served = entries.map((e) => ({ key: e.key, value: e.value }));
      if (liarChunks.length === 0 && served.length >= 3) served.splice(1, 1);
      liarChunks.push(served.length);
      transport.send(
        peer,
        'sync',
        syncWireCodec.encode({ kind: 'snapshot-chunk', height, entries: served, proof }),
      );
      return true;
    });
    // The mute member never answers a snapshot request.
    member('mute', () => {
      muteAsked++;
      return true;
    });
  });

  after(async () => {
    for (const t of timers) clearInterval(t);
    for (const node of nodes) await node.stop();
    net?.remove();
  });

  it('drops the peer of a bad chunk and the mute one, completes from the others, holding little', async () => {
    const suite = ed25519Sha256;
    const application = createApplication({ chainId: net.genesis.chainId, suite });
    const dataDir = `${net.dir}/joiner-data`;
    const chainOptions = {
      dataDir,
      genesis: net.genesis,
      stateMachine: application.stateMachine,
      suite,
      validators: application.validators,
    };
    const stats = newStateSyncStats();
    const chunkEntries = 4;
    const logLines: Array<{ msg: string; entries?: number; chunks?: number }> = [];
    const height = await stateSync({
      transport: hub.connect('joiner'),
      genesis: net.genesis,
      application,
      suite,
      logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line)) }),
      progressEveryChunks: 4,
      scratchPath: `${dataDir}.state-sync`,
      importSnapshot: (snapshot) => Chain.importSnapshot(chainOptions, snapshot),
      chunkEntries,
      ranges: 8,
      answerTimeoutMs: 1_500,
      stats,
    });
    assert.ok(height !== undefined && height >= 5, `synced to height ${height}`);

    // The state it imported is the validator's at that height.
    const joined = Chain.open(chainOptions);
    try {
      assert.equal(joined.height, height);
      assert.equal(bytesToHex(joined.stateRoot), bytesToHex(validator.chain.storage.state.rootAt(height)!));
    } finally {
      await joined.close();
    }
    let stateEntries = 0;
    for (let after: Uint8Array | null = null; ; ) {
      const { entries } = validator.chain.storage.state.snapshotRange(height, after, 1_000);
      stateEntries += entries.length;
      if (entries.length < 1_000) break;
      after = entries[entries.length - 1]!.keyHash;
    }
    assert.equal(stats.entries, stateEntries, 'every entry written once');
    assert.ok(!existsSync(`${dataDir}.state-sync.0`), 'the scratch files are removed');

    // The liar: one bad chunk, dropped at once.
    assert.equal(stats.badChunks, 1, JSON.stringify(stats));
    assert.equal(liarChunks.length, 1, 'the liar was asked once and never again');
    assert.ok(stats.peersDropped.includes('liar'), `dropped ${stats.peersDropped}`);
    // The mute one: its range went back to the queue at each timeout, and it is dropped at its second.
    // Whether it is asked a second time depends on the order of the idle peers when its range comes back:
    // on a loaded machine the others can have finished every other range by then, and the range goes to
    // whichever idle peer comes first (CI saw it asked once). Either way it served nothing and the sync
    // completed without it.
    assert.ok(muteAsked === 1 || muteAsked === 2, `the mute one was asked ${muteAsked} times`);
    assert.equal(stats.timeouts, muteAsked, JSON.stringify(stats));
    assert.equal(
      stats.peersDropped.includes('mute'),
      muteAsked === 2,
      `dropped ${stats.peersDropped} after ${muteAsked} requests`,
    );
    assert.equal(stats.chunksByPeer.mute, undefined, 'no chunk came from the mute one');
    assert.equal(stats.chunksByPeer.liar, undefined, 'no chunk of the liar was taken');
    // Several peers served proven chunks.
    const servers = Object.keys(stats.chunksByPeer);
    assert.ok(
      servers.includes('honest') && servers.length >= 2,
      `chunks by peer ${JSON.stringify(stats.chunksByPeer)}`,
    );

    // Progress shows in the log while the API is not up yet: every 4 chunks, counts rising, then the import.
    const progress = logLines.filter((l) => l.msg === 'state sync: fetching the state');
    assert.equal(progress.length, Math.floor(stats.chunks / 4), JSON.stringify(progress));
    assert.deepEqual(
      progress.map((l) => l.chunks),
      progress.map((_, i) => 4 * (i + 1)),
    );
    assert.ok(progress.every((l, i) => i === 0 || l.entries! > progress[i - 1]!.entries!));
    const importing = logLines.findIndex(
      (l) => l.msg === 'state sync: state fetched and proven, importing it',
    );
    assert.ok(importing > logLines.indexOf(progress.at(-1)!), 'the import is announced after the fetch');

    // Bounded memory: at most one chunk per peer (4 peers) held at once, far below the state's size.
    assert.ok(
      stats.maxBufferedEntries <= 4 * chunkEntries,
      `held ${stats.maxBufferedEntries} entries at once`,
    );
    assert.ok(stateEntries > 4 * 4 * chunkEntries, `the state has ${stateEntries} entries`);
  });
});

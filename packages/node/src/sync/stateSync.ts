/**
 * State sync: how a new or wiped node joins without replaying every block.
 *
 * Trust starts at a trusted checkpoint — a height and its block hash, given by the operator or by the
 * organisation that invites the node (`--trust-height/--trust-hash`) — whose header must be younger than
 * the trusting period (STATE_SYNC_ANCHOR_EXPIRED otherwise), as in light clients: keys of a validator set
 * older than the checkpoint cannot forge a chain this node accepts. Without a checkpoint, trust starts at
 * the genesis (its validator set comes from executing the genesis document locally), which is only as
 * good as the genesis validators' keys are today. From there trust moves forward one header at a time:
 * each header's commit must carry more than 2/3 of the power of a validator set whose hash the previous
 * header announced. No block is executed.
 *
 * No peer is believed about anything it cannot prove: the heights peers announce only order whom to ask;
 * a peer that does not answer, answers what was not asked, or sends a header, block or state that does not
 * verify is dropped, and the next one is asked. The state at the newest verified height is fetched from
 * one peer at a time, chunk by chunk (entries strictly ordered by key hash), written to a file as it
 * arrives, then imported; it is accepted only if it rebuilds that header's state root, else the next peer
 * is tried.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import {
  type Block,
  type BlockHeader,
  blockCodec,
  blockHash,
  blockHeaderCodec,
  blockResultsCodec,
  bytesEqual,
  bytesToHex,
  type Commit,
  type CryptoSuite,
  commitCodec,
  compareBytes,
  HanglianError,
  type Validator,
  validatorSetCodec,
  validatorSetHash,
  verifyCommit,
} from '@hanglian/core';
import { type GenesisDocument, MemoryState } from '@hanglian/state-machine';
import type { Application } from '../application.js';
import { genesisHashOf, type LedgerSnapshot } from '../chain/chain.js';
import type { PeerTransport } from '../consensus/transport.js';
import { NodeErrors } from '../errors.js';
import type { Logger } from '../logger.js';
import { SYNC_BATCH_HEADERS, type SyncWire, syncWireCodec } from './wire.js';

/** A trusted checkpoint: the block hash at a height, from someone the operator trusts. */
export interface StateSyncTrust {
  readonly trustHeight: number;
  /** Hex SHA-256 block hash at `trustHeight`. */
  readonly trustHash: string;
  /** How old the checkpoint's header may be (default 7 days): older keys may have leaked since. */
  readonly trustingPeriodMs?: number;
}

export const DEFAULT_TRUSTING_PERIOD_MS = 7 * 24 * 3600 * 1000;

export interface StateSyncOptions {
  readonly transport: PeerTransport;
  readonly genesis: GenesisDocument;
  readonly application: Application;
  readonly suite: CryptoSuite;
  readonly logger: Logger;
  /** Where to start trusting; absent: the genesis. */
  readonly trust?: StateSyncTrust;
  /** A scratch file for the state as it arrives (removed when done). */
  readonly scratchPath: string;
  /**
   * Imports a verified header's block and the fetched state; throws STATE_SYNC_MISMATCH when the state
   * does not rebuild the header's roots (the next peer is then asked).
   */
  readonly importSnapshot: (snapshot: LedgerSnapshot) => void;
  readonly clock?: () => number;
  /** How long to wait for peers to announce themselves. */
  readonly discoverMs?: number;
  /** How long to wait for one answer before asking another peer. */
  readonly answerTimeoutMs?: number;
}

type Answer = Extract<SyncWire, { kind: 'headers' | 'snapshot-chunk' | 'blocks' }>;

interface TrustedHeader {
  readonly header: BlockHeader;
  readonly commit: Commit;
  readonly validators: Validator[];
}

/** A peer's failure to prove something: it is dropped and another is asked. */
class PeerFailed extends Error {}

/**
 * Runs state sync and imports the result; returns the height imported, or undefined when no peer is past
 * the genesis (the node then starts from the genesis like any other).
 */
export async function stateSync(options: StateSyncOptions): Promise<number | undefined> {
  const { transport, genesis, application, suite, logger } = options;
  const clock = options.clock ?? Date.now;
  const chainId = genesis.chainId;
  const heights = new Map<string, number>();
  /** Peers that failed to prove something: not asked again. */
  const dropped = new Set<string>();
  let waiting: { peer: string; kind: Answer['kind']; resolve: (a: Answer) => void } | undefined;
  transport.onMessage('sync', (peer, payload) => {
    let message: SyncWire;
    try {
      message = syncWireCodec.decode(payload);
    } catch {
      return false;
    }
    if (message.kind === 'status') heights.set(peer, message.height);
    // Only the answer to the one request outstanding, from the peer asked, is taken.
    else if (waiting !== undefined && waiting.peer === peer && message.kind === waiting.kind) {
      const w = waiting;
      waiting = undefined;
      w.resolve(message as Answer);
    }
    return true;
  });
  const ask = <K extends Answer['kind']>(
    peer: string,
    request: SyncWire,
    kind: K,
  ): Promise<Extract<Answer, { kind: K }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting = undefined;
        reject(new PeerFailed(`did not answer ${request.kind}`));
      }, options.answerTimeoutMs ?? 10_000);
      waiting = {
        peer,
        kind,
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer as Extract<Answer, { kind: K }>);
        },
      };
      transport.send(peer, 'sync', syncWireCodec.encode(request));
    });
  /** Peers not dropped that say they have `height`, highest first. */
  const candidates = (height: number): string[] =>
    [...heights.entries()]
      .filter(([peer, h]) => h >= height && !dropped.has(peer))
      .sort((a, b) => b[1] - a[1])
      .map(([peer]) => peer);
  const drop = (peer: string, error: unknown) => {
    if (!(error instanceof PeerFailed) && !(error instanceof HanglianError)) throw error;
    dropped.add(peer);
    logger.warn({ peer: peer.slice(0, 12), reason: (error as Error).message }, 'state sync: peer dropped');
  };

  // 1. Who is out there?
  const deadline = Date.now() + (options.discoverMs ?? 6_000);
  while (Date.now() < deadline && heights.size < Math.max(1, transport.peers().length)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (heights.size === 0)
    throw new HanglianError(NodeErrors.STATE_SYNC_FAILED, 'no peer announced its height');

  // 2. Where trust starts.
  let trusted: TrustedHeader | undefined;
  let expectedSetHash: Uint8Array;
  let previousHash: Uint8Array;
  if (options.trust !== undefined) {
    trusted = await fetchAnchor(options.trust);
    expectedSetHash = trusted.header.nextValidatorSetHash;
    previousHash = blockHash(trusted.header);
  } else {
    logger.warn('state sync without a trusted checkpoint: trusting the genesis validators');
    const genesisState = new MemoryState();
    application.stateMachine.initGenesis(genesis, genesisState);
    expectedSetHash = validatorSetHash(application.validators.current(genesisState));
    previousHash = genesisHashOf(genesis);
  }

  async function fetchAnchor(trust: StateSyncTrust): Promise<TrustedHeader> {
    const wanted = trust.trustHash.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(wanted) || !Number.isSafeInteger(trust.trustHeight) || trust.trustHeight < 1) {
      throw new HanglianError(
        NodeErrors.CONFIG_INVALID,
        'the trusted checkpoint needs a height ≥ 1 and a hex hash',
      );
    }
    for (const peer of candidates(trust.trustHeight)) {
      try {
        const answer = await ask(
          peer,
          { kind: 'headers-request', from: trust.trustHeight, count: 1 },
          'headers',
        );
        const item = answer.items[0];
        if (item === undefined) throw new PeerFailed(`no header ${trust.trustHeight}`);
        const header = blockHeaderCodec.decode(item.header);
        const commit = commitCodec.decode(item.commit);
        const validators = validatorSetCodec.decode(item.validators);
        if (header.height !== trust.trustHeight || header.chainId !== chainId)
          throw new PeerFailed('the checkpoint header is of another height or chain');
        if (bytesToHex(blockHash(header)) !== wanted)
          throw new PeerFailed('its header at the checkpoint height is not the trusted one');
        if (!bytesEqual(validatorSetHash(validators), header.validatorSetHash))
          throw new PeerFailed('validator set does not match the checkpoint header');
        const check = verifyCommit(commit, chainId, blockHash(header), validators, suite);
        if (!check.ok) throw new PeerFailed(`the checkpoint's commit does not verify: ${check.reason}`);
        const age = clock() - header.time;
        const period = trust.trustingPeriodMs ?? DEFAULT_TRUSTING_PERIOD_MS;
        if (age > period) {
          throw new HanglianError(
            NodeErrors.STATE_SYNC_ANCHOR_EXPIRED,
            `the trusted checkpoint at height ${header.height} is ${Math.round(age / 1000)} s old, past the trusting period of ${Math.round(period / 1000)} s: ask for a newer one`,
            { details: { height: header.height, ageMs: age, trustingPeriodMs: period } },
          );
        }
        return { header, commit, validators };
      } catch (error) {
        if (error instanceof HanglianError && error.code === NodeErrors.STATE_SYNC_ANCHOR_EXPIRED)
          throw error;
        drop(peer, error);
      }
    }
    throw new HanglianError(
      NodeErrors.STATE_SYNC_MISMATCH,
      `no peer served the trusted block ${wanted.slice(0, 16)}… at height ${trust.trustHeight}`,
    );
  }

  // 3. Headers forward from the trusted one, from whichever peer proves them.
  let next = (trusted?.header.height ?? 0) + 1;
  for (;;) {
    const peer = candidates(next)[0];
    if (peer === undefined) break;
    const count = Math.min(SYNC_BATCH_HEADERS, heights.get(peer)! - next + 1);
    try {
      const answer = await ask(peer, { kind: 'headers-request', from: next, count }, 'headers');
      if (answer.items.length === 0) throw new PeerFailed(`no headers from ${next} though it announced them`);
      for (const item of answer.items) {
        const header = blockHeaderCodec.decode(item.header);
        const commit = commitCodec.decode(item.commit);
        const validators = validatorSetCodec.decode(item.validators);
        const fail = (what: string) => new PeerFailed(`header ${next}: ${what}`);
        if (header.height !== next || header.chainId !== chainId) throw fail('wrong height or chain');
        if (!bytesEqual(header.previousBlockHash, previousHash))
          throw fail('does not extend the previous header');
        if (!bytesEqual(validatorSetHash(validators), header.validatorSetHash))
          throw fail('validator set does not match');
        if (!bytesEqual(header.validatorSetHash, expectedSetHash))
          throw fail('validator set was not announced');
        const hash = blockHash(header);
        const check = verifyCommit(commit, chainId, hash, validators, suite);
        if (!check.ok) throw fail(`commit does not verify: ${check.reason}`);
        previousHash = hash;
        expectedSetHash = header.nextValidatorSetHash;
        trusted = { header, commit, validators };
        next++;
      }
    } catch (error) {
      drop(peer, error);
    }
  }
  if (trusted === undefined) {
    if (candidates(0).some((peer) => (heights.get(peer) ?? 0) > 0) || dropped.size > 0)
      throw new HanglianError(NodeErrors.STATE_SYNC_FAILED, 'no peer proved a header past the genesis');
    return undefined;
  }
  const height = trusted.header.height;
  logger.info({ height }, 'state sync: headers verified, fetching the state');

  // 4. The block at that height with its results, then the state after it, from one peer at a time.
  for (const peer of candidates(height)) {
    try {
      const blocks = await ask(peer, { kind: 'blocks-request', from: height, count: 1 }, 'blocks');
      const item = blocks.items[0];
      if (item === undefined || item.results === undefined)
        throw new PeerFailed(`did not send block ${height} with its results`);
      const block: Block = blockCodec.decode(item.block);
      if (!bytesEqual(blockHash(block.header), blockHash(trusted.header)))
        throw new PeerFailed(`block ${height} is not the verified one`);
      const results = blockResultsCodec.decode(item.results);
      const entries = await fetchState(peer, height);
      try {
        options.importSnapshot({
          block,
          commit: trusted.commit,
          validators: trusted.validators,
          results,
          entries: readScratch(options.scratchPath),
        });
      } catch (error) {
        if (error instanceof HanglianError && error.code === NodeErrors.STATE_SYNC_MISMATCH)
          throw new PeerFailed(error.message);
        throw error;
      }
      logger.info(
        { height, entries, block: bytesToHex(blockHash(block.header)), peer: peer.slice(0, 12) },
        'state sync: state imported',
      );
      return height;
    } catch (error) {
      drop(peer, error);
    } finally {
      rmSync(options.scratchPath, { force: true });
    }
  }
  throw new HanglianError(
    NodeErrors.STATE_SYNC_FAILED,
    `no peer served a state that verifies at height ${height}`,
  );

  /** Streams the state at `height` from `peer` into the scratch file; returns the number of entries. */
  async function fetchState(peer: string, at: number): Promise<number> {
    const fd = openSync(options.scratchPath, 'w');
    let count = 0;
    try {
      let after: Uint8Array | null = null;
      for (;;) {
        const chunk = await ask(peer, { kind: 'snapshot-request', height: at, after }, 'snapshot-chunk');
        if (chunk.height !== at) throw new PeerFailed('a chunk of another height');
        for (const { key, value } of chunk.entries) {
          // Strictly ascending key hashes: a peer cannot loop or repeat entries.
          const keyHash = suite.hash(key);
          if (after !== null && compareBytes(keyHash, after) <= 0)
            throw new PeerFailed('chunk entries out of order');
          after = keyHash;
          const header = Buffer.alloc(8);
          header.writeUInt32BE(key.byteLength, 0);
          header.writeUInt32BE(value.byteLength, 4);
          writeSync(fd, header);
          writeSync(fd, key);
          writeSync(fd, value);
          count++;
        }
        if (chunk.done || chunk.entries.length === 0) return count;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** The scratch file's entries, read back one at a time. */
function* readScratch(path: string): Generator<{ key: Uint8Array; value: Uint8Array }> {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(8);
    let position = 0;
    for (;;) {
      if (readExactly(fd, header, position) < 8) return;
      position += 8;
      const key = Buffer.alloc(header.readUInt32BE(0));
      const value = Buffer.alloc(header.readUInt32BE(4));
      position += readExactly(fd, key, position);
      position += readExactly(fd, value, position);
      yield { key: new Uint8Array(key), value: new Uint8Array(value) };
    }
  } finally {
    closeSync(fd);
  }
}

function readExactly(fd: number, buffer: Buffer, position: number): number {
  let read = 0;
  while (read < buffer.byteLength) {
    const n = readSync(fd, buffer, read, buffer.byteLength - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return read;
}

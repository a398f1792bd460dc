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
 * verify is dropped, and the next one is asked. The state at the newest verified height is cut into
 * ranges of paths (sha256 of the key) fetched side by side from every peer that has it, one request per
 * peer at a time. Each chunk comes with a range proof (core's `verifyStateRange`) and is checked alone
 * against the verified header's state root the moment it arrives: a peer that sends a chunk that does not
 * prove is dropped at once, one that times out twice too, and its range goes to another peer. Proven
 * chunks are appended to their range's scratch file, so what the node holds of the state in memory while
 * fetching is at most one chunk per peer, whatever the state's size; the files are then imported in path
 * order.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import {
  type Block,
  type BlockHeader,
  type BlockResults,
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
  merkleListRoot,
  type Validator,
  validatorSetCodec,
  validatorSetHash,
  verifyCommit,
  verifyStateRange,
} from '@hanglian/core';
import { type GenesisDocument, MemoryState } from '@hanglian/state-machine';
import type { Application } from '../application.js';
import { genesisHashOf, type LedgerSnapshot, resultsRootOf } from '../chain/chain.js';
import type { PeerTransport } from '../consensus/transport.js';
import { NodeErrors } from '../errors.js';
import type { Logger } from '../logger.js';
import { SNAPSHOT_CHUNK_ENTRIES, SYNC_BATCH_HEADERS, type SyncWire, syncWireCodec } from './wire.js';

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
  readonly importSnapshot: (snapshot: LedgerSnapshot) => void | Promise<void>;
  readonly clock?: () => number;
  /** How long to wait for peers to announce themselves. */
  readonly discoverMs?: number;
  /** How long to wait for one answer before asking another peer. */
  readonly answerTimeoutMs?: number;
  /** Entries asked for in one chunk (at most SNAPSHOT_CHUNK_ENTRIES, the default). */
  readonly chunkEntries?: number;
  /** Ranges of paths fetched side by side (a power of two; default STATE_SYNC_RANGES). */
  readonly ranges?: number;
  /** A progress line is logged every this many chunks written (default STATE_SYNC_PROGRESS_CHUNKS). */
  readonly progressEveryChunks?: number;
  /** Filled with what the sync did (chunks, bad chunks, peers dropped, most entries held at once). */
  readonly stats?: StateSyncStats;
}

type Answer = Extract<SyncWire, { kind: 'headers' | 'snapshot-chunk' | 'blocks' }>;

interface TrustedHeader {
  readonly header: BlockHeader;
  readonly commit: Commit;
  readonly validators: Validator[];
}

/** A peer's failure to prove something: it is dropped and another is asked. */
class PeerFailed extends Error {}
/** A peer that did not answer in time: dropped during the header walk, scored during the state fetch. */
class PeerTimedOut extends PeerFailed {}

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
  /** The one request outstanding per peer: only its answer, from that peer, is taken. */
  const waiting = new Map<string, { kind: Answer['kind']; resolve: (a: Answer) => void }>();
  transport.onMessage('sync', (peer, payload) => {
    let message: SyncWire;
    try {
      message = syncWireCodec.decode(payload);
    } catch {
      return false;
    }
    if (message.kind === 'status') heights.set(peer, message.height);
    else {
      const w = waiting.get(peer);
      if (w !== undefined && message.kind === w.kind) {
        waiting.delete(peer);
        w.resolve(message as Answer);
      }
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
        waiting.delete(peer);
        reject(new PeerTimedOut(`did not answer ${request.kind}`));
      }, options.answerTimeoutMs ?? 10_000);
      waiting.set(peer, {
        kind,
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer as Extract<Answer, { kind: K }>);
        },
      });
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

  // 3. Headers forward from the trusted one, from whichever peer proves them. The last few are kept: the
  // state is taken at a height several peers have, which may be a little below the newest.
  const recent = new Map<number, TrustedHeader>();
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
        recent.set(header.height, trusted);
        recent.delete(header.height - RECENT_HEADERS);
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
  // Peers announce their height every 2 s, so at the newest height often one peer alone has the state:
  // it is taken at the lowest height any peer announced, down to RECENT_HEADERS below the newest, so as
  // many peers as possible share the fetch (the blocks above it then come by block sync).
  const top = trusted.header.height;
  const lowest = recent.size === 0 ? top : Math.min(...recent.keys());
  const height = Math.min(top, Math.max(lowest, Math.min(...candidates(lowest).map((p) => heights.get(p)!))));
  trusted = recent.get(height) ?? trusted;
  logger.info({ height }, 'state sync: headers verified, fetching the state');

  // 4. The block at that height with its results, from the first peer that proves them.
  let snapshotBlock: { block: Block; results: BlockResults } | undefined;
  for (const peer of candidates(height)) {
    try {
      const blocks = await ask(peer, { kind: 'blocks-request', from: height, count: 1 }, 'blocks');
      const item = blocks.items[0];
      if (item === undefined || item.results === undefined)
        throw new PeerFailed(`did not send block ${height} with its results`);
      const block: Block = blockCodec.decode(item.block);
      if (!bytesEqual(blockHash(block.header), blockHash(trusted.header)))
        throw new PeerFailed(`block ${height} is not the verified one`);
      if (!bytesEqual(merkleListRoot(block.txs), block.header.txRoot))
        throw new PeerFailed(`block ${height}'s transactions do not match its txRoot`);
      const results = blockResultsCodec.decode(item.results);
      if (!bytesEqual(resultsRootOf(results.txResults, results.blockEvents), block.header.resultsRoot))
        throw new PeerFailed(`block ${height}'s results do not match its resultsRoot`);
      snapshotBlock = { block, results };
      break;
    } catch (error) {
      drop(peer, error);
    }
  }
  if (snapshotBlock === undefined)
    throw new HanglianError(NodeErrors.STATE_SYNC_FAILED, `no peer served the block at height ${height}`);

  // 5. The state after it, in ranges fetched side by side from every peer that has it; every chunk is
  // proven against the header's state root on arrival, then written to its range's scratch file.
  const { block, results } = snapshotBlock;
  const files = rangeFiles(options.scratchPath, options.ranges ?? STATE_SYNC_RANGES);
  try {
    const fetched = await fetchState(height, block.header.stateRoot, files);
    for (const f of files) f.close();
    logger.info({ height, ...fetched }, 'state sync: state fetched and proven, importing it');
    try {
      await options.importSnapshot({
        block,
        commit: trusted.commit,
        validators: trusted.validators,
        results,
        entries: readScratch(files.map((f) => f.path)),
      });
    } catch (error) {
      // Every chunk was proven: a state that does not rebuild the root is this node's fault, not a peer's.
      if (error instanceof HanglianError && error.code === NodeErrors.STATE_SYNC_MISMATCH)
        throw new HanglianError(
          NodeErrors.STATE_SYNC_FAILED,
          `proven state failed to import: ${error.message}`,
        );
      throw error;
    }
    logger.info(
      { height, ...fetched, block: bytesToHex(blockHash(block.header)) },
      'state sync: state imported',
    );
    return height;
  } finally {
    for (const f of files) {
      f.close();
      rmSync(f.path, { force: true });
    }
  }

  /**
   * Fetches every range of the state at `at`, each peer with one request outstanding, so a state of any
   * size holds at most (peers x chunk) entries in memory. A chunk that does not prove drops its peer at
   * once; a peer that times out twice is dropped too; the range goes back to the queue for another peer.
   */
  async function fetchState(
    at: number,
    stateRoot: Uint8Array,
    ranges: StateRange[],
  ): Promise<{ entries: number; chunks: number; peers: number }> {
    const limit = Math.min(options.chunkEntries ?? SNAPSHOT_CHUNK_ENTRIES, SNAPSHOT_CHUNK_ENTRIES);
    const progressEvery = Math.max(1, options.progressEveryChunks ?? STATE_SYNC_PROGRESS_CHUNKS);
    const stats = options.stats ?? newStateSyncStats();
    const pending = [...ranges];
    const busy = new Set<string>();
    const timeouts = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    let buffered = 0;
    const used = new Set<string>();

    const fetchChunk = async (peer: string, range: StateRange): Promise<void> => {
      const request: SyncWire = {
        kind: 'snapshot-request',
        height: at,
        after: range.after,
        until: range.until,
        limit,
      };
      let answer: Extract<Answer, { kind: 'snapshot-chunk' }>;
      try {
        answer = await ask(peer, request, 'snapshot-chunk');
      } catch (error) {
        pending.unshift(range);
        if (!(error instanceof PeerTimedOut)) throw error;
        const strikes = (timeouts.get(peer) ?? 0) + 1;
        timeouts.set(peer, strikes);
        stats.timeouts++;
        if (strikes >= 2) drop(peer, error);
        return;
      }
      // Held from its arrival until written: what this node keeps in memory of the state.
      buffered += answer.entries.length;
      stats.maxBufferedEntries = Math.max(stats.maxBufferedEntries, buffered);
      try {
        if (answer.height !== at) throw new PeerFailed('a chunk of another height');
        const check = verifyStateRange(stateRoot, range.after, answer.entries, answer.proof);
        if (!check.ok) throw new PeerFailed(`a chunk that does not prove: ${check.reason}`);
        let last: Uint8Array | undefined;
        let ended = check.done;
        let inRange = answer.entries.length;
        for (let i = 0; i < answer.entries.length; i++) {
          last = suite.hash(answer.entries[i]!.key);
          if (range.until !== null && compareBytes(last, range.until) > 0) {
            // The first entry past the range: its end is proven (it belongs to the next range).
            ended = true;
            inRange = i;
            break;
          }
        }
        range.write(answer.entries.slice(0, inRange));
        stats.entries += inRange;
        stats.chunks++;
        stats.chunksByPeer[peer] = (stats.chunksByPeer[peer] ?? 0) + 1;
        // A large state takes minutes to fetch, and the node's API does not listen yet: the log shows it moving.
        if (stats.chunks % progressEvery === 0)
          logger.info(
            { height: at, entries: stats.entries, chunks: stats.chunks },
            'state sync: fetching the state',
          );
        used.add(peer);
        if (!ended) {
          range.after = last!;
          pending.unshift(range);
        }
      } catch (error) {
        pending.unshift(range);
        stats.badChunks++;
        drop(peer, error);
      } finally {
        buffered -= answer.entries.length;
      }
    };

    for (;;) {
      // Hand pending ranges to idle peers (most advanced first: they are likeliest to hold the height).
      for (const peer of candidates(at)) {
        if (pending.length === 0) break;
        if (busy.has(peer)) continue;
        const range = pending.shift()!;
        busy.add(peer);
        const job: Promise<void> = fetchChunk(peer, range).finally(() => {
          busy.delete(peer);
          inFlight.delete(job);
        });
        inFlight.add(job);
      }
      if (inFlight.size === 0) {
        if (pending.length === 0) break;
        throw new HanglianError(
          NodeErrors.STATE_SYNC_FAILED,
          `no peer served a state that verifies at height ${at} (${dropped.size} dropped)`,
        );
      }
      await Promise.race(inFlight);
    }
    for (const peer of dropped) if (!stats.peersDropped.includes(peer)) stats.peersDropped.push(peer);
    return { entries: stats.entries, chunks: stats.chunks, peers: used.size };
  }
}

/** Verified headers kept from the walk: the state height may be this far below the newest. */
const RECENT_HEADERS = 20;

/** A progress line every this many chunks: ~128,000 entries at the default chunk size. */
export const STATE_SYNC_PROGRESS_CHUNKS = 64;

/** The state is fetched in this many ranges of paths (by their first bits), side by side. */
export const STATE_SYNC_RANGES = 16;

/** What a state sync did, for logs and tests. */
export interface StateSyncStats {
  chunks: number;
  entries: number;
  badChunks: number;
  timeouts: number;
  /** Most state entries held in memory at once (received, not yet written to disk). */
  maxBufferedEntries: number;
  chunksByPeer: Record<string, number>;
  peersDropped: string[];
}

export function newStateSyncStats(): StateSyncStats {
  return {
    chunks: 0,
    entries: 0,
    badChunks: 0,
    timeouts: 0,
    maxBufferedEntries: 0,
    chunksByPeer: {},
    peersDropped: [],
  };
}

/** One range of paths (after, until] and its scratch file. */
interface StateRange {
  readonly path: string;
  /** The next chunk starts after this path (null: at the first path). */
  after: Uint8Array | null;
  /** The range's last path (null: to the end). */
  readonly until: Uint8Array | null;
  /** Appends entries to the range's file (length-prefixed key and value). */
  write(entries: ReadonlyArray<{ key: Uint8Array; value: Uint8Array }>): void;
  close(): void;
}

/** `count` ranges by the first bits of the path (count a power of two, at most 256), each with its file. */
function rangeFiles(scratchPath: string, count: number): StateRange[] {
  if (!Number.isInteger(Math.log2(count)) || count < 1 || count > 256)
    throw new HanglianError(NodeErrors.CONFIG_INVALID, 'state sync ranges: a power of two up to 256');
  const bits = Math.log2(count);
  /** The last path of range i: its prefix, then every bit set. */
  const lastOf = (i: number): Uint8Array => {
    const path = new Uint8Array(32).fill(0xff);
    if (bits > 0) path[0] = ((i << (8 - bits)) | (0xff >> bits)) & 0xff;
    return path;
  };
  return Array.from({ length: count }, (_, i) => {
    const path = `${scratchPath}.${i}`;
    // Truncated now, appended to as verified chunks arrive.
    let fd: number | undefined = openSync(path, 'w');
    return {
      path,
      after: i === 0 ? null : lastOf(i - 1),
      until: i === count - 1 ? null : lastOf(i),
      write(entries) {
        if (fd === undefined || entries.length === 0) return;
        const parts: Uint8Array[] = [];
        for (const { key, value } of entries) {
          const header = Buffer.alloc(8);
          header.writeUInt32BE(key.byteLength, 0);
          header.writeUInt32BE(value.byteLength, 4);
          parts.push(header, key, value);
        }
        const bytes = Buffer.concat(parts);
        for (let written = 0; written < bytes.byteLength; )
          written += writeSync(fd, bytes, written, bytes.byteLength - written);
      },
      close() {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      },
    };
  });
}

/** The ranges' scratch files, read back one entry at a time, in path order. */
function* readScratch(paths: readonly string[]): Generator<{ key: Uint8Array; value: Uint8Array }> {
  for (const path of paths) yield* readScratchFile(path);
}

function* readScratchFile(path: string): Generator<{ key: Uint8Array; value: Uint8Array }> {
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

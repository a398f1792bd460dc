/**
 * State sync: how a new or wiped node joins without replaying every block. Trust starts at the genesis
 * (its validator set comes from executing the genesis document locally) and moves forward one header at a
 * time: each header's commit must carry more than 2/3 of the power of a validator set whose hash the
 * previous header announced. No block is executed. Then the state at the newest verified height is
 * fetched in chunks and accepted only if it rebuilds that header's state root; the node then follows the
 * chain by block sync from there.
 */
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
import { SYNC_BATCH_HEADERS, type SyncWire, syncWireCodec } from '../consensus/wire.js';
import { NodeErrors } from '../errors.js';
import type { Logger } from '../logger.js';

export interface StateSyncOptions {
  readonly transport: PeerTransport;
  readonly genesis: GenesisDocument;
  readonly application: Application;
  readonly suite: CryptoSuite;
  readonly logger: Logger;
  /** How long to wait for peers to announce themselves. */
  readonly discoverMs?: number;
  /** How long to wait for one answer before asking another peer. */
  readonly answerTimeoutMs?: number;
}

type Answer = Extract<SyncWire, { kind: 'headers' | 'snapshot-chunk' | 'blocks' }>;

/**
 * Runs state sync; returns the snapshot to import, or undefined when no peer is past the genesis (the
 * node then starts from the genesis like any other).
 */
export async function fetchVerifiedSnapshot(options: StateSyncOptions): Promise<LedgerSnapshot | undefined> {
  const { transport, genesis, application, suite, logger } = options;
  const chainId = genesis.chainId;
  const heights = new Map<string, number>();
  let waiting: { peer: string; kind: Answer['kind']; resolve: (a: Answer) => void } | undefined;
  transport.onMessage('sync', (peer, payload) => {
    let message: SyncWire;
    try {
      message = syncWireCodec.decode(payload);
    } catch {
      return false;
    }
    if (message.kind === 'status') heights.set(peer, message.height);
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
        reject(
          new HanglianError(
            NodeErrors.STATE_SYNC_FAILED,
            `peer ${peer.slice(0, 12)}… did not answer ${request.kind}`,
          ),
        );
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

  // 1. Who is out there, and how far are they?
  const deadline = Date.now() + (options.discoverMs ?? 6_000);
  while (Date.now() < deadline && heights.size < Math.max(1, transport.peers().length)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const best = [...heights.entries()].sort((a, b) => b[1] - a[1])[0];
  if (best === undefined)
    throw new HanglianError(NodeErrors.STATE_SYNC_FAILED, 'no peer announced its height');
  const [peer, target] = best;
  if (target === 0) return undefined;
  logger.info({ peer: peer.slice(0, 12), target }, 'state sync: verifying headers');

  // 2. Headers from the genesis to the target, each commit checked against the announced validator set.
  const genesisState = new MemoryState();
  application.stateMachine.initGenesis(genesis, genesisState);
  let expectedSetHash = validatorSetHash(application.validators.current(genesisState));
  let previousHash = genesisHashOf(genesis);
  let verified: { header: BlockHeader; commit: Commit; validators: Validator[] } | undefined;
  for (let next = 1; next <= target; ) {
    const count = Math.min(SYNC_BATCH_HEADERS, target - next + 1);
    const answer = await ask(peer, { kind: 'headers-request', from: next, count }, 'headers');
    if (answer.items.length === 0)
      throw new HanglianError(NodeErrors.STATE_SYNC_FAILED, `no headers from ${next}`);
    for (const item of answer.items) {
      const header = blockHeaderCodec.decode(item.header);
      const commit = commitCodec.decode(item.commit);
      const validators = validatorSetCodec.decode(item.validators);
      const fail = (what: string) =>
        new HanglianError(NodeErrors.STATE_SYNC_MISMATCH, `header ${next}: ${what}`, { details: { peer } });
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
      verified = { header, commit, validators };
      next++;
    }
  }
  if (verified === undefined) throw new HanglianError(NodeErrors.STATE_SYNC_FAILED, 'no header verified');
  const height = verified.header.height;
  logger.info({ height }, 'state sync: headers verified, fetching the state');

  // 3. The block at that height with its results, then the state after it, chunk by chunk.
  const blocks = await ask(peer, { kind: 'blocks-request', from: height, count: 1 }, 'blocks');
  const item = blocks.items[0];
  if (item === undefined || item.results === undefined) {
    throw new HanglianError(
      NodeErrors.STATE_SYNC_FAILED,
      `peer did not send block ${height} with its results`,
    );
  }
  const block: Block = blockCodec.decode(item.block);
  if (!bytesEqual(blockHash(block.header), blockHash(verified.header))) {
    throw new HanglianError(NodeErrors.STATE_SYNC_MISMATCH, `block ${height} is not the verified one`);
  }
  const results: BlockResults = blockResultsCodec.decode(item.results);
  const entries: Array<{ key: Uint8Array; value: Uint8Array }> = [];
  let after: Uint8Array | null = null;
  for (;;) {
    const chunk = await ask(peer, { kind: 'snapshot-request', height, after }, 'snapshot-chunk');
    if (chunk.height !== height)
      throw new HanglianError(NodeErrors.STATE_SYNC_MISMATCH, 'chunk of another height');
    entries.push(...chunk.entries);
    if (chunk.done || chunk.entries.length === 0) break;
    after = suite.hash(chunk.entries[chunk.entries.length - 1]!.key);
  }
  logger.info(
    { height, entries: entries.length, block: bytesToHex(blockHash(block.header)) },
    'state sync: state fetched',
  );
  return { block, commit: verified.commit, validators: verified.validators, results, entries };
}

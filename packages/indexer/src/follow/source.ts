/**
 * Where the index gets its data, and why it believes it: a node's HTTP API, checked like a light client.
 * Each block's header must extend the verified chain and carry a commit certificate of more than 2/3 of
 * the validator set in force (the SDK's light client follows set changes, each proven from state); the
 * block's transactions must hash to the header's transaction root; every state value the index reads is
 * proven by a Merkle proof under the header's state root. Results and events are not covered by a check
 * here (their JSON view does not re-encode to the committed bytes): they come from the node the index's
 * organisation runs, and the entities the index builds are read from proven state, not from them.
 */
import type { BlockResultsView, BlockView, StatusView } from '@hanglian/api';
import {
  type BlockHeader,
  blockHash,
  bytesEqual,
  bytesToHex,
  type DecodedTx,
  decodeTx,
  ed25519Sha256,
  HanglianError,
  hexToBytes,
  merkleListRoot,
  utf8,
  type Validator,
  validatorSetHash,
  verifyCommit,
  verifyStateProof,
} from '@hanglian/core';
import {
  type Client,
  commitFromView,
  createLightClient,
  headerFromView,
  type LightClient,
  proofFromView,
  type TrustCheckpoint,
} from '@hanglian/sdk';
import type { Static } from '@sinclair/typebox';
import { IndexerErrors } from '../errors.js';

export type BlockResults = Static<typeof BlockResultsView>;

/** A block and its results as the node sent them, not yet verified. */
export interface FetchedBlock {
  readonly height: number;
  readonly view: Static<typeof BlockView>;
  readonly results: BlockResults;
}

/** A block the source verified: its header, hash, decoded transactions, results and signers. */
export interface VerifiedBlock {
  readonly height: number;
  readonly hash: string;
  readonly header: BlockHeader;
  readonly txs: readonly DecodedTx[];
  readonly results: BlockResults;
  /** The validator set whose commit certificate signed it. */
  readonly validators: readonly Validator[];
  readonly signatures: number;
}

/** How far header verification runs ahead of the block being verified. */
const HEADERS_AHEAD = 256;

function refuse(message: string, details: Record<string, unknown>): never {
  throw new HanglianError(IndexerErrors.INDEX_VERIFY_FAILED, message, { details });
}

export interface BlockSourceOptions {
  readonly client: Client;
  /** Where trust starts: the genesis validators, or the set that signed the block after the cursor. */
  readonly trust: TrustCheckpoint;
}

/** Reads blocks and proven state from one node. */
export class BlockSource {
  readonly client: Client;
  readonly chainId: string;
  readonly #light: LightClient;
  #previousHash: Uint8Array | undefined;
  #aheadTo = 0;

  constructor(options: BlockSourceOptions) {
    this.client = options.client;
    this.chainId = options.trust.chainId;
    this.#light = createLightClient({ client: options.client, trust: options.trust, batchSize: 32 });
    this.#previousHash =
      options.trust.blockHash === undefined ? undefined : hexToBytes(options.trust.blockHash);
  }

  status(): Promise<StatusView> {
    return this.client.getStatus();
  }

  /** Lets header verification run ahead up to `height` (a height the node has). */
  aheadTo(height: number): void {
    this.#aheadTo = height;
  }

  /** Fetches block `height` and its results (any order, in parallel with other fetches). */
  async fetch(height: number): Promise<FetchedBlock> {
    const [view, results] = await Promise.all([
      this.client.getBlock({ height }),
      this.client.getBlockResults({ height }),
    ]);
    return { height, view, results };
  }

  /** Fetches and verifies block `height`; blocks must be verified in order. */
  async block(height: number): Promise<VerifiedBlock> {
    return this.verify(await this.fetch(height));
  }

  /** Verifies a fetched block; blocks must be verified in order, each extending the last. */
  async verify(fetched: FetchedBlock): Promise<VerifiedBlock> {
    const { height, view, results } = fetched;
    // Headers are verified ahead in batches (parallel fetches), not one round trip per block.
    if (this.#light.verifiedHeight < height - 1)
      await this.#light.sync(Math.max(height - 1, Math.min(this.#aheadTo, height + HEADERS_AHEAD)));
    const validators = await this.#light.validatorsAt(height);
    const header = headerFromView(view.header);
    const at = { height };
    if (header.chainId !== this.chainId || header.height !== height)
      refuse(`block ${height}: wrong chain or height`, at);
    if (this.#previousHash !== undefined && !bytesEqual(header.previousBlockHash, this.#previousHash))
      refuse(`block ${height} does not extend the indexed chain`, at);
    if (!bytesEqual(header.validatorSetHash, validatorSetHash(validators)))
      refuse(`block ${height} names a validator set that was not announced`, at);
    const hash = blockHash(header);
    if (view.commit === null) refuse(`block ${height} has no commit certificate yet`, at);
    const commit = commitFromView(view.commit);
    const check =
      commit.height === height
        ? verifyCommit(commit, this.chainId, hash, validators, ed25519Sha256)
        : undefined;
    if (check === undefined || !check.ok)
      refuse(`block ${height}: ${check?.reason ?? 'commit for another height'}`, at);
    const txBytes = view.txs.map(hexToBytes);
    if (!bytesEqual(merkleListRoot(txBytes), header.txRoot))
      refuse(`block ${height}: its transactions do not hash to the header's root`, at);
    if (results.height !== height || results.txResults.length !== txBytes.length)
      refuse(`block ${height}: results do not match its transactions`, at);
    const txs = txBytes.map((bytes) => decodeTx(bytes, this.chainId));
    txs.forEach((tx, i) => {
      if (results.txResults[i]!.txId !== bytesToHex(tx.id))
        refuse(`block ${height}: result ${i} is of another transaction`, at);
    });
    this.#previousHash = hash;
    return {
      height,
      hash: bytesToHex(hash),
      header,
      txs,
      results,
      validators,
      signatures: commit.signatures.length,
    };
  }

  /** The verified validator set that signs block `height + 1` (follows set changes announced by `height`). */
  validatorsAtNext(height: number): Promise<readonly Validator[]> {
    return this.#light.validatorsAt(height + 1);
  }

  /**
   * A state value at `height`, proven under that verified header's state root: the bytes, or null when
   * the proof shows the key absent.
   */
  async stateAt(path: string, header: BlockHeader): Promise<Uint8Array | null> {
    const answer = await this.client.getStateProof({ path, height: header.height });
    const key = utf8(path);
    const value = answer.value === null ? null : hexToBytes(answer.value);
    if (
      answer.height !== header.height ||
      answer.key !== bytesToHex(key) ||
      !bytesEqual(hexToBytes(answer.root), header.stateRoot) ||
      !verifyStateProof(header.stateRoot, key, value, proofFromView(answer.proof))
    ) {
      refuse(`the state value ${path} at height ${header.height} is not proven`, {
        height: header.height,
        path,
      });
    }
    return value;
  }
}

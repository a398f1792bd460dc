/**
 * A test kit for linked chains: signs headers of a `TestChain` as its validators would, with the state
 * root of a real sparse Merkle tree (the storage package's) over the chain's state, and proves values
 * of that state. With two TestChains of different chain ids, a test plays the relayer between them
 * without consensus, storage or processes.
 */
import {
  addressFromPublicKey,
  type BlockHeader,
  blockHash,
  bytesToHex,
  type Commit,
  proposerAddress,
  type SigningKey,
  type StateProof,
  signVote,
  utf8,
  type Validator,
  VOTE_PRECOMMIT,
  validatorSetHash,
  ZERO_HASH,
} from '@hanglian/core';
import { EMPTY_TREE, SparseMerkleTree, type TreeRef } from '@hanglian/storage';
import type { SignedHeader } from '../modules/lightclients/stores.js';
import { testKey } from './keys.js';
import type { TestChain } from './testChain.js';

export interface SignHeaderOptions {
  /** Labels of the validators that sign (default: every validator of the current set). */
  readonly signers?: readonly string[];
  /** The set that signs the next block (default: the current set): announces a change. */
  readonly nextSet?: readonly string[];
  /** Changes the header after it is signed (a forgery). */
  readonly tamper?: (header: BlockHeader) => BlockHeader;
  /** A different state root than the chain's (two headers of one height: a fork). */
  readonly stateRoot?: Uint8Array;
}

/** The validator set of labels, in the chain's order (by address), power 1 each. */
export function testValidatorSet(labels: readonly string[], org = 'remote'): Validator[] {
  return labels
    .map((label) => testKey(label))
    .sort((a, b) => (addressFromPublicKey(a.publicKey) < addressFromPublicKey(b.publicKey) ? -1 : 1))
    .map((key) => ({ publicKey: key.publicKey, power: 1, org }));
}

export class HeaderSigner {
  readonly chain: TestChain;
  #set: string[];
  #previousHash: Uint8Array;

  constructor(chain: TestChain, validatorLabels: readonly string[], genesisHash: Uint8Array = ZERO_HASH) {
    this.chain = chain;
    this.#set = [...validatorLabels];
    this.#previousHash = genesisHash;
  }

  /** The labels of the set that signs the next header. */
  get set(): readonly string[] {
    return this.#set;
  }

  validators(labels: readonly string[] = this.#set): Validator[] {
    return testValidatorSet(labels);
  }

  /** The state root of the chain's state now (a fresh tree over every entry). */
  stateRoot(): Uint8Array {
    return this.#tree().root;
  }

  /** Proof of `path` under the chain's current state root. */
  prove(path: string): StateProof {
    const { tree, rootRef } = this.#tree();
    return tree.prove(rootRef, utf8(path));
  }

  /** A header of the chain's current height, signed; it becomes the previous block of the next one. */
  sign(options: SignHeaderOptions = {}): SignedHeader {
    const chain = this.chain;
    const validators = this.validators();
    const next = options.nextSet ?? this.#set;
    let header: BlockHeader = {
      v: 1,
      chainId: chain.genesis.chainId,
      height: chain.height,
      time: chain.blockInfo(chain.height).time,
      previousBlockHash: this.#previousHash,
      txRoot: ZERO_HASH,
      txCount: 0,
      stateRoot: options.stateRoot ?? this.stateRoot(),
      resultsRoot: ZERO_HASH,
      proposer: proposerAddress(validators[0]!.publicKey),
      validatorSetHash: validatorSetHash(validators),
      nextValidatorSetHash: validatorSetHash(this.validators(next)),
      lastCommitHash: ZERO_HASH,
    };
    const hash = blockHash(header);
    const commit: Commit = {
      height: header.height,
      round: 0,
      blockHash: hash,
      signatures: (options.signers ?? this.#set).map((label) => {
        const key: SigningKey = testKey(label);
        const vote = {
          chainId: header.chainId,
          type: VOTE_PRECOMMIT,
          height: header.height,
          round: 0,
          blockHash: hash,
        };
        return { validator: key.publicKey, signature: signVote(vote as never, key) };
      }),
    };
    if (options.tamper !== undefined) header = options.tamper(header);
    // Only an honest header (all of the set signing, nothing changed) becomes the chain's block.
    if (options.stateRoot === undefined && options.tamper === undefined && options.signers === undefined) {
      this.#previousHash = hash;
      this.#set = [...next];
    }
    return { header, commit, validators };
  }

  #tree(): { tree: SparseMerkleTree; root: Uint8Array; rootRef: TreeRef } {
    const nodes = new Map<string, Uint8Array>();
    const tree = new SparseMerkleTree({ getNode: (nodeKey) => nodes.get(bytesToHex(nodeKey)) });
    const entries = [...this.chain.state.iterate(new Uint8Array())];
    const update = tree.update(EMPTY_TREE, entries, 0);
    for (const n of update.nodesToWrite) nodes.set(bytesToHex(n.key), n.record);
    return { tree, root: update.root, rootRef: update.rootRef };
  }
}

import {
  type Address,
  addressFromPublicKey,
  bytesToHex,
  type DecodedTx,
  decodeTx,
  ed25519Sha256,
  encodeCanonical,
  type HanglianError,
  type SigningKey,
  sha256,
  signTx,
  type TxResult,
} from '@hanglian/core';
import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { nonceStore } from '../execution/nonceStore.js';
import { type BlockExecution, type GenesisDocument, StateMachine } from '../execution/stateMachine.js';
import type { BlockInfo } from '../framework/module.js';
import { MemoryState, StateOverlay } from '../framework/state.js';
import { createKernel, KERNEL_UPGRADE_NAMES, type Kernel } from '../kernel.js';
import { standardTestNetwork } from './genesisBuilder.js';

export interface TestChainOptions {
  /** Milliseconds between blocks; block h has time genesisTime + h * blockIntervalMs. Default 1000. */
  readonly blockIntervalMs?: number;
  readonly maxTxLifetime?: number;
  /** A kernel wired differently (extra modules, stubs); default `createKernel()`. */
  readonly kernel?: Kernel;
}

export interface SubmitOptions {
  /** Co-signers, in order (their public keys become the body's actors). */
  readonly actors?: readonly SigningKey[];
  /** Default: the next expected nonce of the signer (counting transactions built for the next block). */
  readonly nonce?: number;
  /** Last height of inclusion. Default: the next block's height + 100. */
  readonly expiresAt?: number;
  readonly memo?: string;
}

/**
 * A whole chain in memory: the kernel's StateMachine over a MemoryState, one block per `submit`, with
 * heights and times that advance deterministically. Consensus and storage are not involved: this is the
 * state machine as every node runs it.
 */
export class TestChain {
  readonly kernel: Kernel;
  readonly machine: StateMachine;
  readonly state = new MemoryState();
  readonly genesis: GenesisDocument;
  readonly blockIntervalMs: number;
  /** Results of every executed block, by height (index 0 is unused). */
  readonly blocks: BlockExecution[] = [];
  #height = 0;
  readonly #plannedNonces = new Map<Address, number>();

  constructor(genesis: GenesisDocument = standardTestNetwork().build(), options: TestChainOptions = {}) {
    this.genesis = genesis;
    this.blockIntervalMs = options.blockIntervalMs ?? 1000;
    this.kernel = options.kernel ?? createKernel();
    this.machine = new StateMachine({
      chainId: genesis.chainId,
      modules: this.kernel.modules,
      membership: this.kernel.membership,
      suite: ed25519Sha256,
      upgrades: KERNEL_UPGRADE_NAMES,
      upgradePlan: this.kernel.upgradePlan,
      ...(options.maxTxLifetime === undefined ? {} : { maxTxLifetime: options.maxTxLifetime }),
    });
    this.machine.initGenesis(genesis, this.state);
  }

  /** Height of the last executed block (0 right after genesis). */
  get height(): number {
    return this.#height;
  }

  /** The facts of block `height`: time advances by the block interval, the proposer is fixed. */
  blockInfo(height = this.#height + 1): BlockInfo {
    return {
      chainId: this.genesis.chainId,
      height,
      time: this.genesis.genesisTime + height * this.blockIntervalMs,
      proposer: this.kernel.governance.method.currentValidators(this.state)[0]?.address ?? '',
    };
  }

  /** The nonce the next transaction of `address` must carry. */
  nextNonce(address: Address): number {
    return this.#plannedNonces.get(address) ?? nonceStore.get(this.state, address)?.next ?? 0;
  }

  /** Builds, signs and decodes a transaction for the next block. */
  buildTx(
    signer: SigningKey,
    module: string,
    command: string,
    params: unknown,
    options: SubmitOptions = {},
  ): DecodedTx {
    const submitter = addressFromPublicKey(signer.publicKey);
    const nonce = options.nonce ?? this.nextNonce(submitter);
    if (options.nonce === undefined) this.#plannedNonces.set(submitter, nonce + 1);
    const actors = options.actors ?? [];
    const bytes = signTx(
      {
        v: 1,
        chainId: this.genesis.chainId,
        module,
        command,
        params,
        submitter: signer.publicKey,
        nonce,
        expiresAt: options.expiresAt ?? this.#height + 101,
        actors: actors.map((k) => k.publicKey),
        ...(options.memo === undefined ? {} : { memo: options.memo }),
      },
      signer,
      actors,
    );
    return decodeTx(bytes, this.genesis.chainId);
  }

  /**
   * Executes one block of transactions as a proposer would (those failing authentication are left out and
   * reported in `excluded`), commits it and advances the height.
   */
  executeBlock(txs: ReadonlyArray<DecodedTx | Uint8Array> = []): BlockExecution {
    const block = this.blockInfo();
    const decoded = txs.map((t) => (t instanceof Uint8Array ? decodeTx(t) : t));
    const layer = new StateOverlay(this.state);
    const execution = this.machine.executeBlock(block, decoded, layer, 'propose');
    layer.commitTo(this.state);
    this.#height = block.height;
    this.blocks[block.height] = execution;
    this.#plannedNonces.clear();
    return execution;
  }

  /**
   * Signs a transaction with the right nonce, runs it alone in the next block and returns its result.
   * A transaction that fails authentication is never included: `submit` then throws that error, and no
   * block is produced.
   */
  submit(
    signer: SigningKey,
    module: string,
    command: string,
    params: unknown,
    options: SubmitOptions = {},
  ): TxResult {
    const tx = this.buildTx(signer, module, command, params, options);
    const block = this.blockInfo();
    try {
      this.machine.authenticate(tx, this.state, block);
    } catch (error) {
      this.#plannedNonces.clear();
      throw error as HanglianError;
    }
    const result = this.executeBlock([tx]).txResults[0];
    if (result === undefined) throw new Error('an authenticated transaction was not included');
    return result;
  }

  /** Runs `blocks` empty blocks (deadlines, expiries and validator-set moves happen in block hooks). */
  advance(blocks = 1): void {
    for (let i = 0; i < blocks; i++) this.executeBlock([]);
  }

  /**
   * Runs a query on the current state. An answer of a query that declares its `resultSchema` (what the
   * API description says it returns) is checked against it: a test that reads a query checks its schema.
   */
  query<T = unknown>(module: string, name: string, params: unknown = {}): T {
    const at = { height: this.#height, time: this.blockInfo(this.#height).time };
    const answer = this.machine.query(module, name, params, this.state, at);
    const schema = this.#resultSchemas().get(`${module}.${name}`);
    if (schema !== undefined && !schema.Check(answer)) {
      const first = schema.Errors(answer).First();
      throw new Error(
        `${module}.${name} answered outside its resultSchema: ${first?.path} ${first?.message}`,
      );
    }
    return answer as T;
  }

  #compiledResults: Map<string, TypeCheck<TSchema>> | undefined;
  #resultSchemas(): Map<string, TypeCheck<TSchema>> {
    this.#compiledResults ??= new Map(
      this.machine
        .describe()
        .flatMap(({ module, queries }) =>
          queries.flatMap((q) =>
            q.result === undefined ? [] : [[`${module}.${q.name}`, TypeCompiler.Compile(q.result)] as const],
          ),
        ),
    );
    return this.#compiledResults;
  }

  /** Every state entry in key order, as hex pairs. */
  entries(): Array<[string, string]> {
    return [...this.state.iterate(new Uint8Array())].map((e) => [bytesToHex(e.key), bytesToHex(e.value)]);
  }

  /** SHA-256 over the canonical encoding of every entry in key order: equal digests, equal states. */
  stateDigest(): string {
    return bytesToHex(
      sha256(encodeCanonical([...this.state.iterate(new Uint8Array())].map((e) => [e.key, e.value]))),
    );
  }
}

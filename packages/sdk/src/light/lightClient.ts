/**
 * A light client: trust starts at a checkpoint (the genesis validator set, or a later one the app
 * pinned) and moves forward one header at a time, as state sync does on the nodes
 * (packages/node/src/sync/stateSync.ts): each header must extend the previous one, name the validator
 * set trusted for its height, and carry a commit of more than 2/3 of that set's power. When a header
 * announces a new set, the set is read from the state it commits to (`governance/validators/current`
 * after that block, proven under its state root) and accepted only if it hashes to the announcement.
 */
import {
  addressFromPublicKey as addressOf,
  blockHash,
  bytesEqual,
  bytesToHex,
  type CryptoSuite,
  decodeCanonical,
  ed25519Sha256,
  encodeCanonical,
  hexToBytes,
  sha256,
  type Validator,
  validatorSetHash,
  verifyCommit,
} from '@hanglian/core';
import { getHeader } from '../actions/getHeader.js';
import { getStateProof } from '../actions/getStateProof.js';
import { getStatus } from '../actions/getStatus.js';
import type { BaseClient } from '../baseClient.js';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import {
  type StateKey,
  stateKeyBytes,
  type TrustedValidators,
  type VerifiedState,
  verifyQueryResult,
} from './verify.js';
import { commitFromView, headerFromView } from './views.js';

/** The state key where governance keeps the set that signs the next block (governance README). */
export const CURRENT_VALIDATORS_PATH = 'governance/validators/current';

/** Where trust starts: the validators that sign block `height + 1`. */
export interface TrustCheckpoint {
  readonly chainId: string;
  /** 0 for the genesis. */
  readonly height: number;
  /** The hash of block `height` (hex): the genesis hash for height 0. Optional but recommended. */
  readonly blockHash?: string;
  readonly validators: readonly Validator[];
}

export interface LightClientOptions {
  readonly client: BaseClient;
  readonly trust: TrustCheckpoint;
  readonly suite?: CryptoSuite;
  /** Blocks fetched at once while following headers (default 16). */
  readonly batchSize?: number;
}

export interface LightClient {
  /** The newest verified height and its block hash. */
  readonly verifiedHeight: number;
  readonly verifiedBlockHash: string | undefined;
  /** Follows headers up to `height` (default: the node's latest), verifying each. */
  sync(height?: number): Promise<{ height: number; blockHash: string | undefined }>;
  /** The verified validator set that signs block `height` (syncs up to `height` first). */
  validatorsAt(height: number): Promise<readonly Validator[]>;
  /** Reads a state key (latest or at `height`) and verifies it; throws `SDK_VERIFY_FAILED` if it does not verify. */
  getVerifiedState(key: StateKey & { readonly height?: number }): Promise<VerifiedState>;
}

function fail(message: string, details: Record<string, unknown>): never {
  throw new HanglianSdkError(SdkErrors.SDK_VERIFY_FAILED, message, { details });
}

function validatorsFromState(value: Uint8Array): Validator[] {
  const decoded = decodeCanonical(value) as {
    validators?: Array<{ publicKey?: unknown; power?: unknown; org?: unknown }>;
  };
  if (!Array.isArray(decoded?.validators))
    fail('the validator set in state is malformed', { check: 'validatorSet' });
  return decoded.validators.map((v) => {
    if (!(v.publicKey instanceof Uint8Array) || typeof v.power !== 'number' || typeof v.org !== 'string') {
      fail('the validator set in state is malformed', { check: 'validatorSet' });
    }
    return { publicKey: v.publicKey, power: v.power, org: v.org };
  });
}

/**
 * Creates a light client that follows the chain from a trusted checkpoint.
 *
 * @example
 * ```ts
 * const light = createLightClient({
 *   client,
 *   trust: { chainId: genesis.chainId, height: 0, blockHash: genesisHashOf(genesis), validators: validatorSetFromGenesis(genesis) },
 * });
 * const { value } = await light.getVerifiedState({ path: `settlement/balances/${address}` });
 * ```
 */
export function createLightClient(options: LightClientOptions): LightClient {
  const { client, trust } = options;
  const suite = options.suite ?? ed25519Sha256;
  const batchSize = options.batchSize ?? 16;
  // Sets in force from a height on, oldest first: sets[i] signs blocks from sets[i].from up to the next entry.
  const sets: Array<{ from: number; validators: readonly Validator[] }> = [
    { from: trust.height + 1, validators: [...trust.validators] },
  ];
  let height = trust.height;
  let tipHash: Uint8Array | undefined =
    trust.blockHash === undefined ? undefined : hexToBytes(trust.blockHash);
  let syncing: Promise<void> = Promise.resolve();

  const setFor = (h: number): readonly Validator[] => {
    let found = sets[0]!.validators;
    for (const s of sets) if (s.from <= h) found = s.validators;
    return found;
  };

  async function advance(target: number): Promise<void> {
    while (height < target) {
      const from = height + 1;
      const to = Math.min(target, height + batchSize);
      const blocks = await Promise.all(
        Array.from({ length: to - from + 1 }, (_, i) => getHeader(client, { height: from + i })),
      );
      for (const block of blocks) {
        const h = height + 1;
        const header = headerFromView(block.header);
        const signers = setFor(h);
        const at = { height: h, check: 'header' as string };
        if (header.chainId !== trust.chainId || header.height !== h)
          fail(`header ${h}: wrong chain or height`, at);
        if (tipHash !== undefined && !bytesEqual(header.previousBlockHash, tipHash)) {
          fail(`header ${h} does not extend the verified chain`, at);
        }
        if (!bytesEqual(header.validatorSetHash, validatorSetHash(signers))) {
          fail(`header ${h} names a validator set that was not announced`, { ...at, check: 'validatorSet' });
        }
        if (block.commit === null)
          fail(`block ${h} has no commit certificate yet`, { ...at, check: 'commit' });
        const hash = blockHash(header);
        const commit = commitFromView(block.commit);
        const check =
          commit.height === h ? verifyCommit(commit, trust.chainId, hash, signers, suite) : undefined;
        if (check === undefined || !check.ok) {
          fail(`header ${h}: ${check?.reason ?? 'commit for another height'}`, { ...at, check: 'commit' });
        }
        if (!bytesEqual(header.nextValidatorSetHash, validatorSetHash(signers))) {
          // The set changes at h + 1: read it from the state after block h, proven under header h.
          const answer = await getStateProof(client, { path: CURRENT_VALIDATORS_PATH, height: h });
          const proven = verifyQueryResult(
            answer,
            { path: CURRENT_VALIDATORS_PATH },
            {
              chainId: trust.chainId,
              validators: signers,
              suite,
            },
          );
          if (proven.blockHash !== bytesToHex(hash) || proven.value === null) {
            fail(`the validator set after block ${h} is not proven`, { ...at, check: 'validatorSet' });
          }
          const next = validatorsFromState(proven.value);
          if (!bytesEqual(validatorSetHash(next), header.nextValidatorSetHash)) {
            fail(`the validator set after block ${h} is not the announced one`, {
              ...at,
              check: 'validatorSet',
            });
          }
          sets.push({ from: h + 1, validators: next });
        }
        height = h;
        tipHash = hash;
      }
    }
  }

  // One follower at a time: concurrent calls queue behind the one in progress.
  const syncTo = (target: number): Promise<void> => {
    syncing = syncing.catch(() => undefined).then(() => advance(target));
    return syncing;
  };

  const light: LightClient = {
    get verifiedHeight() {
      return height;
    },
    get verifiedBlockHash() {
      return tipHash === undefined ? undefined : bytesToHex(tipHash);
    },
    async sync(target) {
      await syncTo(target ?? (await getStatus(client)).height);
      return { height, blockHash: light.verifiedBlockHash };
    },
    async validatorsAt(h) {
      if (h <= trust.height)
        fail(`height ${h} is at or before the trust checkpoint`, { height: h, check: 'header' });
      await syncTo(h - 1);
      return setFor(h);
    },
    async getVerifiedState(key) {
      const answer = await getStateProof(client, {
        ...('path' in key ? { path: key.path } : { key: key.key }),
        ...(key.height === undefined ? {} : { height: key.height }),
      });
      if (key.height !== undefined && answer.height !== key.height) {
        fail('the answer is for another height', { check: 'header', asked: key.height, got: answer.height });
      }
      const validators = await light.validatorsAt(answer.height);
      const trusted: TrustedValidators = { chainId: trust.chainId, validators, suite };
      return verifyQueryResult(
        answer,
        'path' in key ? { path: key.path } : { key: stateKeyBytes(key) },
        trusted,
      );
    },
  };
  return light;
}

/**
 * Reads a state key and verifies it, either against validators the app trusts for that height or
 * through a light client that follows the chain.
 *
 * @example
 * ```ts
 * const { value } = await getVerifiedState(client, { path: `settlement/balances/${address}`, trusted: light });
 * ```
 */
export async function getVerifiedState(
  client: BaseClient,
  parameters: StateKey & { readonly height?: number; readonly trusted: TrustedValidators | LightClient },
): Promise<VerifiedState> {
  const { trusted } = parameters;
  if ('getVerifiedState' in trusted) return trusted.getVerifiedState(parameters);
  const key = 'path' in parameters ? { path: parameters.path } : { key: parameters.key };
  const answer = await getStateProof(client, {
    ...key,
    ...(parameters.height === undefined ? {} : { height: parameters.height }),
  });
  return verifyQueryResult(answer, key, trusted);
}

/**
 * The genesis validator set from a genesis document, in the chain's order (sorted by address), to start
 * a light client from height 0.
 *
 * @example
 * ```ts
 * const validators = validatorSetFromGenesis(JSON.parse(await readGenesisFile()));
 * ```
 */
export function validatorSetFromGenesis(genesis: { modules: Record<string, unknown> }): Validator[] {
  const section = genesis.modules.governance as
    | { validators?: Array<{ publicKey: string; power: number; org: string }> }
    | undefined;
  const list = (section?.validators ?? []).map((v) => {
    const publicKey = hexToBytes(v.publicKey);
    return { address: addressOf(publicKey), validator: { publicKey, power: v.power, org: v.org } };
  });
  list.sort((a, b) => (a.address < b.address ? -1 : 1));
  return list.map((v) => v.validator);
}

/**
 * The genesis hash (hex) of a genesis document: the `previousBlockHash` of block 1, to pin as the
 * light client's starting point.
 *
 * @example
 * ```ts
 * const trust = { chainId: genesis.chainId, height: 0, blockHash: genesisHashOf(genesis), validators };
 * ```
 */
export function genesisHashOf(genesis: unknown): string {
  return bytesToHex(sha256(encodeCanonical(genesis)));
}

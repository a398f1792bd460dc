/**
 * Where this browser's trust in the chain starts, and the light client that moves it forward.
 *
 * On first use the console pins a checkpoint taken from the node it talks to (trust on first use, as an
 * SSH client does): the validator set read from state at the block before the latest, and that block's
 * hash. From then on every answer is verified by the SDK light client: each header from the checkpoint
 * on must extend the previous one, name the announced validator set and carry signatures of more than
 * 2/3 of its power; a state value must be proven under such a header's state root. After each
 * verification the checkpoint moves to the newest verified header, so a node that later lies cannot
 * rewrite what this browser already verified. The checkpoint is shown on the page and can be reset.
 */
import { bytesToHex, decodeCanonical, hexToBytes, type Validator } from '@hanglian/core';
import {
  CURRENT_VALIDATORS_PATH,
  createLightClient,
  type LightClient,
  type VerifiedState,
} from '@hanglian/sdk';
import { client } from './chain.js';
import { settings } from './settings.js';

export interface Checkpoint {
  readonly chainId: string;
  readonly genesisHash: string;
  readonly height: number;
  readonly blockHash: string;
  readonly validators: ReadonlyArray<{ publicKey: string; power: number; org: string }>;
  /** When the first checkpoint of this chain was pinned (ms), and when it last moved. */
  readonly pinnedAt: number;
  readonly movedAt: number;
}

const keyOf = (genesisHash: string) => `trust.${genesisHash}`;
/** Headers verified per step while following the chain (each step updates the progress bar). */
const STEP = 32;

function decodeValidators(value: Uint8Array): Validator[] {
  const decoded = decodeCanonical(value) as { validators?: unknown };
  if (!Array.isArray(decoded.validators)) throw new Error('the validator set in state is malformed');
  return decoded.validators.map((v: { publicKey?: unknown; power?: unknown; org?: unknown }) => {
    if (!(v.publicKey instanceof Uint8Array) || typeof v.power !== 'number' || typeof v.org !== 'string') {
      throw new Error('the validator set in state is malformed');
    }
    return { publicKey: v.publicKey, power: v.power, org: v.org };
  });
}

const toStored = (validators: readonly Validator[]) =>
  validators.map((v) => ({ publicKey: bytesToHex(v.publicKey), power: v.power, org: v.org }));

export function savedCheckpoint(genesisHash: string): Checkpoint | undefined {
  const raw = settings.get(keyOf(genesisHash));
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as Checkpoint;
  } catch {
    return undefined;
  }
}

export function forgetCheckpoint(genesisHash: string): void {
  settings.set(keyOf(genesisHash), null);
}

/** Pins a first checkpoint from the node: the set that signs the latest block, and its parent's hash. */
export async function pinFromNode(): Promise<Checkpoint> {
  const status = await client().getStatus();
  if (status.height < 1) throw new Error('the chain has no block yet: nothing can be verified');
  const height = status.height - 1;
  const answer = await client().getStateProof({ path: CURRENT_VALIDATORS_PATH, height });
  if (answer.value === null) throw new Error('the node has no validator set in state');
  const validators = decodeValidators(hexToBytes(answer.value));
  const blockHash = height === 0 ? status.genesisHash : (await client().getHeader({ height })).hash;
  const now = Date.now();
  return {
    chainId: status.chainId,
    genesisHash: status.genesisHash,
    height,
    blockHash,
    validators: toStored(validators),
    pinnedAt: now,
    movedAt: now,
  };
}

export interface TrustProgress {
  readonly from: number;
  readonly at: number;
  readonly to: number;
}

/**
 * Reads a state key and verifies it in this browser, following headers from the saved checkpoint
 * (pinned on first use). `onProgress` is told how far the header chain is verified.
 */
export async function verifiedState(
  path: string,
  onProgress: (progress: TrustProgress) => void = () => {},
): Promise<{ state: VerifiedState; checkpoint: Checkpoint; light: LightClient }> {
  const status = await client().getStatus();
  const checkpoint = savedCheckpoint(status.genesisHash) ?? (await pinFromNode());
  if (checkpoint.chainId !== status.chainId) throw new Error('the saved checkpoint is of another chain');
  const light = createLightClient({
    client: client(),
    trust: {
      chainId: checkpoint.chainId,
      height: checkpoint.height,
      blockHash: checkpoint.blockHash,
      validators: checkpoint.validators.map((v) => ({ ...v, publicKey: hexToBytes(v.publicKey) })),
    },
  });
  // Follow the headers in steps so a long way from the checkpoint shows its progress.
  const target = Math.max(status.height - 1, checkpoint.height);
  onProgress({ from: checkpoint.height, at: checkpoint.height, to: target });
  while (light.verifiedHeight < target) {
    await light.sync(Math.min(target, light.verifiedHeight + STEP));
    onProgress({ from: checkpoint.height, at: light.verifiedHeight, to: target });
  }
  const state = await light.getVerifiedState({ path });
  // Move the checkpoint forward to the newest verified header.
  const verifiedHeight = light.verifiedHeight;
  const next = await light.validatorsAt(verifiedHeight + 1);
  const moved: Checkpoint = {
    ...checkpoint,
    height: verifiedHeight,
    blockHash: light.verifiedBlockHash ?? checkpoint.blockHash,
    validators: toStored(next),
    movedAt: Date.now(),
  };
  settings.set(keyOf(status.genesisHash), JSON.stringify(moved));
  return { state, checkpoint: moved, light };
}

/** A proven state value decoded from its canonical CBOR (null when the key is proven absent). */
export function decodeValue<T>(state: VerifiedState): T | null {
  return state.value === null ? null : (decodeCanonical(state.value) as T);
}

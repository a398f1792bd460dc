/**
 * Verifying a message between linked chains in an app or a browser, as the destination chain does on
 * chain: the packet is read from the source chain's state and proven under a header signed by the
 * source's validators (through a light client of the source), so an app can show "delivered, proven by
 * the logistics chain" without trusting the node it asked, or any relayer.
 */
import { decodeCanonical } from '@hanglian/core';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import type { InterchainPacket, InterchainReceipt } from '../transactions/interchain.js';
import type { LightClient } from './lightClient.js';

const padded = (sequence: number) => sequence.toString().padStart(15, '0');

export interface VerifiedInterchainValue<T> {
  readonly value: T;
  /** The source's (or destination's) height and block hash it was proven at. */
  readonly height: number;
  readonly blockHash: string;
}

/**
 * The packet `sequence` that the light client's chain sent to `destChain`, proven; throws
 * `SDK_VERIFY_FAILED` when it does not verify or was never sent.
 *
 * @example
 * ```ts
 * const logistics = createLightClient({ client: logisticsClient, trust });
 * const { value: packet } = await verifyInterchainPacket(logistics, { destChain: 'commerce', sequence: 1 });
 * ```
 */
export async function verifyInterchainPacket(
  source: LightClient,
  parameters: { readonly destChain: string; readonly sequence: number; readonly height?: number },
): Promise<VerifiedInterchainValue<InterchainPacket>> {
  const path = `interchain/outbox/${parameters.destChain}/${padded(parameters.sequence)}`;
  return proven<InterchainPacket>(source, path, parameters.height);
}

/**
 * The receipt the light client's chain wrote for packet `sequence` of `sourceChain`, proven; throws
 * `SDK_VERIFY_FAILED` when it does not verify or no receipt was written.
 *
 * @example
 * ```ts
 * const commerce = createLightClient({ client: commerceClient, trust });
 * const { value: receipt } = await verifyInterchainReceipt(commerce, { sourceChain: 'logistics', sequence: 1 });
 * ```
 */
export async function verifyInterchainReceipt(
  dest: LightClient,
  parameters: { readonly sourceChain: string; readonly sequence: number; readonly height?: number },
): Promise<VerifiedInterchainValue<InterchainReceipt>> {
  const path = `interchain/receipts/${parameters.sourceChain}/${padded(parameters.sequence)}`;
  return proven<InterchainReceipt>(dest, path, parameters.height);
}

async function proven<T>(
  light: LightClient,
  path: string,
  height?: number,
): Promise<VerifiedInterchainValue<T>> {
  const state = await light.getVerifiedState({ path, ...(height === undefined ? {} : { height }) });
  if (state.value === null) {
    throw new HanglianSdkError(SdkErrors.SDK_VERIFY_FAILED, `proof: ${path} is proven absent`, {
      details: { check: 'proof', path, height: state.height },
    });
  }
  return { value: decodeCanonical(state.value) as T, height: state.height, blockHash: state.blockHash };
}

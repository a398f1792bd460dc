/**
 * Fetching a registered implementation to run it in the wallet: the implementation record, its standard,
 * its code (with the source) and the registry's parameters, each read from state with a proof checked by
 * the light client against a header signed by more than 2/3 of the validators, all at one height. The
 * source must hash to the code hash the implementation names, so a node cannot hand the wallet other code.
 * Nothing the wallet holds privately is in these reads: they are the same for every wallet.
 */
import { bytesToHex, decodeCanonical, sha256, utf8 } from '@hanglian/core';
import {
  DEFAULT_REGISTRY_PARAMETERS,
  type DeployedCode,
  type Implementation,
  type RegistryParameters,
  type Standard,
} from '@hanglian/state-machine/registry-local';
import { HanglianSdkError, SdkErrors } from '../errors.js';
import type { LightClient } from '../light/lightClient.js';

/** Everything a local run needs, proven at one height. */
export interface VerifiedImplementation {
  readonly implementation: Implementation;
  readonly standard: Standard;
  readonly code: DeployedCode;
  /** The chain's registry parameters at that height: the gas and memory limits of read-only calls. */
  readonly parameters: RegistryParameters;
  /** The height the four values were proven at, and that block's hash. */
  readonly height: number;
  readonly blockHash: string;
}

const notFound = (message: string, details: Record<string, unknown>): never => {
  throw new HanglianSdkError(SdkErrors.SDK_LOCAL_NOT_FOUND, message, { details });
};

/**
 * Reads and verifies implementation `id` (at `height`, default the light client's newest verified block,
 * after syncing to the node's latest).
 *
 * @example
 * ```ts
 * const light = createLightClient({ client, trust });
 * const verified = await fetchImplementation(light, 'platform-b.discover');
 * verified.code.source; // the bundle whose SHA-256 is verified.implementation.codeHash
 * ```
 */
export async function fetchImplementation(
  light: LightClient,
  id: string,
  options: { readonly height?: number } = {},
): Promise<VerifiedImplementation> {
  const height = options.height ?? (await light.sync()).height;
  const read = async <T>(path: string): Promise<{ value: T | null; blockHash: string }> => {
    const state = await light.getVerifiedState({ path, height });
    return {
      value: state.value === null ? null : (decodeCanonical(state.value) as T),
      blockHash: state.blockHash,
    };
  };
  const record = await read<Implementation>(`registry/implementations/${id}`);
  const implementation =
    record.value ?? notFound(`no implementation ${id} at height ${height}`, { id, height });
  const [standard, code, parameters] = await Promise.all([
    read<Standard>(`registry/standards/${implementation.standard}`),
    read<DeployedCode>(`registry/code/${implementation.codeHash}`),
    read<Partial<RegistryParameters>>('registry/params/current'),
  ]);
  if (standard.value === null) notFound(`no standard ${implementation.standard}`, { id, height });
  if (code.value === null) notFound(`no code ${implementation.codeHash}`, { id, height });
  const deployed = code.value as DeployedCode;
  const hash = bytesToHex(sha256(utf8(deployed.source)));
  if (hash !== implementation.codeHash || deployed.hash !== implementation.codeHash) {
    throw new HanglianSdkError(
      SdkErrors.SDK_LOCAL_CODE_MISMATCH,
      `the code of ${id} hashes to ${hash}, not ${implementation.codeHash}`,
      { details: { id, expected: implementation.codeHash, actual: hash, height } },
    );
  }
  return {
    implementation,
    standard: standard.value as Standard,
    code: deployed,
    parameters: { ...DEFAULT_REGISTRY_PARAMETERS, ...(parameters.value ?? {}) },
    height,
    blockHash: record.blockHash,
  };
}

/** Checking a value of another chain's state against a header this chain verified. */
import { HanglianError, HashSchema, type StateProof, utf8, verifyStateProof } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { CommandContext } from '../../framework/module.js';
import { InterchainErrors } from './errors.js';
import type { LightClientsForInterchain } from './expected.js';

export const StateProofSchema = Type.Object(
  {
    siblings: Type.Array(HashSchema, { maxItems: 256 }),
    leaf: Type.Union([
      Type.Object({ keyHash: HashSchema, valueHash: HashSchema }, { additionalProperties: false }),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);
export type StateProofParams = Static<typeof StateProofSchema>;

/** Gas of checking one state proof (up to 257 hashes). */
export const PROOF_CHECK_GAS = 50_000;

/**
 * Throws unless `proof` shows that, in the state of `chainId` after block `height` (a header verified by
 * this chain's light client), `path` holds exactly `value`.
 */
export function requireProven(
  ctx: CommandContext<unknown>,
  lightClients: LightClientsForInterchain,
  chainId: string,
  height: number,
  path: string,
  value: Uint8Array,
  proof: StateProofParams,
): void {
  const consensus = lightClients.requireConsensusState(ctx.state, chainId, height);
  ctx.gas.charge(PROOF_CHECK_GAS, 'state proof');
  if (!verifyStateProof(consensus.stateRoot, utf8(path), value, proof as StateProof)) {
    throw new HanglianError(
      InterchainErrors.INTERCHAIN_BAD_PROOF,
      `the proof does not prove ${path} in ${chainId}'s state at height ${height}`,
    );
  }
}

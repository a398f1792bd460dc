/**
 * Helpers for tests and demos that need the commerce standards live on a chain: the publishing
 * organisations in a genesis, and every reference implementation deployed and registered by its own
 * organisation. Keys are the test keys (`testKey('<org>/admin')`), so these are for test networks only.
 */
import { bytesToHex, RESULT_OK, type SigningKey, sha256, type TxResult, utf8 } from '@hanglian/core';
import { type GenesisBuilder, type TestChain, testKey } from '@hanglian/state-machine';
import { buildReferenceImplementations, REFERENCE_ORGANISATIONS } from './references.js';

/**
 * Adds the reference organisations missing from the builder's network, each with an admin `<org>/admin`.
 * `except` names those already there (`standardTestNetwork()` has `shop`, the default).
 */
export function withReferenceOrganisations(
  builder: GenesisBuilder,
  except: readonly string[] = ['shop'],
): GenesisBuilder {
  for (const org of REFERENCE_ORGANISATIONS) {
    if (except.includes(org.id)) continue;
    builder.organisation(org.id, org.roles, org.name).identity(`${org.id}/admin`, { org: org.id });
  }
  return builder;
}

/** Deploys `source` (unless that code is on chain already) and registers it; the registration's result. */
export function deployAndRegister(
  chain: TestChain,
  signer: SigningKey,
  implementation: { id: string; standard: string; source: string; displayName?: string },
): TxResult {
  const codeHash = bytesToHex(sha256(utf8(implementation.source)));
  if (chain.query('registry', 'code', { hash: codeHash }) === null) {
    const deployed = chain.submit(signer, 'registry', 'deployCode', { source: implementation.source });
    if (deployed.code !== RESULT_OK) return deployed;
  }
  return chain.submit(signer, 'registry', 'registerImplementation', {
    id: implementation.id,
    standard: implementation.standard,
    codeHash,
    displayName: implementation.displayName ?? implementation.id,
  });
}

/**
 * Deploys and registers every reference implementation, each signed by an admin of its organisation
 * (`keyOf(org)`, default the test key `<org>/admin`). Throws on the first refusal, with its code.
 */
export function deployReferenceImplementations(
  chain: TestChain,
  keyOf: (org: string) => SigningKey = (org) => testKey(`${org}/admin`),
): void {
  for (const implementation of buildReferenceImplementations()) {
    const result = deployAndRegister(chain, keyOf(implementation.org), implementation);
    if (result.code !== RESULT_OK) {
      throw new Error(`${implementation.id}: ${result.code}: ${result.message}`);
    }
  }
}

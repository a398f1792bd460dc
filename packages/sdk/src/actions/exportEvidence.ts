import { endpoints } from '@hanglian/api';
import { type EvidenceBundle, parseEvidenceBundle } from '@hanglian/core';
import type { BaseClient } from '../baseClient.js';
import { getStateProof } from './getStateProof.js';

export interface ExportEvidenceParameters {
  /** What the case is about, for whoever reads the bundle. */
  readonly title: string;
  /** Ids (hex) of committed transactions to include with their results. */
  readonly transactions?: readonly string[];
  /** State values (or absences) to include, by text path or key bytes, at a height (default: latest). */
  readonly state?: ReadonlyArray<{
    readonly path?: string;
    readonly key?: Uint8Array | string;
    readonly height?: number;
  }>;
}

/**
 * Packs transactions and state values with every header, commit certificate and validator set needed to
 * check them into an evidence bundle (证据先行) that a third party verifies offline with
 * `verifyEvidenceBundle` from @hanglian/core or `hanglian evidence verify`. The node is not trusted: what
 * it sends is checked when the bundle is verified, not when it is exported.
 *
 * @example
 * ```ts
 * const bundle = await exportEvidence(client, { title: 'order 42 dispute', transactions: [txId] });
 * await writeFile('case-42.json', JSON.stringify(bundle, null, 2));
 * ```
 */
export async function exportEvidence(
  client: BaseClient,
  parameters: ExportEvidenceParameters,
): Promise<EvidenceBundle> {
  const status = await client.request(endpoints.getStatus, {});
  const heights = new Map<number, EvidenceBundle['heights'][number]>();
  const items: EvidenceBundle['items'] = [];
  for (const id of parameters.transactions ?? []) {
    const proof = await client.request(endpoints.getTransactionProof, { params: { id: id.toLowerCase() } });
    heights.set(proof.height, { header: proof.header, commit: proof.commit, validators: proof.validators });
    items.push({
      kind: 'transaction',
      height: proof.height,
      tx: proof.tx,
      inclusion: proof.inclusion,
      resultBytes: proof.resultBytes,
      result: proof.result,
      resultInclusion: proof.resultInclusion,
    });
  }
  for (const wanted of parameters.state ?? []) {
    const answer = await getStateProof(
      client,
      wanted.path !== undefined
        ? { path: wanted.path, ...(wanted.height === undefined ? {} : { height: wanted.height }) }
        : { key: wanted.key ?? '', ...(wanted.height === undefined ? {} : { height: wanted.height }) },
    );
    if (answer.header === null || answer.commit === null) continue; // the genesis state has no header to prove against
    if (!heights.has(answer.height)) {
      const { validators } = await client.request(endpoints.getBlockValidators, {
        params: { height: String(answer.height) },
      });
      heights.set(answer.height, { header: answer.header, commit: answer.commit, validators });
    }
    items.push({
      kind: 'state',
      height: answer.height,
      key: answer.key,
      value: answer.value,
      proof: answer.proof,
    });
  }
  return parseEvidenceBundle({
    format: 'hanglian-evidence/1',
    chainId: status.chainId,
    title: parameters.title,
    exportedAt: Date.now(),
    heights: [...heights.values()].sort((a, b) => a.header.height - b.header.height),
    items,
  });
}

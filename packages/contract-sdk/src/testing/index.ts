/**
 * The local test runner: a standard's conformance vectors against a bundle, in the same sandbox and with
 * the same checks and fixed block facts as registration on chain, so "passes locally" means "registers".
 * Runs in-thread (no Worker): fine for a developer's machine; consensus execution uses the worker
 * (docs/decisions/0005-contract-execution-thread.md).
 */
import { ContractSandbox } from '@hanglian/contract-runtime';
import { bytesToHex, sha256, utf8 } from '@hanglian/core';
import {
  type ConformanceReport,
  checkStandardDefinition,
  DEFAULT_REGISTRY_PARAMETERS,
  runConformance,
  SettlementMethod,
  type Standard,
  type StandardDefinition,
} from '@hanglian/state-machine';

export type { ConformanceReport, StandardDefinition, VectorReport } from '@hanglian/state-machine';
export { LOGISTICS_QUOTE_STANDARD, schemaValue } from '@hanglian/state-machine';

export interface LocalConformanceOptions {
  readonly standard: StandardDefinition;
  /** The bundle (one IIFE script defining `contract`). */
  readonly source: string;
  /** The id it will be registered under (the contract's account derives from it). Default `local`. */
  readonly implementationId?: string;
  /** Called after each vector, for progress output. */
  readonly onVector?: (report: ConformanceReport['vectors'][number]) => void;
}

export function codeHashOf(source: string): string {
  return bytesToHex(sha256(utf8(source)));
}

/** Runs every vector, each on a fresh state; does not stop at the first failure (a developer wants all). */
export async function runConformanceLocally(options: LocalConformanceOptions): Promise<ConformanceReport> {
  checkStandardDefinition(options.standard);
  const sandbox = await ContractSandbox.create();
  const standard: Standard = { ...options.standard, registeredAt: 0 };
  const vectors: ConformanceReport['vectors'] = [];
  let gasUsed = 0;
  for (const vector of standard.vectors) {
    const report = runConformance({
      executor: sandbox,
      standard: { ...standard, vectors: [vector] },
      implementationId: options.implementationId ?? 'local',
      codeHash: codeHashOf(options.source),
      source: options.source,
      settlement: new SettlementMethod(),
      gasLimit: DEFAULT_REGISTRY_PARAMETERS.callGasLimit,
      callGasLimit: DEFAULT_REGISTRY_PARAMETERS.callGasLimit,
      memoryLimitBytes: DEFAULT_REGISTRY_PARAMETERS.memoryLimitBytes,
    }).vectors[0]!;
    vectors.push(report);
    gasUsed += report.gasUsed;
    options.onVector?.(report);
  }
  return { passed: vectors.every((v) => v.passed), gasUsed, vectors };
}

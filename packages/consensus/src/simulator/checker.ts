import { verifyCommitCertificate } from '../certificate.js';
import type { SignatureVerifier } from '../interface.js';
import { GENESIS_PARENT, isValidBlock } from './app.js';
import { maxFaulty } from './scenario.js';
import type { Simulation } from './simulation.js';

export type Property =
  | 'agreement'
  | 'validity'
  | 'no-gaps'
  | 'state-root'
  | 'certificate'
  | 'progress'
  | 'evidence'
  | 'commit-error';

export interface Violation {
  readonly property: Property;
  readonly message: string;
}

/** What the checker needs from a finished run; a plain shape so tests can hand-craft broken ones. */
export interface CheckInput {
  readonly nodes: ReadonlyArray<{
    readonly index: number;
    readonly key: string;
    readonly correct: boolean;
    readonly chain: ReadonlyArray<{
      readonly height: number;
      readonly blockHash: string;
      readonly payload: Uint8Array;
      readonly stateRoot: string;
      readonly certificate: import('../types.js').CommitCertificate;
    }>;
    readonly commitErrors: readonly string[];
    readonly accused: readonly string[];
  }>;
  readonly faultyKeys: ReadonlySet<string>;
  readonly proposed: ReadonlyMap<string, Uint8Array>;
  readonly validatorsAt: (height: number) => import('../validators.js').ValidatorSet;
  readonly verifier: SignatureVerifier;
  /** Null when progress is not promised (more than f faulty validators). */
  readonly progress: { readonly fromHeight: number; readonly heights: number } | null;
}

export function checkInputFrom(sim: Simulation): CheckInput {
  const faultyKeys = new Set([...sim.config.twins, ...sim.config.byzantine.map((b) => b.key)]);
  const faultyCount = faultyKeys.size;
  const promised = faultyCount <= maxFaulty(sim.config.genesis.length);
  return {
    nodes: sim.nodes.map((n) => ({
      index: n.index,
      key: n.key,
      correct: n.role === 'honest',
      chain: n.app.chain,
      commitErrors: n.app.commitErrors,
      accused: n.evidence.map((e) => e.validator),
    })),
    faultyKeys,
    proposed: sim.proposed,
    validatorsAt: (h) => sim.schedule.setFor(h),
    verifier: sim.keyring,
    progress: promised ? { fromHeight: sim.heightAtHeal, heights: sim.config.progressHeights } : null,
  };
}

/**
 * The properties every run must have. Agreement, validity, no gaps, state roots and certificates are
 * checked on correct nodes (twins and Byzantine nodes are the adversary); progress only when at most f
 * validators are faulty; evidence must never accuse a correct validator.
 */
export function checkRun(input: CheckInput): Violation[] {
  const violations: Violation[] = [];
  const correct = input.nodes.filter((n) => n.correct);
  const decidedAt = new Map<number, { hash: string; root: string; node: number }>();
  for (const node of correct) {
    for (const error of node.commitErrors)
      violations.push({ property: 'commit-error', message: `node ${node.index}: ${error}` });
    let parent = GENESIS_PARENT;
    node.chain.forEach((block, i) => {
      if (block.height !== i + 1) {
        violations.push({
          property: 'no-gaps',
          message: `node ${node.index} has height ${block.height} at position ${i + 1}`,
        });
      }
      const first = decidedAt.get(block.height);
      if (first === undefined)
        decidedAt.set(block.height, { hash: block.blockHash, root: block.stateRoot, node: node.index });
      else if (first.hash !== block.blockHash) {
        violations.push({
          property: 'agreement',
          message: `height ${block.height}: node ${first.node} committed ${first.hash.slice(0, 12)}, node ${node.index} committed ${block.blockHash.slice(0, 12)}`,
        });
      } else if (first.root !== block.stateRoot) {
        violations.push({
          property: 'state-root',
          message: `height ${block.height}: nodes ${first.node} and ${node.index} differ in state root`,
        });
      }
      if (!input.proposed.has(block.blockHash)) {
        violations.push({
          property: 'validity',
          message: `node ${node.index} committed unproposed ${block.blockHash.slice(0, 12)} at ${block.height}`,
        });
      } else if (!isValidBlock(block.payload, block.blockHash, block.height, parent)) {
        violations.push({
          property: 'validity',
          message: `node ${node.index} committed an invalid block at ${block.height}`,
        });
      }
      const check = verifyCommitCertificate(
        block.certificate,
        input.validatorsAt(block.height),
        input.verifier,
      );
      if (
        !check.ok ||
        block.certificate.blockHash !== block.blockHash ||
        block.certificate.height !== block.height
      ) {
        violations.push({
          property: 'certificate',
          message: `node ${node.index} height ${block.height}: ${check.ok ? 'certificate for another block' : check.reason}`,
        });
      }
      parent = block.blockHash;
    });
    for (const accused of node.accused) {
      if (!input.faultyKeys.has(accused)) {
        violations.push({
          property: 'evidence',
          message: `node ${node.index} accused correct validator ${accused}`,
        });
      }
    }
  }
  if (input.progress !== null) {
    const goal = input.progress.fromHeight + input.progress.heights;
    for (const node of correct) {
      if (node.chain.length < goal) {
        violations.push({
          property: 'progress',
          message: `node ${node.index} reached height ${node.chain.length}, expected ${goal} after healing at ${input.progress.fromHeight}`,
        });
      }
    }
  }
  return violations;
}

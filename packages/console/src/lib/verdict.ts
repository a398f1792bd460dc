/**
 * The verdict shown for a scanned code, from the items module's `verify` answer and the distribution
 * module's `provenance` answer (the same rule as `hanglian item verify`):
 * - unknown: the code was never minted (a made-up code);
 * - clone: the code belongs to an item already sold to someone else (or destroyed): the thing in hand is a copy;
 * - recalled: its batch was recalled by the producer;
 * - outside-channel: it is (or was sold) with an organisation the producer did not authorise (串货);
 * - genuine: none of these.
 */
import type { ProvenanceView, VerificationView } from './chain.js';

export type Verdict = 'genuine' | 'clone' | 'recalled' | 'outside-channel' | 'unknown';

export function verdictOf(
  verification: VerificationView,
  provenance: ProvenanceView,
): {
  verdict: Verdict;
  reasons: Verdict[];
} {
  if (verification.verdict === 'unknown') return { verdict: 'unknown', reasons: ['unknown'] };
  const reasons: Verdict[] = [];
  if (verification.flags.includes('sold-to-another') || verification.flags.includes('destroyed'))
    reasons.push('clone');
  if (verification.flags.includes('recalled')) reasons.push('recalled');
  if (provenance.channel === 'outside-channel') reasons.push('outside-channel');
  return { verdict: reasons[0] ?? 'genuine', reasons };
}

/** `sku:batch:serial` → its parts, or undefined when the text is not shaped like an item code. */
export function parseCode(code: string): { sku: string; batch: string; serial: number } | undefined {
  const match = /^(.+):([^:]+):(\d{1,9})$/.exec(code);
  if (match === null) return undefined;
  return { sku: match[1]!, batch: match[2]!, serial: Number(match[3]) };
}

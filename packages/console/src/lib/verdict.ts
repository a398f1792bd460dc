/**
 * The verdict shown for a scanned code, from the items module's `verify` answer (the same answer
 * `hanglian item verify` prints):
 * - unknown: the code was never minted (a made-up code);
 * - clone: the code belongs to an item already sold to someone else (or destroyed): the thing in hand is a copy;
 * - recalled: its batch was recalled by the producer;
 * - outside-channel: it is (or was sold) with an organisation the producer did not authorise (串货);
 * - outside-region: it was sold (or is offered) outside the regions its channel covers (regional 串货);
 * - abroad: the item was sent to a linked chain: its live record is there, this chain's is locked;
 * - sold: genuine, but already sold to someone: a copy offered as new is not;
 * - genuine: none of these.
 */
import type { VerificationView } from './chain.js';

export type Verdict =
  | 'genuine'
  | 'sold'
  | 'clone'
  | 'recalled'
  | 'outside-channel'
  | 'outside-region'
  | 'abroad'
  | 'unknown';

export function verdictOf(verification: VerificationView): { verdict: Verdict; reasons: Verdict[] } {
  if (verification.verdict === 'unknown') return { verdict: 'unknown', reasons: ['unknown'] };
  const { flags } = verification;
  const reasons: Verdict[] = [];
  if (flags.includes('sold-to-another') || flags.includes('destroyed')) reasons.push('clone');
  if (flags.includes('recalled')) reasons.push('recalled');
  if (flags.includes('outside-channel')) reasons.push('outside-channel');
  if (flags.includes('outside-region')) reasons.push('outside-region');
  if (flags.includes('abroad')) reasons.push('abroad');
  if (flags.includes('sold')) reasons.push('sold');
  return { verdict: reasons[0] ?? 'genuine', reasons };
}

/** `sku:batch:serial` → its parts, or undefined when the text is not shaped like an item code. */
export function parseCode(code: string): { sku: string; batch: string; serial: number } | undefined {
  const match = /^(.+):([^:]+):(\d{1,9})$/.exec(code);
  if (match === null) return undefined;
  return { sku: match[1]!, batch: match[2]!, serial: Number(match[3]) };
}

import type { SignatureVerifier } from './interface.js';
import type { CommitCertificate } from './types.js';
import type { ValidatorSet } from './validators.js';

export type CertificateCheck =
  | { readonly ok: true; readonly power: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks a commit certificate against the validator set of its height: every signature is a valid precommit
 * for (height, round, blockHash) by a distinct member, and together they hold more than 2/3 of the power.
 * One bad or foreign signature fails the whole certificate: an honest node never produces one.
 */
export function verifyCommitCertificate(
  certificate: CommitCertificate,
  validators: ValidatorSet,
  verifier: SignatureVerifier,
): CertificateCheck {
  if (typeof certificate.blockHash !== 'string' || certificate.blockHash.length === 0) {
    return { ok: false, reason: 'missing block hash' };
  }
  const seen = new Set<string>();
  let power = 0;
  for (const { validator, signature } of certificate.signatures) {
    if (seen.has(validator)) return { ok: false, reason: `duplicate signer ${validator}` };
    seen.add(validator);
    const validatorPower = validators.powerOf(validator);
    if (validatorPower === 0) return { ok: false, reason: `${validator} is not a validator` };
    const vote = {
      type: 'precommit',
      height: certificate.height,
      round: certificate.round,
      blockHash: certificate.blockHash,
      validator,
    } as const;
    if (!verifier.verifyVote(vote, signature)) return { ok: false, reason: `bad signature by ${validator}` };
    power += validatorPower;
  }
  if (!validators.hasQuorum(power)) {
    return { ok: false, reason: `signers hold ${power} of ${validators.totalPower}, not more than 2/3` };
  }
  return { ok: true, power };
}

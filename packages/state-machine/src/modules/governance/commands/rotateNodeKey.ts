import { addressFromPublicKey, HanglianError, PublicKeySchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { IdentityErrors } from '../../identity/errors.js';
import { GovernanceErrors } from '../errors.js';
import { GovernanceEvents, type NodeKeyRotatedData } from '../events.js';
import type { IdentityForGovernance } from '../expected.js';
import { projectedValidators, queueValidatorChange } from '../validators.js';

export const RotateNodeKeyParamsSchema = Type.Object(
  {
    /** The node key being replaced (it may be lost: it does not sign). */
    from: PublicKeySchema,
    /** The new node key; it co-signs the transaction as an actor. */
    to: PublicKeySchema,
  },
  { additionalProperties: false },
);
export type RotateNodeKeyParams = Static<typeof RotateNodeKeyParamsSchema>;

/**
 * An organisation moves its node to a new key, signed by its root key, without a vote: the node key may
 * be lost or stolen, so it does not sign; the new key co-signs, which proves the organisation holds it.
 * In the same transaction the old node identity is revoked (links from it are refused from this commit,
 * and it can never be registered again) and the new one registered with the same permissions and expiry.
 * If the old key is a validator (in the set that will sign two blocks from now), the new key takes its
 * place with the same power through the ordinary activation delay: the old key signs up to block h+1,
 * the new one from h+2. Power does not change, so the other members' say is not needed (the operator's
 * consensus-key rotation of Cosmos ADR-016, in the same spirit).
 */
export class RotateNodeKeyCommand implements Command<typeof RotateNodeKeyParamsSchema> {
  readonly name = 'rotateNodeKey';
  readonly summary =
    'Replace a node key of the signer’s organisation (root key only; the new key co-signs), and its validator key.';
  readonly paramsSchema = RotateNodeKeyParamsSchema;
  readonly #identity: IdentityForGovernance;

  constructor(identity: IdentityForGovernance) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<RotateNodeKeyParams>): void {
    const signer = this.#identity.getIdentity(ctx.state, ctx.tx.submitter);
    const orgId = signer?.org;
    if (
      signer === undefined ||
      signer.kind !== 'root' ||
      signer.status !== 'active' ||
      this.#identity.getOrganisation(ctx.state, signer.org)?.status !== 'active'
    ) {
      throw new HanglianError(
        GovernanceErrors.GOV_ROOT_KEY_REQUIRED,
        `${ctx.tx.submitter} is not the root key of an active organisation`,
        { details: { address: ctx.tx.submitter } },
      );
    }
    const from = addressFromPublicKey(ctx.params.from);
    const old = this.#identity.getIdentity(ctx.state, from);
    if (old === undefined || old.org !== orgId || old.kind !== 'node') {
      throw new HanglianError(
        GovernanceErrors.GOV_NODE_KEY_NOT_FOUND,
        `${from} is not a node identity of ${orgId}`,
        { details: { address: from, org: orgId } },
      );
    }
    if (old.status !== 'active') {
      throw new HanglianError(
        IdentityErrors.IDENTITY_NOT_ACTIVE,
        `${from} is already revoked${old.rotatedTo === undefined ? '' : ` (rotated to ${old.rotatedTo})`}`,
        { details: { address: from, ...(old.rotatedTo === undefined ? {} : { rotatedTo: old.rotatedTo }) } },
      );
    }
    const to = addressFromPublicKey(ctx.params.to);
    if (to === from || to === ctx.tx.submitter || !ctx.signedBy(to)) {
      throw new HanglianError(
        IdentityErrors.IDENTITY_NEW_KEY_NOT_SIGNED,
        `the new node key ${to} must sign the transaction as an actor`,
        { details: { address: to } },
      );
    }
    // Throws IDENTITY_ALREADY_EXISTS for a key ever registered: a retired key never comes back.
    this.#identity.rotateKey(ctx.state, from, ctx.params.to, ctx.block.height);
    const validator = projectedValidators(ctx.state).find((v) => v.address === from);
    const data: NodeKeyRotatedData = { org: old.org, from, to };
    if (validator !== undefined) {
      queueValidatorChange(ctx.state, {
        publicKey: ctx.params.to,
        power: validator.power,
        org: old.org,
        replaces: ctx.params.from,
      });
      data.validator = { power: validator.power, activatesAt: ctx.block.height + 2 };
    }
    ctx.emit(GovernanceEvents.nodeKeyRotated, data, [old.org, from, to]);
  }
}

import { addressFromPublicKey, HanglianError, PublicKeySchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { IdentityErrors } from '../errors.js';
import { IdentityEvents, type KeyRotatedData } from '../events.js';
import type { IdentityMethod } from '../method.js';

export const RotateKeyParamsSchema = Type.Object(
  { newPublicKey: PublicKeySchema },
  { additionalProperties: false },
);
export type RotateKeyParams = Static<typeof RotateKeyParamsSchema>;

/**
 * The submitter moves to a new key. The new key must co-sign the transaction as an actor, which proves
 * possession: nobody can rotate an identity onto a key they do not hold (or onto someone else's key).
 */
export class RotateKeyCommand implements Command<typeof RotateKeyParamsSchema> {
  readonly name = 'rotateKey';
  readonly summary = 'Move the submitting identity to a new key (the new key co-signs as an actor).';
  readonly paramsSchema = RotateKeyParamsSchema;
  readonly #identity: IdentityMethod;

  constructor(identity: IdentityMethod) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<RotateKeyParams>): void {
    // A node key is also a validator key: moving it alone would leave the validator on the old key, and a
    // stolen node key could move the node away from its organisation. Its root key does it (governance).
    if (this.#identity.getIdentity(ctx.state, ctx.tx.submitter)?.kind === 'node') {
      throw new HanglianError(
        IdentityErrors.IDENTITY_NODE_KEY_ROOT_ONLY,
        'a node key is rotated by its organisation’s root key (governance rotateNodeKey)',
        { details: { address: ctx.tx.submitter } },
      );
    }
    const newAddress = addressFromPublicKey(ctx.params.newPublicKey);
    if (newAddress === ctx.tx.submitter || !ctx.signedBy(newAddress)) {
      throw new HanglianError(
        IdentityErrors.IDENTITY_NEW_KEY_NOT_SIGNED,
        `the new key ${newAddress} must sign the transaction as an actor`,
        { details: { address: newAddress } },
      );
    }
    const next = this.#identity.rotateKey(
      ctx.state,
      ctx.tx.submitter,
      ctx.params.newPublicKey,
      ctx.block.height,
    );
    const data: KeyRotatedData = { org: next.org, from: ctx.tx.submitter, to: next.address };
    ctx.emit(IdentityEvents.keyRotated, data, [ctx.tx.submitter, next.address, next.org]);
  }
}

import { HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { IdentityErrors } from '../errors.js';
import { type EncryptionKeySetData, IdentityEvents } from '../events.js';
import type { IdentityMethod } from '../method.js';
import { EncryptionPublicKeySchema } from '../stores.js';

export const SetEncryptionKeyParamsSchema = Type.Object(
  { publicKey: EncryptionPublicKeySchema },
  { additionalProperties: false },
);
export type SetEncryptionKeyParams = Static<typeof SetEncryptionKeyParamsSchema>;

/**
 * An admin of an organisation publishes (or replaces) the organisation's X25519 public key, to which
 * consumers seal delivery details. Replacing it does not re-seal old envelopes: the organisation keeps
 * its old private keys to open them (each envelope names the key it was sealed to).
 */
export class SetEncryptionKeyCommand implements Command<typeof SetEncryptionKeyParamsSchema> {
  readonly name = 'setEncryptionKey';
  readonly summary = "Publish the organisation's X25519 key for sealed data (an admin of it).";
  readonly paramsSchema = SetEncryptionKeyParamsSchema;
  readonly #identity: IdentityMethod;

  constructor(identity: IdentityMethod) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<SetEncryptionKeyParams>): void {
    const admin = this.#identity.requirePermission(ctx.state, ctx.tx.submitter, 'admin');
    const { publicKey } = ctx.params;
    if (publicKey.every((b) => b === 0)) {
      throw new HanglianError(
        IdentityErrors.IDENTITY_ENCRYPTION_KEY_INVALID,
        'the all-zero key is not an X25519 public key',
      );
    }
    const current = this.#identity.encryptionKeyOf(ctx.state, admin.org);
    if (current?.every((b, i) => b === publicKey[i])) {
      throw new HanglianError(
        IdentityErrors.IDENTITY_ENCRYPTION_KEY_UNCHANGED,
        `that is already the encryption key of ${admin.org}`,
      );
    }
    this.#identity.setEncryptionKey(ctx.state, admin.org, publicKey, ctx.block.height);
    const data: EncryptionKeySetData = { org: admin.org, publicKey, setBy: ctx.tx.submitter };
    ctx.emit(IdentityEvents.encryptionKeySet, data, [admin.org]);
  }
}

import {
  bytesEqual,
  ChainIdSchema,
  type CryptoSuite,
  HanglianError,
  UintSchema,
  ValidatorSetSchema,
} from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { LightClientErrors } from '../errors.js';
import { SignedHeaderSchema } from '../stores.js';
import { freezeClient, requireActiveClient, verifyFromBase } from './update.js';

export const SubmitMisbehaviourParamsSchema = Type.Object(
  {
    chainId: ChainIdSchema,
    trustedHeight: UintSchema,
    first: SignedHeaderSchema,
    second: SignedHeaderSchema,
    trustedValidators: Type.Optional(ValidatorSetSchema),
  },
  { additionalProperties: false },
);
export type SubmitMisbehaviourParams = Static<typeof SubmitMisbehaviourParamsSchema>;

/**
 * Anyone who saw two headers of one height, each valid from a header this chain trusts, proves that the
 * other chain's validators signed a fork: the client freezes and the pair is kept as evidence, so no
 * message of that chain is believed until the consortium admits it again.
 */
export class SubmitMisbehaviourCommand implements Command<typeof SubmitMisbehaviourParamsSchema> {
  readonly name = 'submitMisbehaviour';
  readonly summary = 'Prove two valid headers of one height of another chain; its client freezes.';
  readonly paramsSchema = SubmitMisbehaviourParamsSchema;
  readonly #suite: CryptoSuite;

  constructor(suite: CryptoSuite) {
    this.#suite = suite;
  }

  execute(ctx: CommandContext<SubmitMisbehaviourParams>): void {
    const { chainId, trustedHeight, first, second, trustedValidators } = ctx.params;
    const client = requireActiveClient(ctx.state, chainId);
    if (first.header.height !== second.header.height) {
      throw new HanglianError(
        LightClientErrors.LIGHTCLIENT_NOT_MISBEHAVIOUR,
        'the headers are of different heights',
      );
    }
    const a = verifyFromBase(ctx, this.#suite, client, trustedHeight, first, trustedValidators);
    const b = verifyFromBase(ctx, this.#suite, client, trustedHeight, second, trustedValidators);
    if (bytesEqual(a.hash, b.hash)) {
      throw new HanglianError(
        LightClientErrors.LIGHTCLIENT_NOT_MISBEHAVIOUR,
        'the two headers are one block',
      );
    }
    freezeClient(ctx, client, first.header.height, a.hash, second, b.hash, first);
  }
}

import {
  bytesEqual,
  bytesToHex,
  ChainIdSchema,
  type CryptoSuite,
  HanglianError,
  UintSchema,
  type Validator,
  ValidatorSetSchema,
  validatorSetHash,
} from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import type { StateWriter } from '../../../framework/state.js';
import { LightClientErrors } from '../errors.js';
import { type FrozenData, LightClientEvents, type UpdatedData } from '../events.js';
import {
  type ClientState,
  type ConsensusState,
  clientStore,
  consensusKey,
  consensusStore,
  misbehaviourStore,
  remoteValidatorSetStore,
  type SignedHeader,
  SignedHeaderSchema,
} from '../stores.js';
import { SIGNATURE_CHECK_GAS, verifyHeader } from '../verification.js';

export const UpdateParamsSchema = Type.Object(
  {
    chainId: ChainIdSchema,
    /** A height of the other chain this chain has verified: the base the header is checked from. */
    trustedHeight: UintSchema,
    signed: SignedHeaderSchema,
    /** The set that signs `trustedHeight + 1`, when the client has not stored it (skipping only). */
    trustedValidators: Type.Optional(ValidatorSetSchema),
  },
  { additionalProperties: false },
);
export type UpdateParams = Static<typeof UpdateParamsSchema>;

/** The client, active; or LIGHTCLIENT_UNKNOWN / LIGHTCLIENT_FROZEN. */
export function requireActiveClient(state: StateWriter, chainId: string): ClientState {
  const client = clientStore.get(state, chainId);
  if (client === undefined) {
    throw new HanglianError(LightClientErrors.LIGHTCLIENT_UNKNOWN, `no light client of chain ${chainId}`);
  }
  if (client.status === 'frozen') {
    throw new HanglianError(LightClientErrors.LIGHTCLIENT_FROZEN, `the light client of ${chainId} is frozen`);
  }
  return client;
}

/** Verifies `signed` from the trusted base; returns the trusted state and the header's hash. */
export function verifyFromBase(
  ctx: CommandContext<unknown>,
  suite: CryptoSuite,
  client: ClientState,
  trustedHeight: number,
  signed: SignedHeader,
  trustedValidatorsGiven: readonly Validator[] | undefined,
): { trusted: ConsensusState; hash: Uint8Array } {
  const trusted = consensusStore.get(ctx.state, consensusKey(client.chainId, trustedHeight));
  if (trusted === undefined) {
    throw new HanglianError(
      LightClientErrors.LIGHTCLIENT_UNKNOWN_HEIGHT,
      `no verified header of ${client.chainId} at height ${trustedHeight}`,
    );
  }
  ctx.gas.charge(SIGNATURE_CHECK_GAS * signed.commit.signatures.length, 'header commit signatures');
  const trustedValidators =
    trustedValidatorsGiven ??
    remoteValidatorSetStore.get(ctx.state, `${client.chainId}/${bytesToHex(trusted.nextValidatorSetHash)}`)
      ?.validators;
  const hash = verifyHeader({ client, trusted, trustedValidators, signed, now: ctx.block.time, suite });
  return { trusted, hash };
}

/** Freezes the client: from now on no proof of the other chain is accepted until governance acts. */
export function freezeClient(
  ctx: CommandContext<unknown>,
  client: ClientState,
  height: number,
  knownBlockHash: Uint8Array,
  conflicting: SignedHeader,
  conflictingHash: Uint8Array,
  first?: SignedHeader,
): void {
  clientStore.set(ctx.state, client.chainId, {
    ...client,
    status: 'frozen',
    frozenAtHeight: ctx.block.height,
    misbehaviourHeight: height,
  });
  misbehaviourStore.set(ctx.state, consensusKey(client.chainId, height), {
    chainId: client.chainId,
    height,
    knownBlockHash,
    ...(first === undefined ? {} : { first }),
    conflicting,
    recordedAtHeight: ctx.block.height,
  });
  const data: FrozenData = {
    chainId: client.chainId,
    height,
    blockHashes: [bytesToHex(knownBlockHash), bytesToHex(conflictingHash)].sort(),
  };
  ctx.emit(LightClientEvents.frozen, data, [client.chainId]);
}

/**
 * Anyone submits a header of another chain with its commit certificate; it is verified from a header
 * this chain trusts (adjacent or skipping) and its state root becomes usable for proofs. A second valid
 * header at a height already verified is misbehaviour of the other chain: the client freezes.
 */
export class UpdateCommand implements Command<typeof UpdateParamsSchema> {
  readonly name = 'update';
  readonly summary =
    "Submit another chain's header with its commit; verified, its state root becomes usable.";
  readonly paramsSchema = UpdateParamsSchema;
  readonly #suite: CryptoSuite;

  constructor(suite: CryptoSuite) {
    this.#suite = suite;
  }

  execute(ctx: CommandContext<UpdateParams>): void {
    const { chainId, trustedHeight, signed, trustedValidators } = ctx.params;
    const client = requireActiveClient(ctx.state, chainId);
    const { hash } = verifyFromBase(ctx, this.#suite, client, trustedHeight, signed, trustedValidators);
    const { header, validators } = signed;
    const existing = consensusStore.get(ctx.state, consensusKey(chainId, header.height));
    if (existing !== undefined) {
      if (bytesEqual(existing.blockHash, hash)) {
        throw new HanglianError(
          LightClientErrors.LIGHTCLIENT_HEADER_KNOWN,
          `header ${header.height} of ${chainId} is verified already`,
        );
      }
      freezeClient(ctx, client, header.height, existing.blockHash, signed, hash);
      return;
    }
    consensusStore.set(ctx.state, consensusKey(chainId, header.height), {
      height: header.height,
      time: header.time,
      blockHash: hash,
      stateRoot: header.stateRoot,
      nextValidatorSetHash: header.nextValidatorSetHash,
      verifiedAtHeight: ctx.block.height,
    });
    // Kept so a later header can skip from this one without the relayer repeating the set.
    const setKey = `${chainId}/${bytesToHex(validatorSetHash(validators))}`;
    if (!remoteValidatorSetStore.has(ctx.state, setKey))
      remoteValidatorSetStore.set(ctx.state, setKey, { validators });
    if (header.height > client.latestHeight) {
      clientStore.set(ctx.state, chainId, { ...client, latestHeight: header.height });
    }
    const data: UpdatedData = {
      chainId,
      height: header.height,
      blockHash: bytesToHex(hash),
      stateRoot: bytesToHex(header.stateRoot),
    };
    ctx.emit(LightClientEvents.updated, data, [chainId]);
  }
}

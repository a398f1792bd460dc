import { HanglianError, hexToBytes, IdentifierSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { MembershipOracle } from '../../execution/stateMachine.js';
import { ExecutionErrors } from '../../framework/errors.js';
import {
  type Command,
  type GenesisContext,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import type { StateReader } from '../../framework/state.js';
import { CertifyIdentityCommand } from './commands/certifyIdentity.js';
import { RevokeIdentityCommand } from './commands/revokeIdentity.js';
import { RotateKeyCommand } from './commands/rotateKey.js';
import { SetEncryptionKeyCommand } from './commands/setEncryptionKey.js';
import { IdentityMethod } from './method.js';
import { createIdentityQueries } from './queries.js';
import {
  encryptionKeyStore,
  IDENTITY_MODULE,
  IdentityKindSchema,
  identityStore,
  memberIndexStore,
  OrgNameSchema,
  organisationStore,
  PermissionsSchema,
  RolesSchema,
} from './stores.js';

/** Public keys in the genesis file are lower-case hex: the genesis is a JSON document people read. */
export const HexPublicKeySchema = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const IdentityGenesisSchema = Type.Object(
  {
    organisations: Type.Array(
      Type.Object(
        {
          id: IdentifierSchema,
          name: OrgNameSchema,
          roles: RolesSchema,
          rootPublicKey: HexPublicKeySchema,
          /** The organisation's X25519 key for sealed data (hex), if it has one from the start. */
          encryptionPublicKey: Type.Optional(HexPublicKeySchema),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    identities: Type.Array(
      Type.Object(
        {
          publicKey: HexPublicKeySchema,
          org: IdentifierSchema,
          kind: IdentityKindSchema,
          permissions: PermissionsSchema,
          expiresAt: Type.Optional(UintSchema),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type IdentityGenesis = Static<typeof IdentityGenesisSchema>;

/**
 * Membership: organisations with business roles and root keys, and the member identities they certify.
 * The root of the kernel: it depends on no other module, and the executor asks it who may submit.
 */
export class IdentityModule implements Module, MembershipOracle {
  readonly name = IDENTITY_MODULE;
  readonly method = new IdentityMethod();
  readonly commands: readonly Command<any>[] = [
    new CertifyIdentityCommand(this.method),
    new RevokeIdentityCommand(this.method),
    new RotateKeyCommand(this.method),
    new SetEncryptionKeyCommand(this.method),
  ];
  readonly queries: readonly Query<any, any>[] = queryList(createIdentityQueries(this.method));
  readonly stores: readonly StoreDescription[] = [
    {
      name: organisationStore.name,
      access: 'public',
      keyLayout: 'identity/orgs/<orgId>',
      summary: 'Organisations.',
    },
    {
      name: identityStore.name,
      access: 'public',
      keyLayout: 'identity/identities/<address>',
      summary: 'Member identities, active and revoked (a key is never registered twice).',
    },
    {
      name: memberIndexStore.name,
      access: 'public',
      keyLayout: 'identity/members/<orgId>/<address>',
      summary: 'Index of each organisation’s identities.',
    },
    {
      name: encryptionKeyStore.name,
      access: 'public',
      keyLayout: 'identity/encryptionKeys/<orgId>',
      summary: 'Each organisation’s X25519 key for sealed delivery details.',
    },
  ];
  readonly genesisSchema = IdentityGenesisSchema;

  isActiveMember(state: StateReader, address: string, time: number): boolean {
    return this.method.isActiveMember(state, address, time);
  }

  isRevokedIdentity(state: StateReader, address: string): boolean {
    return this.method.getIdentity(state, address)?.status === 'revoked';
  }

  memberUntil(state: StateReader, address: string): number {
    return this.method.memberUntil(state, address);
  }

  /** `memberUntil` reads identities and organisations only. */
  readonly membershipKeyPrefixes: readonly Uint8Array[] = [identityStore.prefix, organisationStore.prefix];

  initGenesis(ctx: GenesisContext, genesis: unknown): void {
    const section = genesis as IdentityGenesis;
    try {
      for (const { encryptionPublicKey, ...org } of section.organisations) {
        this.method.admitOrganisation(ctx.state, { ...org, rootPublicKey: hexToBytes(org.rootPublicKey) }, 0);
        if (encryptionPublicKey !== undefined) {
          const key = hexToBytes(encryptionPublicKey);
          if (key.every((b) => b === 0)) throw new Error(`the encryption key of ${org.id} is all zero`);
          this.method.setEncryptionKey(ctx.state, org.id, key, 0);
        }
      }
      for (const identity of section.identities) {
        if (!organisationStore.has(ctx.state, identity.org)) {
          throw new Error(`identity of unknown organisation ${identity.org}`);
        }
        if (identity.kind === 'root')
          throw new Error('root identities come from organisations[].rootPublicKey');
        this.method.registerIdentity(
          ctx.state,
          { ...identity, publicKey: hexToBytes(identity.publicKey) },
          0,
        );
      }
    } catch (error) {
      throw new HanglianError(
        ExecutionErrors.GENESIS_INVALID,
        `genesis of identity: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
}

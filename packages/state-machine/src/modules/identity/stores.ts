/**
 * Stores of the identity module. Key layouts (UTF-8, see README):
 *   identity/orgs/<orgId>                      Organisation
 *   identity/identities/<address>              Identity
 *   identity/members/<orgId>/<address>         MemberIndexEntry (lists an organisation's identities)
 *   identity/encryptionKeys/<orgId>            EncryptionKey (X25519, for sealed delivery details)
 */
import { AddressSchema, createCodec, IdentifierSchema, PublicKeySchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';

export const IDENTITY_MODULE = 'identity';

/** What an organisation does in the industry; other modules gate their commands on these. */
export const BUSINESS_ROLES = [
  'producer',
  'distributor',
  'merchant',
  'platform',
  'payment',
  'carrier',
  'host',
  'regulator',
  'arbiter',
  'issuer',
] as const;
export type BusinessRole = (typeof BUSINESS_ROLES)[number];
export const BusinessRoleSchema = Type.Union(BUSINESS_ROLES.map((r) => Type.Literal(r)));
export const RolesSchema = Type.Array(BusinessRoleSchema, {
  minItems: 1,
  maxItems: BUSINESS_ROLES.length,
  uniqueItems: true,
});

export const IDENTITY_KINDS = ['root', 'node', 'service', 'person'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
export const IdentityKindSchema = Type.Union(IDENTITY_KINDS.map((k) => Type.Literal(k)));

export const PERMISSIONS = ['admin', 'transact'] as const;
export type Permission = (typeof PERMISSIONS)[number];
export const PermissionSchema = Type.Union(PERMISSIONS.map((p) => Type.Literal(p)));
export const PermissionsSchema = Type.Array(PermissionSchema, {
  minItems: 1,
  maxItems: PERMISSIONS.length,
  uniqueItems: true,
});

export const OrgNameSchema = Type.String({ minLength: 1, maxLength: 128 });

export const OrganisationSchema = Type.Object(
  {
    id: IdentifierSchema,
    name: OrgNameSchema,
    /** Sorted, so that one set of roles has one encoding. */
    roles: RolesSchema,
    /** `expelled` is final: no vote reinstates it, and the id is never admitted again. */
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('expelled')]),
    rootPublicKey: PublicKeySchema,
    /** Height of admission (0 for genesis organisations). */
    admittedAt: UintSchema,
  },
  { additionalProperties: false },
);
export type Organisation = Static<typeof OrganisationSchema>;

export const IdentitySchema = Type.Object(
  {
    address: AddressSchema,
    publicKey: PublicKeySchema,
    org: IdentifierSchema,
    kind: IdentityKindSchema,
    /** Sorted, so that one set of permissions has one encoding. */
    permissions: PermissionsSchema,
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
    /** Height at which the identity was registered. */
    registeredAt: UintSchema,
    /** Block milliseconds after which the identity may no longer submit transactions. */
    expiresAt: Type.Optional(UintSchema),
    revokedAt: Type.Optional(UintSchema),
    /** Set when the identity was revoked by a key rotation: the address that took over. */
    rotatedTo: Type.Optional(AddressSchema),
  },
  { additionalProperties: false },
);
export type Identity = Static<typeof IdentitySchema>;

/** An organisation's X25519 public key for sealed data (delivery details). */
export const EncryptionPublicKeySchema = Type.Uint8Array({ minByteLength: 32, maxByteLength: 32 });
export const EncryptionKeySchema = Type.Object(
  {
    publicKey: EncryptionPublicKeySchema,
    /** Height at which it was set (0: genesis). */
    setAt: UintSchema,
  },
  { additionalProperties: false },
);
export type EncryptionKey = Static<typeof EncryptionKeySchema>;

export const MemberIndexEntrySchema = Type.Object({}, { additionalProperties: false });

export const organisationStore = new Store(
  IDENTITY_MODULE,
  'orgs',
  createCodec('Organisation', OrganisationSchema, { maxBytes: 1024 }),
);
export const identityStore = new Store(
  IDENTITY_MODULE,
  'identities',
  createCodec('Identity', IdentitySchema, { maxBytes: 1024 }),
);
export const memberIndexStore = new Store(
  IDENTITY_MODULE,
  'members',
  createCodec('MemberIndexEntry', MemberIndexEntrySchema, { maxBytes: 8 }),
);
/** `identity/encryptionKeys/<orgId>`: the organisation's current key for sealed data. */
export const encryptionKeyStore = new Store(
  IDENTITY_MODULE,
  'encryptionKeys',
  createCodec('EncryptionKey', EncryptionKeySchema, { maxBytes: 128 }),
);

/** Sorts a set of literals into the one order stored on chain. */
export function sortedSet<T extends string>(values: readonly T[]): T[] {
  return [...new Set(values)].sort();
}

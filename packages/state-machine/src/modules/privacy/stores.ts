/**
 * State of the privacy module (key layouts in the README). A grant names its own one-time key (derived
 * by the wallet, never an order key), the grantee, the scope, the purpose and the expiry; nothing in it
 * names an order or the consumer.
 */
import { AddressSchema, createCodec, IdentifierSchema, PublicKeySchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';

export const PRIVACY_MODULE = 'privacy';
const DAY_MS = 86_400_000;
export const MAX_SCOPE_CATEGORIES = 16;

/** A product category, as the items module records it on a product. */
export const GrantCategorySchema = Type.String({ minLength: 1, maxLength: 64 });

/** What a grant covers: orders of these categories (empty: any), created in [from, until) block time. */
export const GrantScopeSchema = Type.Object(
  {
    categories: Type.Array(GrantCategorySchema, { maxItems: MAX_SCOPE_CATEGORIES, uniqueItems: true }),
    from: Type.Optional(UintSchema),
    until: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);
export type GrantScope = Static<typeof GrantScopeSchema>;

export const GrantSchema = Type.Object(
  {
    /** The grant key's address (one key, one grant). */
    id: AddressSchema,
    /** The grant's one-time key: it signs the grant, its revocation and every share package. */
    grantKey: PublicKeySchema,
    grantee: IdentifierSchema,
    scope: GrantScopeSchema,
    purpose: Type.String({ minLength: 1, maxLength: 200 }),
    /** Block time (ms) from which nothing more is shared under the grant. */
    expiresAt: UintSchema,
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
    /** Block time (ms) and height of the grant. */
    grantedAt: UintSchema,
    grantedAtHeight: UintSchema,
    revokedAt: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);
export type Grant = Static<typeof GrantSchema>;

/** Module parameters (genesis section `privacy.parameters`; defaults below). */
export const PrivacyParametersSchema = Type.Object(
  {
    /** The longest a grant may run, from the block that records it. */
    maxGrantDurationMs: Type.Integer({ minimum: 1, maximum: 10 * 365 * DAY_MS }),
  },
  { additionalProperties: false },
);
export type PrivacyParameters = Static<typeof PrivacyParametersSchema>;
export const DEFAULT_PRIVACY_PARAMETERS: PrivacyParameters = { maxGrantDurationMs: 365 * DAY_MS };

export const grantStore = new Store(
  PRIVACY_MODULE,
  'grants',
  createCodec('Grant', GrantSchema, { maxBytes: 2048 }),
);
/** `privacy/byGrantee/<org>/<grant>`: the grants an organisation holds. */
export const byGranteeStore = new Store(
  PRIVACY_MODULE,
  'byGrantee',
  createCodec('Empty', Type.Object({}, { additionalProperties: false }), { maxBytes: 8 }),
);
export const privacyParamsStore = new Store(
  PRIVACY_MODULE,
  'params',
  createCodec('PrivacyParameters', PrivacyParametersSchema, { maxBytes: 64 }),
);

export function privacyParameters(state: Parameters<typeof privacyParamsStore.get>[0]): PrivacyParameters {
  return privacyParamsStore.get(state, 'current') ?? DEFAULT_PRIVACY_PARAMETERS;
}

/** True when the grant still allows sharing at block time `time`. */
export function isGrantActive(grant: Grant, time: number): boolean {
  return grant.status === 'active' && time < grant.expiresAt;
}

import { AddressSchema, IdentifierSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import {
  byGranteeStore,
  type Grant,
  GrantSchema,
  grantStore,
  type PrivacyParameters,
  PrivacyParametersSchema,
  privacyParameters,
} from './stores.js';

const GrantsParams = Type.Object(
  {
    grantee: IdentifierSchema,
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('revoked')])),
    /** Continue after this grant id (pagination). */
    after: Type.Optional(AddressSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

/**
 * Queries of the privacy module. Whether a grant has expired depends on the time of the block it is read
 * at: compare `expiresAt` with the header's time (the SDK does, from a verified read).
 */
export const privacyQueries = {
  grant: {
    name: 'grant',
    reads: { public: ['privacy/grants'] },
    resultSchema: Type.Union([GrantSchema, Type.Null()]),
    access: 'public',
    summary: 'One grant by id (its key’s address), or null.',
    paramsSchema: Type.Object({ id: AddressSchema }, { additionalProperties: false }),
    execute: (ctx): Grant | null => grantStore.get(ctx.state, (ctx.params as { id: string }).id) ?? null,
  } satisfies Query<any, Grant | null>,
  grants: {
    name: 'grants',
    reads: { members: ['privacy/byGrantee', 'privacy/grants'] },
    resultSchema: Type.Array(GrantSchema),
    summary: 'The grants an organisation holds, in id order, optionally by status.',
    paramsSchema: GrantsParams,
    execute: (ctx): Grant[] => {
      const {
        grantee,
        status,
        after,
        limit = 100,
      } = ctx.params as {
        grantee: string;
        status?: string;
        after?: string;
        limit?: number;
      };
      const out: Grant[] = [];
      for (const [key] of byGranteeStore.entries(ctx.state, `${grantee}/`)) {
        const id = key.slice(grantee.length + 1);
        if (after !== undefined && id <= after) continue;
        const grant = grantStore.get(ctx.state, id);
        if (grant === undefined || (status !== undefined && grant.status !== status)) continue;
        out.push(grant);
        if (out.length >= limit) break;
      }
      return out;
    },
  } satisfies Query<any, Grant[]>,
  parameters: {
    name: 'parameters',
    reads: { public: ['privacy/params'] },
    resultSchema: PrivacyParametersSchema,
    access: 'public',
    summary: 'Parameters of the privacy module.',
    paramsSchema: Type.Object({}, { additionalProperties: false }),
    execute: (ctx): PrivacyParameters => privacyParameters(ctx.state),
  } satisfies Query<any, PrivacyParameters>,
};

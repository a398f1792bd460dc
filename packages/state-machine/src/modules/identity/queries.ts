import { AddressSchema, bytesToHex, IdentifierSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import type { Query, QueryContext } from '../../framework/module.js';
import type { IdentityMethod } from './method.js';
import {
  encryptionKeyStore,
  type Identity,
  identityStore,
  memberIndexStore,
  type Organisation,
  OrganisationSchema,
} from './stores.js';

const OrganisationParams = Type.Object({ id: IdentifierSchema }, { additionalProperties: false });
const NoParams = Type.Object({}, { additionalProperties: false });
const IdentityParams = Type.Object({ address: AddressSchema }, { additionalProperties: false });
const MembersParams = Type.Object({ org: IdentifierSchema }, { additionalProperties: false });
const EncryptionKeyParams = Type.Object({ org: IdentifierSchema }, { additionalProperties: false });

export function createIdentityQueries(identity: IdentityMethod) {
  const organisation = {
    name: 'organisation',
    reads: { public: ['identity/orgs'] },
    resultSchema: Type.Union([OrganisationSchema, Type.Null()]),
    access: 'public',
    summary: 'One organisation by id, or null.',
    paramsSchema: OrganisationParams,
    execute: (ctx) => identity.getOrganisation(ctx.state, ctx.params.id) ?? null,
  } satisfies Query<typeof OrganisationParams, Organisation | null>;
  const organisations = {
    name: 'organisations',
    reads: { public: ['identity/orgs'] },
    resultSchema: Type.Array(OrganisationSchema),
    access: 'public',
    summary: 'Every organisation, in id order.',
    paramsSchema: NoParams,
    execute: (ctx) => identity.listOrganisations(ctx.state),
  } satisfies Query<typeof NoParams, Organisation[]>;
  const identityQuery = {
    name: 'identity',
    reads: { public: ['identity/identities'] },
    access: 'public',
    summary: 'One identity by address (active or revoked), or null.',
    paramsSchema: IdentityParams,
    execute: (ctx) => identity.getIdentity(ctx.state, ctx.params.address) ?? null,
  } satisfies Query<typeof IdentityParams, Identity | null>;
  const members = {
    name: 'members',
    reads: { public: ['identity/identities', 'identity/members'] },
    access: 'public',
    summary: 'Every identity of an organisation (active and revoked), in address order.',
    paramsSchema: MembersParams,
    execute: (ctx: QueryContext<{ org: string }>) => {
      const out: Identity[] = [];
      for (const [id] of memberIndexStore.entries(ctx.state, `${ctx.params.org}/`)) {
        const found = identityStore.get(ctx.state, id.slice(ctx.params.org.length + 1));
        if (found !== undefined) out.push(found);
      }
      return out;
    },
  } satisfies Query<typeof MembersParams, Identity[]>;
  const encryptionKey = {
    name: 'encryptionKey',
    reads: { public: ['identity/encryptionKeys'] },
    access: 'public',
    summary: "An organisation's X25519 key for sealed delivery details (hex), or null.",
    paramsSchema: EncryptionKeyParams,
    execute: (ctx) => {
      const found = encryptionKeyStore.get(ctx.state, ctx.params.org);
      return found === undefined
        ? null
        : { org: ctx.params.org, publicKey: bytesToHex(found.publicKey), setAt: found.setAt };
    },
  } satisfies Query<typeof EncryptionKeyParams, { org: string; publicKey: string; setAt: number } | null>;
  return { organisation, organisations, identity: identityQuery, members, encryptionKey };
}

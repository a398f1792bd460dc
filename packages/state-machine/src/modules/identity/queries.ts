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
} from './stores.js';

const OrganisationParams = Type.Object({ id: IdentifierSchema }, { additionalProperties: false });
const NoParams = Type.Object({}, { additionalProperties: false });
const IdentityParams = Type.Object({ address: AddressSchema }, { additionalProperties: false });
const MembersParams = Type.Object({ org: IdentifierSchema }, { additionalProperties: false });
const EncryptionKeyParams = Type.Object({ org: IdentifierSchema }, { additionalProperties: false });

export function createIdentityQueries(identity: IdentityMethod): Query<any, any>[] {
  const organisation: Query<typeof OrganisationParams, Organisation | null> = {
    name: 'organisation',
    reads: { public: ['identity/orgs'] },
    access: 'public',
    summary: 'One organisation by id, or null.',
    paramsSchema: OrganisationParams,
    execute: (ctx) => identity.getOrganisation(ctx.state, ctx.params.id) ?? null,
  };
  const organisations: Query<typeof NoParams, Organisation[]> = {
    name: 'organisations',
    reads: { public: ['identity/orgs'] },
    access: 'public',
    summary: 'Every organisation, in id order.',
    paramsSchema: NoParams,
    execute: (ctx) => identity.listOrganisations(ctx.state),
  };
  const identityQuery: Query<typeof IdentityParams, Identity | null> = {
    name: 'identity',
    reads: { public: ['identity/identities'] },
    access: 'public',
    summary: 'One identity by address (active or revoked), or null.',
    paramsSchema: IdentityParams,
    execute: (ctx) => identity.getIdentity(ctx.state, ctx.params.address) ?? null,
  };
  const members: Query<typeof MembersParams, Identity[]> = {
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
  };
  const encryptionKey: Query<
    typeof EncryptionKeyParams,
    { org: string; publicKey: string; setAt: number } | null
  > = {
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
  };
  return [organisation, organisations, identityQuery, members, encryptionKey];
}

/**
 * What other modules may ask of (and, for governance, do to) the identity module. Pure functions of a
 * state: nothing is cached by key, so they read the same inside a transaction's overlay as outside it.
 * (`memberUntil` remembers what it derived from a record's exact bytes, which is the same whatever state
 * the bytes were read from.)
 */
import { type Address, addressFromPublicKey, HanglianError } from '@hanglian/core';
import type { StateReader, StateWriter } from '../../framework/state.js';
import { IdentityErrors } from './errors.js';
import {
  type BusinessRole,
  encryptionKeyStore,
  type Identity,
  type IdentityKind,
  identityStore,
  memberIndexStore,
  type Organisation,
  organisationStore,
  type Permission,
  sortedSet,
} from './stores.js';

/** Bounded: distinct records seen (members and organisations), not transactions. */
const DERIVED_LIMIT = 20_000;
const identityFacts = new Map<
  string,
  { readonly active: boolean; readonly org: string; readonly until: number }
>();
const orgFacts = new Map<string, boolean>();

/**
 * `derive(bytes)`, remembered by the bytes themselves. Only what `derive` returned is kept: bytes it
 * refuses (it throws) are refused again next time.
 */
function derivedFrom<T>(cache: Map<string, T>, bytes: Uint8Array, derive: (bytes: Uint8Array) => T): T {
  // One UTF-16 unit per byte: distinct bytes, distinct ids (records are at most 1 KiB).
  const id = String.fromCharCode.apply(null, bytes as unknown as number[]);
  let facts = cache.get(id);
  if (facts === undefined) {
    facts = derive(bytes);
    if (cache.size >= DERIVED_LIMIT) cache.clear();
    cache.set(id, facts);
  }
  return facts;
}

export interface NewOrganisation {
  readonly id: string;
  readonly name: string;
  readonly roles: readonly BusinessRole[];
  readonly rootPublicKey: Uint8Array;
}

export interface NewIdentity {
  readonly publicKey: Uint8Array;
  readonly org: string;
  readonly kind: IdentityKind;
  readonly permissions: readonly Permission[];
  readonly expiresAt?: number | undefined;
}

export class IdentityMethod {
  getOrganisation(state: StateReader, id: string): Organisation | undefined {
    return organisationStore.get(state, id);
  }

  /** Every organisation, in id order. */
  listOrganisations(state: StateReader): Organisation[] {
    return [...organisationStore.entries(state)].map(([, org]) => org);
  }

  /** Ids of the active organisations, in id order: the electorate of governance. */
  activeOrganisationIds(state: StateReader): string[] {
    return this.listOrganisations(state)
      .filter((o) => o.status === 'active')
      .map((o) => o.id);
  }

  getIdentity(state: StateReader, address: Address): Identity | undefined {
    return identityStore.get(state, address);
  }

  /** The organisation of an active identity whose organisation is active; undefined otherwise. */
  orgOf(state: StateReader, address: Address): string | undefined {
    const identity = identityStore.get(state, address);
    if (identity === undefined || identity.status !== 'active') return undefined;
    const org = organisationStore.get(state, identity.org);
    return org?.status === 'active' ? org.id : undefined;
  }

  /** True when the organisation exists, is active and holds `role`. */
  orgHasRole(state: StateReader, orgId: string, role: BusinessRole): boolean {
    const org = organisationStore.get(state, orgId);
    return org !== undefined && org.status === 'active' && org.roles.includes(role);
  }

  /**
   * The organisation on whose behalf `address` acts for `role`: the address must be an active identity of
   * an active organisation holding the role. Throws ORG_ROLE_REQUIRED (forbidden) otherwise. Expiry is
   * not checked here: it is an authentication matter, checked for every signer-submitter by the executor.
   */
  requireOrgRole(state: StateReader, address: Address, role: BusinessRole): Organisation {
    const orgId = this.orgOf(state, address);
    const org = orgId === undefined ? undefined : organisationStore.get(state, orgId);
    if (org === undefined || !org.roles.includes(role)) {
      throw new HanglianError(
        IdentityErrors.ORG_ROLE_REQUIRED,
        `${address} does not act for an active organisation with the ${role} role`,
        { details: { address, role } },
      );
    }
    return org;
  }

  /** True when `address` is an active identity of an active organisation and holds `permission`. */
  hasPermission(state: StateReader, address: Address, permission: Permission): boolean {
    if (this.orgOf(state, address) === undefined) return false;
    return identityStore.get(state, address)?.permissions.includes(permission) ?? false;
  }

  /** Like `hasPermission`, but throws IDENTITY_PERMISSION_REQUIRED (forbidden); returns the identity. */
  requirePermission(state: StateReader, address: Address, permission: Permission): Identity {
    const identity = identityStore.get(state, address);
    if (identity === undefined || !this.hasPermission(state, address, permission)) {
      throw new HanglianError(
        IdentityErrors.IDENTITY_PERMISSION_REQUIRED,
        `${address} is not an active identity with the ${permission} permission`,
        { details: { address, permission } },
      );
    }
    return identity;
  }

  /**
   * The executor's membership check: an active identity, of an active organisation, not expired at the
   * block's time. Expiry only stops submission; it never touches consensus (see docs/decisions/0001).
   */
  isActiveMember(state: StateReader, address: Address, time: number): boolean {
    return time < this.memberUntil(state, address);
  }

  /**
   * The block time (milliseconds) from which `address` is no longer an active member in `state`: its
   * identity's expiry, Infinity when it never expires, 0 when it is not an active identity of an active
   * organisation. What `isActiveMember` checks, in a form that does not depend on the time.
   */
  memberUntil(state: StateReader, address: Address): number {
    // Every transaction asks this, at admission and in each execution of its block: decoding and
    // schema-checking both records (whose role and permission sets TypeBox hashes for uniqueness) was ~3%
    // of a validator's time. What the check needs of a record is a function of its exact bytes only, so
    // it is derived once per distinct record and found again by those bytes: same answer as decoding.
    const identityBytes = state.get(identityStore.key(address));
    if (identityBytes === undefined) return 0;
    const identity = derivedFrom(identityFacts, identityBytes, (bytes) => {
      const record = identityStore.codec.decodeStored(bytes);
      return {
        active: record.status === 'active',
        org: record.org,
        until: record.expiresAt ?? Number.POSITIVE_INFINITY,
      };
    });
    if (!identity.active) return 0;
    const orgBytes = state.get(organisationStore.key(identity.org));
    if (orgBytes === undefined) return 0;
    const orgActive = derivedFrom(
      orgFacts,
      orgBytes,
      (bytes) => organisationStore.codec.decodeStored(bytes).status === 'active',
    );
    return orgActive ? identity.until : 0;
  }

  // ---- changes: called by this module's commands, by governance and by genesis ----

  /** Registers a new identity. Throws IDENTITY_ALREADY_EXISTS when the key was ever registered. */
  registerIdentity(state: StateWriter, identity: NewIdentity, height: number): Identity {
    const address = addressFromPublicKey(identity.publicKey);
    if (identityStore.has(state, address)) {
      throw new HanglianError(
        IdentityErrors.IDENTITY_ALREADY_EXISTS,
        `the key of ${address} is already registered`,
        {
          details: { address },
        },
      );
    }
    const record: Identity = {
      address,
      publicKey: new Uint8Array(identity.publicKey),
      org: identity.org,
      kind: identity.kind,
      permissions: sortedSet(identity.permissions),
      status: 'active',
      registeredAt: height,
    };
    if (identity.expiresAt !== undefined) record.expiresAt = identity.expiresAt;
    identityStore.set(state, address, record);
    memberIndexStore.set(state, `${identity.org}/${address}`, {});
    return record;
  }

  /** Marks an identity revoked (kept, so its key can never be registered again). */
  revokeIdentity(state: StateWriter, address: Address, height: number, rotatedTo?: Address): Identity {
    const identity = this.#requireIdentity(state, address);
    if (identity.status !== 'active') {
      throw new HanglianError(IdentityErrors.IDENTITY_NOT_ACTIVE, `${address} is already revoked`, {
        details: { address },
      });
    }
    const revoked: Identity = { ...identity, status: 'revoked', revokedAt: height };
    if (rotatedTo !== undefined) revoked.rotatedTo = rotatedTo;
    identityStore.set(state, address, revoked);
    return revoked;
  }

  /** Admits an organisation and registers its root identity (admin and transact, never expiring). */
  admitOrganisation(state: StateWriter, org: NewOrganisation, height: number): Organisation {
    if (organisationStore.has(state, org.id)) {
      throw new HanglianError(IdentityErrors.ORG_ALREADY_EXISTS, `organisation ${org.id} already exists`, {
        details: { org: org.id },
      });
    }
    const record: Organisation = {
      id: org.id,
      name: org.name,
      roles: sortedSet(org.roles),
      status: 'active',
      rootPublicKey: new Uint8Array(org.rootPublicKey),
      admittedAt: height,
    };
    organisationStore.set(state, org.id, record);
    this.registerIdentity(
      state,
      { publicKey: org.rootPublicKey, org: org.id, kind: 'root', permissions: ['admin', 'transact'] },
      height,
    );
    return record;
  }

  setOrganisationStatus(
    state: StateWriter,
    orgId: string,
    status: 'active' | 'suspended' | 'expelled',
  ): Organisation {
    const org = this.#requireOrganisation(state, orgId);
    if (org.status === 'expelled') {
      throw new HanglianError(IdentityErrors.ORG_EXPELLED, `organisation ${orgId} was expelled`, {
        details: { org: orgId },
      });
    }
    if (org.status === status) {
      throw new HanglianError(
        status === 'active' ? IdentityErrors.ORG_ALREADY_ACTIVE : IdentityErrors.ORG_NOT_ACTIVE,
        `organisation ${orgId} is already ${status}`,
        { details: { org: orgId } },
      );
    }
    const updated: Organisation = { ...org, status };
    organisationStore.set(state, orgId, updated);
    return updated;
  }

  /** The organisation's X25519 public key for sealed data, if it published one. */
  encryptionKeyOf(state: StateReader, orgId: string): Uint8Array | undefined {
    return encryptionKeyStore.get(state, orgId)?.publicKey;
  }

  /** Records the organisation's X25519 public key (its setEncryptionKey command and genesis). */
  setEncryptionKey(state: StateWriter, orgId: string, publicKey: Uint8Array, height: number): void {
    if (!organisationStore.has(state, orgId)) {
      throw new HanglianError(IdentityErrors.ORG_NOT_FOUND, `no organisation ${orgId}`);
    }
    encryptionKeyStore.set(state, orgId, { publicKey: new Uint8Array(publicKey), setAt: height });
  }

  setOrganisationRoles(state: StateWriter, orgId: string, roles: readonly BusinessRole[]): Organisation {
    const org = this.#requireOrganisation(state, orgId);
    const updated: Organisation = { ...org, roles: sortedSet(roles) };
    organisationStore.set(state, orgId, updated);
    return updated;
  }

  /**
   * Recovery for an organisation that lost (or leaked) its root key: the old root identity is revoked if
   * still active, and a new root identity is registered. Other identities of the organisation are kept.
   */
  replaceRootKey(
    state: StateWriter,
    orgId: string,
    rootPublicKey: Uint8Array,
    height: number,
  ): { oldRoot: Address; newRoot: Address } {
    const org = this.#requireOrganisation(state, orgId);
    const oldRoot = addressFromPublicKey(org.rootPublicKey);
    const newIdentity = this.registerIdentity(
      state,
      { publicKey: rootPublicKey, org: orgId, kind: 'root', permissions: ['admin', 'transact'] },
      height,
    );
    const old = identityStore.get(state, oldRoot);
    if (old !== undefined && old.status === 'active') {
      this.revokeIdentity(state, oldRoot, height, newIdentity.address);
    }
    organisationStore.set(state, orgId, { ...org, rootPublicKey: new Uint8Array(rootPublicKey) });
    return { oldRoot, newRoot: newIdentity.address };
  }

  /** Moves an identity to a new key: the new identity inherits org, kind, permissions and expiry. */
  rotateKey(state: StateWriter, address: Address, newPublicKey: Uint8Array, height: number): Identity {
    const old = this.#requireIdentity(state, address);
    if (old.status !== 'active') {
      throw new HanglianError(IdentityErrors.IDENTITY_NOT_ACTIVE, `${address} is revoked`, {
        details: { address },
      });
    }
    const next = this.registerIdentity(
      state,
      {
        publicKey: newPublicKey,
        org: old.org,
        kind: old.kind,
        permissions: old.permissions,
        expiresAt: old.expiresAt,
      },
      height,
    );
    this.revokeIdentity(state, address, height, next.address);
    if (old.kind === 'root') {
      const org = this.#requireOrganisation(state, old.org);
      organisationStore.set(state, org.id, { ...org, rootPublicKey: new Uint8Array(newPublicKey) });
    }
    return next;
  }

  #requireOrganisation(state: StateReader, orgId: string): Organisation {
    const org = organisationStore.get(state, orgId);
    if (org === undefined) {
      throw new HanglianError(IdentityErrors.ORG_NOT_FOUND, `no organisation ${orgId}`, {
        details: { org: orgId },
      });
    }
    return org;
  }

  #requireIdentity(state: StateReader, address: Address): Identity {
    const identity = identityStore.get(state, address);
    if (identity === undefined) {
      throw new HanglianError(IdentityErrors.IDENTITY_NOT_FOUND, `no identity ${address}`, {
        details: { address },
      });
    }
    return identity;
  }
}

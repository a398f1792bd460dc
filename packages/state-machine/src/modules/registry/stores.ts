/**
 * Stores of the registry module. Key layouts (UTF-8, see README):
 *   registry/params/current                       RegistryParameters
 *   registry/standards/<standardId>               Standard (id like `logistics.quote/1`)
 *   registry/code/<sha256 hex of the source>      DeployedCode
 *   registry/implementations/<implementationId>   Implementation
 *   registry/byStandard/<standardId>/<implId>     {} (index: implementations of a standard)
 *   registry/state/<implementationId>/<key>       a contract's own state: raw UTF-8 value, not CBOR
 */
import { AddressSchema, createCodec, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { Store } from '../../framework/store.js';
import { BusinessRoleSchema } from '../identity/stores.js';

export const REGISTRY_MODULE = 'registry';

/** `<dotted lowercase name>/<version>`: the version is part of the id, so a changed standard is a new one. */
export const StandardIdSchema = Type.String({
  pattern: '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*/[1-9][0-9]{0,5}$',
  maxLength: 96,
});
/** No `/`: it is a path segment of the contract's state keys. */
export const ImplementationIdSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' });
export const MethodNameSchema = Type.String({ pattern: '^[A-Za-z_$][A-Za-z0-9_$]{0,63}$' });
export const CodeHashSchema = Type.String({ pattern: '^[0-9a-f]{64}$' });
/** Plain JSON data with integer numbers (the canonical encoding's data model). */
export const JsonDataSchema = Type.Unknown();
/** A JSON schema (the subset in jsonSchema.ts), stored as a canonical value: TypeBox emits these. */
export const JsonSchemaValueSchema = Type.Unknown();

export const StandardMethodSchema = Type.Object(
  {
    name: MethodNameSchema,
    summary: Type.String({ maxLength: 500 }),
    /** One schema per positional argument. */
    params: Type.Array(
      Type.Object({ name: MethodNameSchema, schema: JsonSchemaValueSchema }, { additionalProperties: false }),
      { maxItems: 16 },
    ),
    output: JsonSchemaValueSchema,
    /** Queries never write: they run read-only, on any node or in a wallet. */
    readOnly: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type StandardMethod = Static<typeof StandardMethodSchema>;

export const StandardEventSchema = Type.Object(
  { name: MethodNameSchema, summary: Type.String({ maxLength: 500 }), data: JsonSchemaValueSchema },
  { additionalProperties: false },
);

export const ConformanceVectorSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    method: MethodNameSchema,
    args: Type.Array(JsonDataSchema, { maxItems: 16 }),
    /** The contract's state before the call (key → value). */
    state: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** Settlement balances before the call; the key `$self` is the contract's own account. */
    balances: Type.Optional(Type.Record(Type.String(), UintSchema)),
    caller: Type.Optional(AddressSchema),
    /** `ok: true` with the exact value (omitted: any value matching the output schema), or a failure code. */
    expect: Type.Union([
      Type.Object(
        { ok: Type.Literal(true), value: Type.Optional(JsonDataSchema) },
        { additionalProperties: false },
      ),
      Type.Object(
        { ok: Type.Literal(false), code: Type.Optional(Type.String({ maxLength: 64 })) },
        { additionalProperties: false },
      ),
    ]),
    /** State after the call: key → value, or null for absent. Keys not named are not checked. */
    expectState: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
    /** The events the call emits, in order, exactly. */
    expectEvents: Type.Optional(
      Type.Array(
        Type.Object({ name: Type.String(), data: JsonDataSchema }, { additionalProperties: false }),
        {
          maxItems: 64,
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ConformanceVector = Static<typeof ConformanceVectorSchema>;

/** What a governance proposal carries: the standard without its registration facts. */
export const StandardDefinitionSchema = Type.Object(
  {
    id: StandardIdSchema,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    /** The promised behaviour, in words: what the vectors cannot say. */
    behaviour: Type.String({ maxLength: 8000 }),
    methods: Type.Array(StandardMethodSchema, { minItems: 1, maxItems: 32 }),
    events: Type.Array(StandardEventSchema, { maxItems: 32 }),
    vectors: Type.Array(ConformanceVectorSchema, { minItems: 1, maxItems: 64 }),
    /** Organisation roles that may register implementations of it; empty means any member organisation. */
    implementerRoles: Type.Array(BusinessRoleSchema, { maxItems: 10, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type StandardDefinition = Static<typeof StandardDefinitionSchema>;

export const StandardSchema = Type.Object(
  { ...StandardDefinitionSchema.properties, registeredAt: UintSchema },
  { additionalProperties: false },
);
export type Standard = Static<typeof StandardSchema>;

export const DeployedCodeSchema = Type.Object(
  {
    hash: CodeHashSchema,
    source: Type.String(),
    /** UTF-8 bytes of the source. */
    bytes: UintSchema,
    deployer: AddressSchema,
    org: Type.String(),
    deployedAt: UintSchema,
  },
  { additionalProperties: false },
);
export type DeployedCode = Static<typeof DeployedCodeSchema>;

export const ImplementationSchema = Type.Object(
  {
    id: ImplementationIdSchema,
    standard: StandardIdSchema,
    codeHash: CodeHashSchema,
    /** The organisation that owns it (the registrant's). */
    org: Type.String(),
    displayName: Type.String({ minLength: 1, maxLength: 128 }),
    registrant: AddressSchema,
    registeredAt: UintSchema,
    /** The contract's own settlement account, derived from the id (nobody holds its key). */
    account: AddressSchema,
    /** Vectors passed at registration and the gas they used. */
    conformance: Type.Object({ vectors: UintSchema, gasUsed: UintSchema }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type Implementation = Static<typeof ImplementationSchema>;

export const RegistryParametersSchema = Type.Object(
  {
    /** Roles whose organisations may deploy code; empty means any member organisation. */
    deployerRoles: Type.Array(BusinessRoleSchema, { maxItems: 10, uniqueItems: true }),
    /** Largest contract source, UTF-8 bytes (a transaction is at most 64 KiB). */
    maxCodeBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 }),
    /** Most gas one contract call in a transaction may use (also bounded by the transaction's gas). */
    callGasLimit: Type.Integer({ minimum: 2_000_000, maximum: 1_000_000_000 }),
    /** Most gas a read-only call on a node may use. */
    queryGasLimit: Type.Integer({ minimum: 2_000_000, maximum: 1_000_000_000 }),
    /** Most gas all conformance vectors of one registration may use together. */
    conformanceGasLimit: Type.Integer({ minimum: 2_000_000, maximum: 1_000_000_000 }),
    /** QuickJS memory limit of one call, bytes. */
    memoryLimitBytes: Type.Integer({ minimum: 1024 * 1024, maximum: 64 * 1024 * 1024 }),
  },
  { additionalProperties: false },
);
export type RegistryParameters = Static<typeof RegistryParametersSchema>;

export const DEFAULT_REGISTRY_PARAMETERS: RegistryParameters = {
  deployerRoles: [],
  maxCodeBytes: 60 * 1024,
  callGasLimit: 20_000_000,
  queryGasLimit: 50_000_000,
  conformanceGasLimit: 45_000_000,
  memoryLimitBytes: 16 * 1024 * 1024,
};

export const registryParametersStore = new Store(
  REGISTRY_MODULE,
  'params',
  createCodec('RegistryParameters', RegistryParametersSchema, { maxBytes: 512 }),
);
export const standardStore = new Store(
  REGISTRY_MODULE,
  'standards',
  createCodec('Standard', StandardSchema, { maxBytes: 64 * 1024 }),
);
export const codeStore = new Store(
  REGISTRY_MODULE,
  'code',
  createCodec('DeployedCode', DeployedCodeSchema, { maxBytes: 1024 * 1024 + 1024 }),
);
export const implementationStore = new Store(
  REGISTRY_MODULE,
  'implementations',
  createCodec('Implementation', ImplementationSchema, { maxBytes: 2048 }),
);
export const byStandardStore = new Store(
  REGISTRY_MODULE,
  'byStandard',
  createCodec('ImplementationMarker', Type.Object({}, { additionalProperties: false }), { maxBytes: 8 }),
);

/** The prefix of an implementation's own state keys. */
export function contractStatePrefix(implementationId: string): string {
  return `${REGISTRY_MODULE}/state/${implementationId}/`;
}

/** Schema building blocks shared by every type on the chain. */
import { Type } from '@sinclair/typebox';
import { ADDRESS_PATTERN } from '../crypto/address.js';

export const HashSchema = Type.Uint8Array({ minByteLength: 32, maxByteLength: 32 });
export const PublicKeySchema = Type.Uint8Array({ minByteLength: 32, maxByteLength: 32 });
export const SignatureSchema = Type.Uint8Array({ minByteLength: 64, maxByteLength: 64 });
export const AddressSchema = Type.String({ pattern: ADDRESS_PATTERN });
/** Heights, counts, nonces, milliseconds, minor currency units: safe non-negative integers. */
export const UintSchema = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
export const ChainIdSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' });
/** Module, command, store and event names. */
export const NameSchema = Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,47}$' });
/** Identifiers chosen by people (organisation ids, product ids): short, no spaces, no upper case. */
export const IdentifierSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9._:-]{0,127}$' });

/** Any value of the canonical data model (used for command parameters, checked later by the command). */
export const CanonicalValueSchema = Type.Unknown();

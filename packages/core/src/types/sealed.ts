/**
 * The sealed envelope: data encrypted to a few organisations' X25519 keys (delivery details to the
 * carrier and the merchant, docs/brief.md §2). This file is the format only; sealing and opening live in the
 * SDK (`sealDelivery`, `openDelivery`), and the orders module checks the format without any key.
 *
 * Version 1, suite X25519 + HKDF-SHA256 + AES-256-GCM:
 *
 *   cek         = 32 random bytes (the content key), one per envelope
 *   epk         = the public key of an ephemeral X25519 key, one per envelope
 *   for each recipient r (sorted by org, distinct):
 *     kek_r     = HKDF-SHA256(ikm = X25519(eph, r.key), salt = epk ‖ r.key,
 *                             info = "hanglian/sealed/v1/wrap\n" ‖ r.org, 32)
 *     wrapped_r = AES-256-GCM(kek_r, nonce = 12 zero bytes, cek, aad = r.org)   (48 bytes; kek_r is used once)
 *   header      = canonical CBOR of { v, epk, nonce, recipients }
 *   ciphertext  = AES-256-GCM(cek, nonce, pad(plaintext), aad = "hanglian/sealed/v1\n" ‖ header ‖ context)
 *
 * The header (recipient list included) is authenticated by the content's tag, so adding, dropping or
 * changing a recipient makes every opening fail. `context` is not stored: both sides supply it (for
 * delivery details, the order key's address), so an envelope copied into another order does not open
 * there. `pad` prefixes the length (uint16 big-endian) and fills with zeros to exactly
 * `SEALED_CONTENT_BYTES`, whatever the content: every envelope's ciphertext has one size, so no envelope's
 * size tells a long address or note from a short one (issue 16: padding to multiples of 512 bytes let a
 * consumer with a long address be recognised across orders). Content longer than
 * `SEALED_MAX_CONTENT_BYTES` is refused by the sealer (SDK_SEALED_TOO_LARGE); the orders module refuses an
 * envelope whose ciphertext is any other size (a consensus rule since this version).
 */
import { type Static, Type } from '@sinclair/typebox';
import { createCodec } from '../encoding/codec.js';
import { IdentifierSchema } from '../schema/common.js';

export const SEALED_VERSION = 1;
export const SEALED_MAX_RECIPIENTS = 4;
/** The size of every envelope's padded content (before its 16-byte tag). */
export const SEALED_CONTENT_BYTES = 1024;
/** The most content an envelope carries: the padded size less the 2-byte length prefix. */
export const SEALED_MAX_CONTENT_BYTES = SEALED_CONTENT_BYTES - 2;
/** Largest encoded envelope (the orders module keeps delivery details to 2 KiB). */
export const SEALED_MAX_BYTES = 2048;

export const SealedRecipientSchema = Type.Object(
  {
    /** The organisation that can open the envelope. */
    org: IdentifierSchema,
    /** The organisation's X25519 public key the content key was wrapped to (its registered key). */
    key: Type.Uint8Array({ minByteLength: 32, maxByteLength: 32 }),
    /** The content key, AES-256-GCM-wrapped under the key agreed with `key` (32 bytes + 16 tag). */
    wrapped: Type.Uint8Array({ minByteLength: 48, maxByteLength: 48 }),
  },
  { additionalProperties: false },
);
export type SealedRecipient = Static<typeof SealedRecipientSchema>;

export const SealedEnvelopeSchema = Type.Object(
  {
    v: Type.Literal(SEALED_VERSION),
    /** The ephemeral X25519 public key of this envelope. */
    epk: Type.Uint8Array({ minByteLength: 32, maxByteLength: 32 }),
    nonce: Type.Uint8Array({ minByteLength: 12, maxByteLength: 12 }),
    recipients: Type.Array(SealedRecipientSchema, { minItems: 1, maxItems: SEALED_MAX_RECIPIENTS }),
    /** The padded content, encrypted, with its 16-byte tag. */
    ciphertext: Type.Uint8Array({
      minByteLength: SEALED_CONTENT_BYTES + 16,
      maxByteLength: SEALED_CONTENT_BYTES + 16,
    }),
  },
  { additionalProperties: false },
);
export type SealedEnvelope = Static<typeof SealedEnvelopeSchema>;

export const sealedEnvelopeCodec = createCodec('SealedEnvelope', SealedEnvelopeSchema, {
  maxBytes: SEALED_MAX_BYTES,
});

/**
 * Why an envelope is not well formed, or undefined when it is: schema, canonical encoding, recipients
 * sorted by org with no org twice, content of the one fixed size. Checks the form only: whether
 * the content opens needs a recipient's private key.
 */
export function sealedEnvelopeProblem(bytes: Uint8Array): string | undefined {
  let envelope: SealedEnvelope;
  try {
    envelope = sealedEnvelopeCodec.decode(bytes);
  } catch (error) {
    return (error as Error).message;
  }
  for (let i = 1; i < envelope.recipients.length; i++) {
    if (envelope.recipients[i - 1]!.org >= envelope.recipients[i]!.org) {
      return 'recipients must be sorted by org, each org once';
    }
  }
  if (envelope.ciphertext.byteLength !== SEALED_CONTENT_BYTES + 16) {
    return `the content is not padded to exactly ${SEALED_CONTENT_BYTES} bytes`;
  }
  return undefined;
}

/**
 * Sealing data to organisations' X25519 keys, and opening it (the envelope format and its byte-level
 * rules are in core's `types/sealed.ts`). Delivery details are sealed by the consumer's wallet to the
 * chosen carrier (and the merchant when it must read them), and the order key signs the transaction
 * that carries them, so a gateway can neither read nor swap them. Pure @noble code: Node and browsers.
 */
import {
  decodeCanonical,
  encodeCanonical,
  SEALED_CONTENT_BYTES,
  SEALED_MAX_CONTENT_BYTES,
  SEALED_MAX_RECIPIENTS,
  SEALED_VERSION,
  type SealedEnvelope,
  type SealedRecipient,
  sealedEnvelopeCodec,
  sealedEnvelopeProblem,
} from '@hanglian/core';
import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { HanglianSdkError, SdkErrors } from '../errors.js';

const encoder = new TextEncoder();
const WRAP_INFO = 'hanglian/sealed/v1/wrap\n';
const CONTENT_AAD = encoder.encode('hanglian/sealed/v1\n');
const ZERO_NONCE = new Uint8Array(12);

/** Largest content sealed (core's SEALED_MAX_CONTENT_BYTES): every envelope pads to one size. */
export { SEALED_MAX_CONTENT_BYTES };

/** An organisation an envelope is sealed to, with its registered X25519 public key. */
export interface SealRecipient {
  readonly org: string;
  readonly publicKey: Uint8Array;
}

/** What a carrier needs to bring a parcel to the door. Every field is text; extra fields are not allowed. */
export interface DeliveryDetails {
  readonly name: string;
  readonly phone: string;
  /** Street address lines, as the consumer wrote them. */
  readonly address: string;
  /** The ISO 3166-2 region (e.g. `CN-11`), the same the order states publicly as `buyerRegion`. */
  readonly region: string;
  readonly postcode?: string;
  readonly note?: string;
}

const DELIVERY_FIELDS = new Set(['name', 'phone', 'address', 'region', 'postcode', 'note']);

/** An X25519 key pair for receiving sealed data (an organisation's encryption key). */
export interface EncryptionKeyPair {
  readonly publicKey: Uint8Array;
  readonly privateKey: Uint8Array;
}

/**
 * A fresh X25519 key pair from the platform's CSPRNG; `encryptionKeyFromSecret` rebuilds one from its
 * private half.
 *
 * @example
 * ```ts
 * const keys = generateEncryptionKey();
 * await signAndSubmit(client, admin, setEncryptionKey({ publicKey: keys.publicKey }));
 * ```
 */
export function generateEncryptionKey(): EncryptionKeyPair {
  return encryptionKeyFromSecret(x25519.utils.randomSecretKey());
}

/**
 * The key pair of a 32-byte X25519 private key.
 *
 * @example
 * ```ts
 * const { publicKey } = encryptionKeyFromSecret(await decryptKeystore(store, password));
 * ```
 */
export function encryptionKeyFromSecret(privateKey: Uint8Array): EncryptionKeyPair {
  if (privateKey.byteLength !== 32) throw new RangeError('an X25519 private key is 32 bytes');
  return { publicKey: x25519.getPublicKey(privateKey), privateKey: new Uint8Array(privateKey) };
}

function invalid(message: string, cause?: unknown): never {
  throw new HanglianSdkError(SdkErrors.SDK_SEALED_INVALID, message, cause === undefined ? {} : { cause });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

function keyEncryptionKey(shared: Uint8Array, epk: Uint8Array, recipient: Uint8Array, org: string) {
  return hkdf(sha256, shared, concat(epk, recipient), encoder.encode(WRAP_INFO + org), 32);
}

function headerOf(envelope: Pick<SealedEnvelope, 'v' | 'epk' | 'nonce' | 'recipients'>): Uint8Array {
  return encodeCanonical({
    v: envelope.v,
    epk: envelope.epk,
    nonce: envelope.nonce,
    recipients: envelope.recipients,
  });
}

function contentAad(envelope: SealedEnvelope | Omit<SealedEnvelope, 'ciphertext'>, context: string) {
  return concat(CONTENT_AAD, headerOf(envelope), encoder.encode(context));
}

function pad(content: Uint8Array): Uint8Array {
  if (content.byteLength > SEALED_MAX_CONTENT_BYTES) {
    throw new HanglianSdkError(
      SdkErrors.SDK_SEALED_TOO_LARGE,
      `the content is ${content.byteLength} bytes; at most ${SEALED_MAX_CONTENT_BYTES} are sealed (every envelope has one size, so that its size says nothing)`,
      { details: { bytes: content.byteLength, max: SEALED_MAX_CONTENT_BYTES } },
    );
  }
  // One size for every envelope: a long address or note is not told apart by its envelope's length.
  const out = new Uint8Array(SEALED_CONTENT_BYTES);
  new DataView(out.buffer).setUint16(0, content.byteLength, false);
  out.set(content, 2);
  return out;
}

function unpad(padded: Uint8Array): Uint8Array {
  const length = new DataView(padded.buffer, padded.byteOffset).getUint16(0, false);
  if (length + 2 > padded.byteLength || padded.subarray(length + 2).some((b) => b !== 0)) {
    throw new Error('bad padding');
  }
  return padded.subarray(2, length + 2);
}

/**
 * Seals `content` so that only `recipients` open it (each with its private key), bound to `context`
 * (which the opener must give again). Returns the envelope's canonical bytes.
 *
 * @example
 * ```ts
 * const sealed = sealTo(bytes, [{ org: 'carrier-a', publicKey }], 'hl1…order-key-address');
 * ```
 */
export function sealTo(content: Uint8Array, recipients: readonly SealRecipient[], context = ''): Uint8Array {
  if (recipients.length === 0 || recipients.length > SEALED_MAX_RECIPIENTS) {
    invalid(`an envelope has 1 to ${SEALED_MAX_RECIPIENTS} recipients`);
  }
  const sorted = [...recipients].sort((a, b) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]!.org === sorted[i]!.org) invalid(`${sorted[i]!.org} is named twice`);
  }
  const cek = randomBytes(32);
  const ephemeral = x25519.utils.randomSecretKey();
  const epk = x25519.getPublicKey(ephemeral);
  const nonce = randomBytes(12);
  const wrapped: SealedRecipient[] = sorted.map(({ org, publicKey }) => {
    if (publicKey.byteLength !== 32) invalid(`the key of ${org} is not an X25519 public key`);
    let shared: Uint8Array;
    try {
      shared = x25519.getSharedSecret(ephemeral, publicKey);
    } catch (error) {
      invalid(`the key of ${org} is not a usable X25519 public key`, error);
    }
    const kek = keyEncryptionKey(shared, epk, publicKey, org);
    return {
      org,
      key: new Uint8Array(publicKey),
      wrapped: gcm(kek, ZERO_NONCE, encoder.encode(org)).encrypt(cek),
    };
  });
  const head = { v: SEALED_VERSION as typeof SEALED_VERSION, epk, nonce, recipients: wrapped };
  const ciphertext = gcm(cek, nonce, contentAad(head, context)).encrypt(pad(content));
  let sealed: Uint8Array;
  try {
    sealed = sealedEnvelopeCodec.encode({ ...head, ciphertext });
  } catch (error) {
    return invalid('the envelope would exceed 2 KiB', error);
  }
  // The orders module's own check, before the envelope leaves: an envelope it would refuse
  // (ORDERS_DELIVERY_MALFORMED) is an error here, with its reason, not a failed transaction later.
  const problem = sealedEnvelopeProblem(sealed);
  if (problem !== undefined) invalid(`the envelope would be refused: ${problem}`);
  return sealed;
}

/**
 * Opens an envelope as organisation `org` with its X25519 private key and the same `context` it was
 * sealed with. Throws `SDK_SEALED_INVALID` (not an envelope), `SDK_SEALED_NOT_RECIPIENT` (not sealed to
 * this org, or to another key of it) or `SDK_SEALED_OPEN_FAILED` (wrong key or context, or altered).
 *
 * @example
 * ```ts
 * const content = openSealed(sealed, 'carrier-a', carrierKey.privateKey, order.buyer);
 * ```
 */
export function openSealed(
  sealed: Uint8Array,
  org: string,
  privateKey: Uint8Array,
  context = '',
): Uint8Array {
  const problem = sealedEnvelopeProblem(sealed);
  if (problem !== undefined) invalid(`not a sealed envelope: ${problem}`);
  const envelope = sealedEnvelopeCodec.decode(sealed);
  const recipient = envelope.recipients.find((r) => r.org === org);
  if (recipient === undefined) {
    throw new HanglianSdkError(SdkErrors.SDK_SEALED_NOT_RECIPIENT, `the envelope is not sealed to ${org}`);
  }
  let publicKey: Uint8Array;
  try {
    publicKey = x25519.getPublicKey(privateKey);
  } catch (error) {
    return invalid('the private key is not an X25519 key', error);
  }
  if (!equalBytes(publicKey, recipient.key)) {
    throw new HanglianSdkError(
      SdkErrors.SDK_SEALED_NOT_RECIPIENT,
      `the envelope is sealed to another key of ${org}`,
    );
  }
  try {
    const shared = x25519.getSharedSecret(privateKey, envelope.epk);
    const kek = keyEncryptionKey(shared, envelope.epk, recipient.key, org);
    const cek = gcm(kek, ZERO_NONCE, encoder.encode(org)).decrypt(recipient.wrapped);
    return unpad(gcm(cek, envelope.nonce, contentAad(envelope, context)).decrypt(envelope.ciphertext));
  } catch (error) {
    throw new HanglianSdkError(
      SdkErrors.SDK_SEALED_OPEN_FAILED,
      `the envelope does not open as ${org} (wrong key or context, or altered)`,
      { cause: error },
    );
  }
}

/**
 * The organisations an envelope is sealed to, from its public header (no key needed).
 *
 * @example
 * ```ts
 * sealedRecipients(sealed); // ['bookstore', 'carrier-a']
 * ```
 */
export function sealedRecipients(sealed: Uint8Array): string[] {
  const problem = sealedEnvelopeProblem(sealed);
  if (problem !== undefined) invalid(`not a sealed envelope: ${problem}`);
  return sealedEnvelopeCodec.decode(sealed).recipients.map((r) => r.org);
}

function checkDetails(details: DeliveryDetails): void {
  for (const [field, value] of Object.entries(details)) {
    if (!DELIVERY_FIELDS.has(field)) invalid(`delivery details have no field ${field}`);
    if (typeof value !== 'string') invalid(`delivery detail ${field} is not text`);
  }
  for (const field of ['name', 'phone', 'address', 'region'] as const) {
    if (typeof details[field] !== 'string' || details[field].length === 0) {
      invalid(`delivery details need a ${field}`);
    }
  }
}

/**
 * Seals delivery details to the chosen carrier (and the merchant, when it must read them), bound to the
 * order key's address so the envelope opens only as the delivery of that order. Pass the result as the
 * `delivery` of `orders.create`, which checks that the carrier (and the merchant, if named) are
 * recipients with their registered keys.
 *
 * @example
 * ```ts
 * const delivery = sealDelivery(
 *   { name: '李华', phone: '+86 138 0000 0000', address: '北京市海淀区…', region: 'CN-11' },
 *   [{ org: 'carrier-a', publicKey: carrierKey }, { org: 'bookstore', publicKey: shopKey }],
 *   { context: orderKey.address },
 * );
 * ```
 */
export function sealDelivery(
  details: DeliveryDetails,
  recipients: readonly SealRecipient[],
  options: { context: string },
): Uint8Array {
  checkDetails(details);
  return sealTo(encodeCanonical({ ...details }), recipients, options.context);
}

/**
 * Opens delivery details as `org` (the carrier or the merchant), with the order key's address as context.
 *
 * @example
 * ```ts
 * const { name, phone, address } = openDelivery(sealed, 'carrier-a', privateKey, { context: order.buyer });
 * ```
 */
export function openDelivery(
  sealed: Uint8Array,
  org: string,
  privateKey: Uint8Array,
  options: { context: string },
): DeliveryDetails {
  const content = openSealed(sealed, org, privateKey, options.context);
  let details: DeliveryDetails;
  try {
    details = decodeCanonical(content) as DeliveryDetails;
    checkDetails(details);
  } catch (error) {
    if (error instanceof HanglianSdkError) throw error;
    return invalid('the sealed content is not delivery details', error);
  }
  return details;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);
}

/**
 * Member-only reads: a request for data only members may see (blocks, transactions, balances, order
 * queues, 带数 aggregates) carries the header `x-hanglian-reader: <public key hex>.<time ms>.<signature
 * hex>`, an Ed25519 signature by one of the member's registered identities over the bytes below. The node
 * accepts it when the key is an active member identity, the signature holds, and the time is within
 * READ_REQUEST_MAX_SKEW_MS of its own clock. Reads change nothing, so a replay inside that window gains
 * an eavesdropper nothing it did not already see; the signature binds the chain, method, path with query
 * and body, so it cannot be moved to another request.
 */
import { sha256 } from '../crypto/hash.js';
import { bytesToHex, hexToBytes } from '../encoding/hex.js';

/** The HTTP header carrying a member's read signature. */
export const READ_REQUEST_HEADER = 'x-hanglian-reader';
/** How far a signed read's time may be from the node's clock. */
export const READ_REQUEST_MAX_SKEW_MS = 60_000;

export interface ReadRequest {
  readonly chainId: string;
  /** `GET`, `POST`… (upper case). */
  readonly method: string;
  /** The path with its query string, exactly as sent (e.g. `/v1/blocks/7`). */
  readonly path: string;
  /** Unix milliseconds when signed. */
  readonly time: number;
  /** The request body as sent (empty for none). */
  readonly body: Uint8Array;
}

const encoder = new TextEncoder();

/** The bytes a member signs for a read request. */
export function readRequestSignBytes(request: ReadRequest): Uint8Array {
  const text = [
    'hanglian/read/v1',
    request.chainId,
    request.method.toUpperCase(),
    request.path,
    String(request.time),
    bytesToHex(sha256(request.body)),
  ].join('\n');
  return encoder.encode(text);
}

export interface ReaderHeader {
  readonly publicKey: Uint8Array;
  readonly time: number;
  readonly signature: Uint8Array;
}

export function formatReaderHeader(header: ReaderHeader): string {
  return `${bytesToHex(header.publicKey)}.${header.time}.${bytesToHex(header.signature)}`;
}

/** Parses the header's value; undefined when it is not three well-formed parts. */
export function parseReaderHeader(value: string): ReaderHeader | undefined {
  const match = /^([0-9a-f]{64})\.(\d{1,15})\.([0-9a-f]{128})$/.exec(value.trim().toLowerCase());
  if (match === null) return undefined;
  return { publicKey: hexToBytes(match[1]!), time: Number(match[2]), signature: hexToBytes(match[3]!) };
}

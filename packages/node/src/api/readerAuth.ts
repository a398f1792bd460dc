/**
 * Members-only reads (core's readRequest.ts): the node checks the `x-hanglian-reader` header of a request
 * for data only members may see. Public reads (the catalogue, item verification, reviews, headers) need
 * nothing. The check reads this node's clock, which is fine here: the API is not consensus code.
 */
import {
  addressFromPublicKey,
  type CryptoSuite,
  HanglianError,
  parseReaderHeader,
  READ_REQUEST_HEADER,
  READ_REQUEST_MAX_SKEW_MS,
  readRequestSignBytes,
} from '@hanglian/core';
import type { ReadAccess } from '@hanglian/state-machine';
import type { FastifyRequest } from 'fastify';
import { NodeErrors } from '../errors.js';

export interface ReaderCheckContext {
  readonly chainId: string;
  readonly suite: CryptoSuite;
  isActiveMember(address: string): boolean;
  now(): number;
}

/** The raw body of a JSON request, kept by the server's content-type parser for the signature check. */
export const RAW_BODY = Symbol('hanglian.rawBody');
type WithRawBody = FastifyRequest & { [RAW_BODY]?: Uint8Array };

/**
 * Throws unless `access` is public or the request is signed by an active member identity. Returns who
 * asks: `members` when the request carries a valid member signature (a public read may then say more, as
 * an order's escrow balance), `public` otherwise. A signature given is always checked, even on a public
 * read, so that a wrong one is never silently taken for the public.
 */
export function requireReader(
  request: FastifyRequest,
  access: ReadAccess,
  ctx: ReaderCheckContext,
): ReadAccess {
  const raw = request.headers[READ_REQUEST_HEADER];
  if (access === 'public' && (raw === undefined || raw === '')) return 'public';
  if (raw === undefined || raw === '') {
    throw new HanglianError(
      NodeErrors.READ_AUTH_REQUIRED,
      `${request.method} ${request.url.split('?')[0]} reads members-only data: sign it with a member identity (header ${READ_REQUEST_HEADER})`,
    );
  }
  const header = parseReaderHeader(Array.isArray(raw) ? raw[0]! : raw);
  if (header === undefined) {
    throw new HanglianError(
      NodeErrors.READ_AUTH_INVALID,
      `${READ_REQUEST_HEADER} must be <public key hex>.<unix ms>.<signature hex>`,
    );
  }
  const skew = Math.abs(ctx.now() - header.time);
  if (skew > READ_REQUEST_MAX_SKEW_MS) {
    throw new HanglianError(
      NodeErrors.READ_AUTH_INVALID,
      `the read was signed ${Math.round(skew / 1000)} s away from this node's clock (at most ${READ_REQUEST_MAX_SKEW_MS / 1000} s)`,
    );
  }
  const message = readRequestSignBytes({
    chainId: ctx.chainId,
    method: request.method,
    path: request.url,
    time: header.time,
    body: (request as WithRawBody)[RAW_BODY] ?? new Uint8Array(0),
  });
  if (!ctx.suite.verify(header.publicKey, message, header.signature)) {
    throw new HanglianError(
      NodeErrors.READ_AUTH_INVALID,
      'the read signature does not match this request (chain, method, path, time and body are signed)',
    );
  }
  const address = addressFromPublicKey(header.publicKey);
  if (!ctx.isActiveMember(address)) {
    throw new HanglianError(NodeErrors.READ_NOT_MEMBER, `${address} is not an active member identity`);
  }
  return 'members';
}

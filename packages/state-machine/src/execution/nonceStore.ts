import { createCodec, UintSchema } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import { Store } from '../framework/store.js';

/** The executor's own store: the next expected nonce of every submitter. Key: `auth/nonces/<address>`. */
export const nonceStore = new Store(
  'auth',
  'nonces',
  createCodec('Nonce', Type.Object({ next: UintSchema }, { additionalProperties: false }), { maxBytes: 32 }),
);

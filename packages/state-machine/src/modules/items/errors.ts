import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the items module. Registered once; their meaning never changes. */
export const ItemsErrors = defineErrorCodes('items', {
  ITEMS_PRODUCT_EXISTS: { kind: 'conflict', summary: 'A product with that SKU is already registered.' },
  ITEMS_UNKNOWN_PRODUCT: { kind: 'not_found', summary: 'No product with that SKU.' },
  ITEMS_NOT_PRODUCER: {
    kind: 'forbidden',
    summary: 'Only the organisation that registered the product may do this.',
  },
  ITEMS_BATCH_EXISTS: { kind: 'conflict', summary: 'That batch of the product was already minted.' },
  ITEMS_UNKNOWN_CODE: { kind: 'not_found', summary: 'The item code names no minted item.' },
  ITEMS_BAD_CODE: { kind: 'invalid', summary: 'The item code is not of the form <sku>:<batch>:<serial>.' },
  ITEMS_NOT_HOLDER: {
    kind: 'forbidden',
    summary: 'Only the organisation that owns or holds an item may record what happens to it.',
  },
  ITEMS_RECALLED: { kind: 'conflict', summary: 'The batch is recalled: its items can no longer move.' },
  ITEMS_DESTROYED: {
    kind: 'conflict',
    summary: 'The item was destroyed: its owner, custodian and status never change again.',
  },
  ITEMS_ABROAD: {
    kind: 'conflict',
    summary: 'The item was sent to another linked chain: it is live there and locked here until it returns.',
  },
  ITEMS_NOT_MOVABLE: {
    kind: 'conflict',
    summary: 'Only items in stock, owned and held by the sender, may be sent to another chain.',
  },
  ITEMS_LIVE_HERE: {
    kind: 'conflict',
    summary: 'An item arriving from another chain is live on this chain already: an item lives on one chain.',
  },
  ITEMS_BAD_TRANSFER: {
    kind: 'invalid',
    summary: 'A message for items from another chain is malformed or names no active organisation here.',
  },
  ITEMS_TOO_MANY: { kind: 'invalid', summary: 'Too many item codes in one transaction; use a range.' },
});

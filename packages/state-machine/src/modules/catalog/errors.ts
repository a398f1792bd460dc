import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the catalogue module. Registered once; their meaning never changes. */
export const CatalogErrors = defineErrorCodes('catalog', {
  CATALOG_NOT_MERCHANT: { kind: 'forbidden', summary: 'Only a merchant organisation lists products.' },
  CATALOG_NOT_HOST: { kind: 'forbidden', summary: 'Only a live-stream host organisation runs sessions.' },
  CATALOG_LISTING_EXISTS: { kind: 'conflict', summary: 'The merchant already has a listing with that id.' },
  CATALOG_UNKNOWN_LISTING: { kind: 'not_found', summary: 'No such listing.' },
  CATALOG_NOT_OWNER: { kind: 'forbidden', summary: 'Only the merchant that made the listing changes it.' },
  CATALOG_NOT_CARRIER: { kind: 'invalid', summary: 'A carrier named is not an active carrier organisation.' },
  CATALOG_NO_COMMISSION: { kind: 'invalid', summary: 'A featured listing offers hosts no commission.' },
  CATALOG_SESSION_EXISTS: { kind: 'conflict', summary: 'The host already has a session with that id.' },
  CATALOG_BAD_WINDOW: { kind: 'invalid', summary: 'A session must end after it starts.' },
});

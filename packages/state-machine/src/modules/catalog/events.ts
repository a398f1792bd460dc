/** Events of the catalog module (data and topics in the README). */
export const CatalogEvents = {
  listingCreated: 'listingCreated',
  listingUpdated: 'listingUpdated',
  sessionCreated: 'sessionCreated',
} as const;

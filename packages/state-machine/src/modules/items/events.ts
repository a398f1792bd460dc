export const ItemsEvents = {
  productRegistered: 'productRegistered',
  batchMinted: 'batchMinted',
  traceRecorded: 'traceRecorded',
  batchRecalled: 'batchRecalled',
} as const;

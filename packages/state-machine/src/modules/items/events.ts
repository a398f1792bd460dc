export const ItemsEvents = {
  productRegistered: 'productRegistered',
  batchMinted: 'batchMinted',
  traceRecorded: 'traceRecorded',
  batchRecalled: 'batchRecalled',
  /** Items left for a linked chain (`sendAcross`), arrived from one, or came back undelivered. */
  sentAcross: 'sentAcross',
  receivedAcross: 'receivedAcross',
  returnedAcross: 'returnedAcross',
} as const;

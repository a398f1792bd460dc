export const ItemsEvents = {
  productRegistered: 'productRegistered',
  batchMinted: 'batchMinted',
  traceRecorded: 'traceRecorded',
  batchRecalled: 'batchRecalled',
  /** Items left for a linked chain (`sendAcross`), arrived from one, or came back undelivered. */
  sentAcross: 'sentAcross',
  receivedAcross: 'receivedAcross',
  returnedAcross: 'returnedAcross',
  /** The stock-index upgrade's migration moved the owner index (`holdings` to `held`): how many entries. */
  holdingsMoved: 'holdingsMoved',
} as const;

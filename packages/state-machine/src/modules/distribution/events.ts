/** Events of the distribution module (data and topics in the README). */
export const DistributionEvents = {
  channelAuthorised: 'channelAuthorised',
  channelRevoked: 'channelRevoked',
  shipped: 'shipped',
  received: 'received',
  refused: 'refused',
} as const;

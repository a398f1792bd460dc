import { defineErrorCodes } from '@hanglian/core';

/** Error codes of the distribution module. Registered once; their meaning never changes. */
export const DistributionErrors = defineErrorCodes('distribution', {
  DISTRIBUTION_NOT_PRODUCER: {
    kind: 'forbidden',
    summary: 'Only a producer organisation authorises its channels.',
  },
  DISTRIBUTION_UNKNOWN_ORG: { kind: 'not_found', summary: 'No active organisation with that id.' },
  DISTRIBUTION_SHIPMENT_EXISTS: { kind: 'conflict', summary: 'The sender already used that shipment id.' },
  DISTRIBUTION_UNKNOWN_SHIPMENT: { kind: 'not_found', summary: 'No such shipment.' },
  DISTRIBUTION_NOT_SHIPPABLE: {
    kind: 'conflict',
    summary: 'An item is not owned, held and in stock by the sender (or its batch is recalled).',
  },
  DISTRIBUTION_NOT_RECEIVER: {
    kind: 'forbidden',
    summary: 'Only the receiving organisation confirms a shipment.',
  },
  DISTRIBUTION_ALREADY_SETTLED: {
    kind: 'conflict',
    summary: 'The shipment was already received or refused.',
  },
  DISTRIBUTION_SELF: { kind: 'invalid', summary: 'An organisation does not ship to itself.' },
});

import type { StateReader } from '../../framework/state.js';
import type { InterchainMethod } from '../interchain/method.js';

/** What the items module needs from identity: the organisation of a signer, and its business roles. */
export interface IdentityForItems {
  orgOf(state: StateReader, address: string): string | undefined;
  orgHasRole(state: StateReader, orgId: string, role: 'producer'): boolean;
}

/**
 * Where the producer's channels put an organisation (the distribution module answers): the items module
 * asks it to say, in a code's verification, whether the item is outside its channel or its region.
 */
export interface ChannelsForItems {
  judge(
    state: StateReader,
    args: { producer: string; org: string; sku: string; time: number; region?: string },
  ): ChannelJudgement;
}

/**
 * `direct`: the producer itself; `authorised`: a channel covering the product at that time (and region);
 * `outside-channel`: no channel for the product at that time (串货); `outside-region`: a channel, but not
 * for that region (regional 串货).
 */
export type ChannelJudgement = 'direct' | 'authorised' | 'outside-channel' | 'outside-region';

/** Linked chains (kernel): sending packets, and whether a receiving organisation is active here. */
export interface ItemsLinks {
  readonly interchain: Pick<InterchainMethod, 'sendPacket'>;
  organisationIsActive(state: StateReader, org: string): boolean;
}

import type { StateReader } from '../../framework/state.js';
import { type Channel, channelStore } from './stores.js';

/** Channel checks that other modules (catalogue, orders) and verification use. */
export class DistributionMethod {
  channel(state: StateReader, producer: string, org: string): Channel | undefined {
    return channelStore.get(state, `${producer}/${org}`);
  }

  /**
   * Is `org` allowed to sell `sku` of `producer` (in `region`, at `time`)? The producer itself always is.
   */
  isAuthorised(
    state: StateReader,
    args: { producer: string; org: string; sku: string; time: number; region?: string },
  ): boolean {
    if (args.org === args.producer) return true;
    const channel = this.channel(state, args.producer, args.org);
    if (channel === undefined) return false;
    if (channel.until !== 0 && args.time > channel.until) return false;
    if (channel.skus.length > 0 && !channel.skus.includes(args.sku)) return false;
    if (args.region !== undefined && channel.regions.length > 0) {
      // A channel for CN covers CN-31; one for CN-31 does not cover CN-11.
      if (!channel.regions.some((r) => args.region === r || args.region!.startsWith(`${r}-`))) return false;
    }
    return true;
  }
}

import type { StateReader } from '../../framework/state.js';
import { type Channel, channelStore } from './stores.js';

/**
 * Does a list of ISO 3166 regions cover `region`? A country covers its subdivisions (`CN` covers `CN-31`);
 * a subdivision covers only itself. One rule for channels, shipping areas and anything else with regions.
 */
export function regionsCover(regions: readonly string[], region: string): boolean {
  return regions.some((r) => region === r || region.startsWith(`${r}-`));
}

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
      if (!regionsCover(channel.regions, args.region)) return false;
    }
    return true;
  }
}

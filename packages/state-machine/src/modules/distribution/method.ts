import type { StateReader } from '../../framework/state.js';
import type { ChannelJudgement } from '../items/expected.js';
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
    const judgement = this.judge(state, args);
    return judgement === 'direct' || judgement === 'authorised';
  }

  /**
   * Where the producer's channels put `org` for `sku` at `time` (and in `region`, when given): the
   * producer itself (`direct`), an `authorised` channel, no channel for that product at that time
   * (`outside-channel`: none, revoked, past its `until`, or not for this SKU), or a channel that does not
   * cover that region (`outside-region`).
   */
  judge(
    state: StateReader,
    args: { producer: string; org: string; sku: string; time: number; region?: string },
  ): ChannelJudgement {
    if (args.org === args.producer) return 'direct';
    const channel = this.channel(state, args.producer, args.org);
    if (channel === undefined) return 'outside-channel';
    if (channel.until !== 0 && args.time > channel.until) return 'outside-channel';
    if (channel.skus.length > 0 && !channel.skus.includes(args.sku)) return 'outside-channel';
    if (
      args.region !== undefined &&
      channel.regions.length > 0 &&
      !regionsCover(channel.regions, args.region)
    )
      return 'outside-region';
    return 'authorised';
  }
}

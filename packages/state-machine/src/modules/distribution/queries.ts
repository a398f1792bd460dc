import { IdentifierSchema } from '@hanglian/core';
import { type TObject, Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
import type { ChannelJudgement } from '../items/expected.js';
import type { ItemsForDistribution } from './expected.js';
import type { DistributionMethod } from './method.js';
import {
  type Channel,
  channelStore,
  RegionSchema,
  type Shipment,
  shipmentStore,
  shipmentsByReceiverStore,
} from './stores.js';

export interface ProvenanceView {
  code: string;
  /**
   * `direct`: still with its producer; `authorised`: with (or sold by) an authorised channel;
   * `outside-channel`: 串货; `outside-region`: a channel, but not for the region judged.
   */
  channel: ChannelJudgement | 'unknown-code';
  /** The organisation whose position is judged: the current owner, or the seller of a sold item. */
  org: string | null;
  /** The region judged: the one asked about, else the region of the sale. */
  region: string | null;
}

export function createDistributionQueries(items: ItemsForDistribution, distribution: DistributionMethod) {
  const channels = {
    name: 'channels',
    reads: { public: ['distribution/channels'] },
    access: 'public',
    summary: "A producer's authorised channels.",
    paramsSchema: Type.Object({ producer: IdentifierSchema }, { additionalProperties: false }),
    execute: (ctx) => [...channelStore.entries(ctx.state, `${ctx.params.producer}/`)].map(([, c]) => c),
  } satisfies Query<TObject<{ producer: typeof IdentifierSchema }>, Channel[]>;

  const shipment = {
    name: 'shipment',
    reads: { members: ['distribution/shipments'] },
    summary: 'A shipment by sender and id.',
    paramsSchema: Type.Object(
      { from: IdentifierSchema, id: IdentifierSchema },
      { additionalProperties: false },
    ),
    execute: (ctx) => shipmentStore.get(ctx.state, `${ctx.params.from}/${ctx.params.id}`) ?? null,
  } satisfies Query<TObject<{ from: typeof IdentifierSchema; id: typeof IdentifierSchema }>, Shipment | null>;

  const ShipmentsParams = Type.Object(
    {
      to: IdentifierSchema,
      status: Type.Optional(
        Type.Union([Type.Literal('sent'), Type.Literal('received'), Type.Literal('refused')]),
      ),
      /** Continue after this `<from>/<id>` (pagination). */
      after: Type.Optional(Type.String({ maxLength: 200 })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    },
    { additionalProperties: false },
  );
  const shipments = {
    name: 'shipments',
    reads: { members: ['distribution/byReceiver', 'distribution/shipments'] },
    summary: 'Shipments addressed to an organisation, by sender and id; optionally only those in one status.',
    paramsSchema: ShipmentsParams,
    execute: (ctx) => {
      const { to, status, after, limit = 100 } = ctx.params;
      const out: Shipment[] = [];
      for (const [key] of shipmentsByReceiverStore.entries(ctx.state, `${to}/`)) {
        const fromAndId = key.slice(to.length + 1);
        if (after !== undefined && fromAndId <= after) continue;
        const record = shipmentStore.get(ctx.state, fromAndId);
        if (record === undefined || (status !== undefined && record.status !== status)) continue;
        out.push(record);
        if (out.length >= limit) break;
      }
      return out;
    },
  } satisfies Query<typeof ShipmentsParams, Shipment[]>;

  const ProvenanceParams = Type.Object(
    { code: Type.String({ maxLength: 200 }), region: Type.Optional(RegionSchema) },
    { additionalProperties: false },
  );
  const provenance = {
    name: 'provenance',
    reads: { public: ['items/products', 'items/items', 'items/batches', 'distribution/channels'] },
    access: 'public',
    summary:
      'Is the item where its producer authorised it to be (anti-串货)? Judges its owner now, or its seller at the sale.',
    paramsSchema: ProvenanceParams,
    execute: (ctx) => {
      const item = items.find(ctx.state, ctx.params.code);
      if (item === undefined) {
        return {
          code: ctx.params.code,
          channel: 'unknown-code',
          org: null,
          region: ctx.params.region ?? null,
        };
      }
      return {
        code: ctx.params.code,
        ...items.provenance(ctx.state, item, distribution, {
          time: ctx.time,
          ...(ctx.params.region === undefined ? {} : { region: ctx.params.region }),
        }),
      };
    },
  } satisfies Query<typeof ProvenanceParams, ProvenanceView>;

  return { channels, shipment, shipments, provenance };
}

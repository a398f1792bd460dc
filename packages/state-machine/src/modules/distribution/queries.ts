import { IdentifierSchema } from '@hanglian/core';
import { type TObject, Type } from '@sinclair/typebox';
import type { Query } from '../../framework/module.js';
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
  /** `direct`: still with its producer; `authorised`: with (or sold by) an authorised channel. */
  channel: 'direct' | 'authorised' | 'outside-channel' | 'unknown-code';
  /** The organisation whose position is judged: the current owner, or the seller of a sold item. */
  org: string | null;
}

export function createDistributionQueries(
  items: ItemsForDistribution,
  distribution: DistributionMethod,
): Query<any, any>[] {
  const channels: Query<TObject<{ producer: typeof IdentifierSchema }>, Channel[]> = {
    name: 'channels',
    access: 'public',
    summary: "A producer's authorised channels.",
    paramsSchema: Type.Object({ producer: IdentifierSchema }, { additionalProperties: false }),
    execute: (ctx) => [...channelStore.entries(ctx.state, `${ctx.params.producer}/`)].map(([, c]) => c),
  };

  const shipment: Query<
    TObject<{ from: typeof IdentifierSchema; id: typeof IdentifierSchema }>,
    Shipment | null
  > = {
    name: 'shipment',
    summary: 'A shipment by sender and id.',
    paramsSchema: Type.Object(
      { from: IdentifierSchema, id: IdentifierSchema },
      { additionalProperties: false },
    ),
    execute: (ctx) => shipmentStore.get(ctx.state, `${ctx.params.from}/${ctx.params.id}`) ?? null,
  };

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
  const shipments: Query<typeof ShipmentsParams, Shipment[]> = {
    name: 'shipments',
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
  };

  const ProvenanceParams = Type.Object(
    { code: Type.String({ maxLength: 200 }), region: Type.Optional(RegionSchema) },
    { additionalProperties: false },
  );
  const provenance: Query<typeof ProvenanceParams, ProvenanceView> = {
    name: 'provenance',
    access: 'public',
    summary:
      'Is the item where its producer authorised it to be (anti-串货)? Judges its owner, or its seller once sold.',
    paramsSchema: ProvenanceParams,
    execute: (ctx) => {
      const item = items.find(ctx.state, ctx.params.code);
      if (item === undefined) return { code: ctx.params.code, channel: 'unknown-code', org: null };
      // Once sold to a consumer, the organisation to judge is the one that sold it, at the time of the
      // sale; before, the one that owns it, now (a channel past its end date no longer covers its stock).
      let party = item.state.owner;
      let time = ctx.time;
      if (party.startsWith('acct:')) {
        const sale = items.history(ctx.state, item).findLast((e) => e.bizStep === 'selling');
        if (sale === undefined) return { code: ctx.params.code, channel: 'outside-channel', org: null };
        party = sale.by;
        time = sale.time;
      }
      const org = party.slice('org:'.length);
      const producer = item.product.producer;
      if (org === producer) return { code: ctx.params.code, channel: 'direct', org };
      const authorised = distribution.isAuthorised(ctx.state, {
        producer,
        org,
        sku: item.product.sku,
        time,
        ...(ctx.params.region === undefined ? {} : { region: ctx.params.region }),
      });
      return { code: ctx.params.code, channel: authorised ? 'authorised' : 'outside-channel', org };
    },
  };

  return [channels, shipment, shipments, provenance];
}

/**
 * From one verified block to the SQL that writes it: the block, its transactions and events as they are,
 * and the commerce entities they touched, each read from the state after the block (proven) and decoded
 * with the state machine's own store codecs. Which entities a block touched comes from its events and
 * its transactions' parameters; what they are comes from state, so the index never re-implements a
 * module's rules (an order's status, a listing's terms, an item's holder are what the chain says).
 */
import { bytesToHex, toJsonValue } from '@hanglian/core';
import {
  batchStore,
  channelStore,
  identityStore,
  implementationStore,
  insightsParamsStore,
  itemStore,
  listingStore,
  orderStore,
  productStore,
  reviewStore,
  type Store,
  sessionStore,
  shipmentStore,
} from '@hanglian/state-machine';
import type { BlockSource, VerifiedBlock } from '../follow/source.js';

export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

type EventView = VerifiedBlock['results']['blockEvents'][number];

/** An event with where it came from: a transaction (its index) or the block's hooks (-1). */
interface LocatedEvent {
  readonly txIdx: number;
  readonly idx: number;
  readonly event: EventView;
}

/** The kinds of entity the index keeps, each one store of a module. */
const ENTITY_STORES = {
  product: productStore,
  batch: batchStore,
  item: itemStore,
  listing: listingStore,
  session: sessionStore,
  channel: channelStore,
  shipment: shipmentStore,
  order: orderStore,
  review: reviewStore,
  implementation: implementationStore,
} as const satisfies Record<string, Store<unknown>>;
type EntityKind = keyof typeof ENTITY_STORES;

const ITEM_CODE = /^([a-z0-9][a-z0-9._-]{0,63}):([a-z0-9][a-z0-9._-]{0,31}):([1-9][0-9]{0,8})$/;

/** Item codes an order event may move: an order names at most 100 items. */
const MAX_ITEM_READS_PER_SELECTION = 500;

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

interface ItemSelection {
  readonly codes?: string[];
  readonly range?: { sku: string; batch: string; from: number; to: number };
}

function selectionOf(value: unknown): ItemSelection | undefined {
  const v = record(value);
  if (Array.isArray(v.codes)) return { codes: v.codes.filter((c): c is string => typeof c === 'string') };
  const r = record(v.range);
  if (typeof r.sku === 'string' && typeof r.batch === 'string' && typeof r.from === 'number') {
    return { range: { sku: r.sku, batch: r.batch, from: r.from, to: Number(r.to) } };
  }
  return undefined;
}

/** What the writer needs to know besides the block: organisations of submitters seen before. */
export interface ProjectionContext {
  readonly source: BlockSource;
  /** Address → organisation, filled as submitters are met. */
  readonly orgOf: Map<string, string>;
  /** Most state reads in flight at once. */
  readonly readConcurrency: number;
  /** Whether the chain's calendar is recorded yet (it is fixed at genesis: read once). */
  calendarKnown: boolean;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The SQL of one block: rows of the block, its transactions, events and touched entities. */
export async function projectBlock(block: VerifiedBlock, ctx: ProjectionContext): Promise<Statement[]> {
  const h = block.height;
  const time = block.header.time;
  const out: Statement[] = [];
  const touched = new Map<string, { kind: EntityKind; id: string }>();
  const touch = (kind: EntityKind, id: string | undefined) => {
    if (id !== undefined && id !== '') touched.set(`${kind}\u0000${id}`, { kind, id });
  };
  const touchSelection = (selection: ItemSelection | undefined) => {
    if (selection?.codes !== undefined)
      for (const code of selection.codes.slice(0, MAX_ITEM_READS_PER_SELECTION)) touch('item', code);
  };

  // Submitters' organisations, read once per address from the identity module's state.
  const unknown = [...new Set(block.txs.map((tx) => tx.submitter))].filter((a) => !ctx.orgOf.has(a));
  const identities = await mapLimit(unknown, ctx.readConcurrency, async (address) => {
    const value = await ctx.source.stateAt(`identity/identities/${address}`, block.header);
    return { address, org: value === null ? undefined : identityStore.codec.decodeStored(value).org };
  });
  for (const { address, org } of identities) {
    if (org === undefined) continue;
    ctx.orgOf.set(address, org);
    out.push({
      sql: 'INSERT INTO identities (address, org) VALUES ($1, $2) ON CONFLICT (address) DO NOTHING',
      params: [address, org],
    });
  }

  if (!ctx.calendarKnown) {
    const bytes = await ctx.source.stateAt('insights/params/current', block.header);
    const params = bytes === null ? undefined : insightsParamsStore.codec.decodeStored(bytes);
    out.push({
      sql: `INSERT INTO chain_calendar (id, utc_offset_minutes, dev_month_ms, dev_epoch) VALUES (1, $1, $2, $3)
            ON CONFLICT (id) DO NOTHING`,
      params: [
        params?.utcOffsetMinutes ?? 480,
        params?.devCalendar?.monthMs ?? null,
        params?.devCalendar?.epoch ?? null,
      ],
    });
    ctx.calendarKnown = true;
  }

  out.push({
    sql: `INSERT INTO blocks (height, hash, time_ms, proposer, tx_count, state_root, signatures)
          VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    params: [
      h,
      block.hash,
      time,
      block.header.proposer,
      block.txs.length,
      bytesToHex(block.header.stateRoot),
      block.signatures,
    ],
  });

  const events: LocatedEvent[] = [];
  block.txs.forEach((tx, i) => {
    const result = block.results.txResults[i]!;
    out.push({
      sql: `INSERT INTO txs (id, height, idx, time_ms, module, command, submitter, org, actors, nonce, code,
              message, gas_used, params, memo)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15)`,
      params: [
        bytesToHex(tx.id),
        h,
        i,
        time,
        tx.body.module,
        tx.body.command,
        tx.submitter,
        ctx.orgOf.get(tx.submitter) ?? null,
        [...tx.actors],
        tx.body.nonce,
        result.code,
        result.message,
        result.gasUsed,
        JSON.stringify(toJsonValue(tx.body.params)),
        tx.body.memo ?? null,
      ],
    });
    result.events.forEach((event, idx) => {
      events.push({ txIdx: i, idx, event });
    });
  });
  block.results.blockEvents.forEach((event, idx) => {
    events.push({ txIdx: -1, idx, event });
  });

  for (const { txIdx, idx, event } of events) {
    out.push({
      sql: `INSERT INTO events (height, tx_idx, idx, module, name, topics, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      params: [h, txIdx, idx, event.module, event.name, event.topics, JSON.stringify(event.data ?? null)],
    });
  }

  // Which entities the block touched, and the item and order history it wrote.
  const orderCodes = new Map<string, string[]>();
  const settledShipments = new Set<string>();
  for (const { txIdx, idx, event } of events) {
    const data = record(event.data);
    const tx = txIdx >= 0 ? block.txs[txIdx] : undefined;
    const params = record(tx?.body.params);
    const by = tx === undefined ? null : (ctx.orgOf.get(tx.submitter) ?? null);
    const itemEvent = (
      bizStep: string,
      selection: ItemSelection | undefined,
      count: number,
      ref: string | null,
    ) => {
      const range = selection?.range;
      out.push({
        sql: `INSERT INTO item_events (height, tx_idx, idx, biz_step, by_org, sku, batch, serial_from, serial_to,
                codes, count, ref, time_ms)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        params: [
          h,
          txIdx,
          idx,
          bizStep,
          by,
          range?.sku ?? null,
          range?.batch ?? null,
          range?.from ?? null,
          range?.to ?? null,
          selection?.codes ?? null,
          count,
          ref,
          time,
        ],
      });
    };
    switch (`${event.module}.${event.name}`) {
      case 'items.productRegistered':
        touch('product', text(data.sku));
        break;
      case 'items.batchMinted':
      case 'items.batchRecalled': {
        const sku = text(data.sku);
        const batch = text(data.batch);
        if (sku !== undefined && batch !== undefined) {
          touch('batch', `${sku}/${batch}`);
          const count = Number(data.count ?? 0);
          itemEvent(
            event.name === 'batchMinted' ? 'commissioning' : 'recalling',
            { range: { sku, batch, from: 1, to: count } },
            count,
            text(data.reason) ?? null,
          );
        }
        break;
      }
      case 'items.traceRecorded': {
        const selection = selectionOf(params.items);
        touchSelection(selection);
        itemEvent(
          text(data.bizStep) ?? 'unknown',
          selection,
          Number(data.count ?? 0),
          text(params.why) ?? null,
        );
        break;
      }
      case 'catalog.listingCreated':
      case 'catalog.listingUpdated':
        touch('listing', text(data.id));
        break;
      case 'catalog.sessionCreated':
        touch('session', text(data.id));
        break;
      case 'distribution.channelAuthorised':
      case 'distribution.channelRevoked':
        touch('channel', `${text(data.producer)}/${text(data.org)}`);
        break;
      case 'distribution.shipped': {
        touch('shipment', text(data.shipment));
        const selection = selectionOf(params.items);
        touchSelection(selection);
        itemEvent('shipping', selection, Number(data.count ?? 0), text(data.shipment) ?? null);
        break;
      }
      case 'distribution.received':
      case 'distribution.refused':
        touch('shipment', text(data.shipment));
        if (text(data.shipment) !== undefined) settledShipments.add(text(data.shipment)!);
        itemEvent(
          event.name === 'received' ? 'receiving' : 'returning',
          undefined,
          Number(data.count ?? 0),
          text(data.shipment) ?? null,
        );
        break;
      case 'reviews.reviewed':
      case 'reviews.replied':
        touch('review', text(data.order));
        break;
      case 'registry.implementationRegistered':
        touch('implementation', text(data.id));
        break;
      case 'registry.called': {
        const implementation = text(data.implementation);
        if (implementation !== undefined) out.push(implementationUse(implementation, 'call', h));
        break;
      }
      default:
        break;
    }
    if (event.module === 'orders' && typeof data.order === 'string') {
      const order = data.order;
      touch('order', order);
      if (event.name === 'created') {
        const codes = Array.isArray(data.codes)
          ? data.codes.filter((c): c is string => typeof c === 'string')
          : [];
        orderCodes.set(order, codes);
        const impl = record(data.implementations);
        for (const kind of ['payment', 'logistics', 'inventory'] as const) {
          const id = text(impl[kind]);
          if (id !== undefined) out.push(implementationUse(id, 'order', h));
        }
      }
      if (event.name !== 'deadlineFailed' && event.name !== 'payeeSet') {
        out.push({
          sql: `INSERT INTO order_steps (order_id, height, tx_idx, event_idx, step, status, by, time_ms)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          params: [
            order,
            h,
            txIdx,
            idx,
            event.name,
            text(data.status) ?? (event.name === 'created' ? 'created' : 'unknown'),
            text(data.by) === 'deadline' ? 'deadline' : by,
            time,
          ],
        });
      }
    }
  }

  // Read every touched entity as the block left it (proven), orders first: their items follow.
  const refs = [...touched.values()];
  const values = await mapLimit(refs, ctx.readConcurrency, async (ref) => {
    const store = ENTITY_STORES[ref.kind] as Store<unknown>;
    const bytes = await ctx.source.stateAt(`${store.module}/${store.name}/${ref.id}`, block.header);
    return bytes === null ? null : store.codec.decodeStored(bytes);
  });
  // Items an order or a settled shipment moved: read after it, from the codes its state names.
  const orderItemReads: string[] = [];
  refs.forEach((ref, i) => {
    let codes: readonly string[] = [];
    if (ref.kind === 'order') {
      codes = (values[i] as { codes?: string[] } | null)?.codes ?? orderCodes.get(ref.id) ?? [];
    } else if (ref.kind === 'shipment' && settledShipments.has(ref.id)) {
      codes =
        selectionOf((values[i] as { items?: unknown } | null)?.items)?.codes?.slice(
          0,
          MAX_ITEM_READS_PER_SELECTION,
        ) ?? [];
    }
    for (const code of codes) if (!touched.has(`item\u0000${code}`)) orderItemReads.push(code);
  });
  const itemValues = await mapLimit([...new Set(orderItemReads)], ctx.readConcurrency, async (code) => {
    const bytes = await ctx.source.stateAt(`items/items/${code}`, block.header);
    return { code, value: bytes === null ? null : itemStore.codec.decodeStored(bytes) };
  });
  refs.forEach((ref, i) => {
    out.push(...entityRows(ref.kind, ref.id, values[i], h, time));
  });
  for (const { code, value } of itemValues) out.push(...entityRows('item', code, value, h, time));
  return out;
}

function implementationUse(implementation: string, kind: 'call' | 'order', height: number): Statement {
  return {
    sql: `INSERT INTO implementation_uses (implementation, kind, uses, last_height) VALUES ($1, $2, 1, $3)
          ON CONFLICT (implementation, kind) DO UPDATE SET uses = implementation_uses.uses + 1, last_height = $3`,
    params: [implementation, kind, height],
  };
}

/** The upsert (or delete, for a key the block removed) of one entity. */
function entityRows(kind: EntityKind, id: string, value: unknown, h: number, time: number): Statement[] {
  const v = value as Record<string, any> | null;
  switch (kind) {
    case 'product':
      if (v === null) return [{ sql: 'DELETE FROM products WHERE sku = $1', params: [id] }];
      return [
        {
          sql: `INSERT INTO products (sku, producer, name, category, factory_price, attributes, registered_height)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
                ON CONFLICT (sku) DO UPDATE SET producer = $2, name = $3, category = $4, factory_price = $5,
                  attributes = $6::jsonb, registered_height = $7`,
          params: [
            v.sku,
            v.producer,
            v.name,
            v.category,
            v.factoryPrice,
            JSON.stringify(v.attributes),
            v.registeredAt,
          ],
        },
        // A listing made before its product was indexed gets the product's words for search.
        {
          sql: `UPDATE listings SET category = $2, producer = $3,
                  search = lower(title || ' ' || $4 || ' ' || $2 || ' ' || sku || ' ' || merchant)
                WHERE sku = $1`,
          params: [v.sku, v.category, v.producer, v.name],
        },
      ];
    case 'batch': {
      const [sku, batch] = splitOnce(id);
      if (v === null)
        return [{ sql: 'DELETE FROM batches WHERE sku = $1 AND batch = $2', params: [sku, batch] }];
      return [
        {
          sql: `INSERT INTO batches (sku, batch, count, site, minted_height, recalled, recall_reason)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (sku, batch) DO UPDATE SET count = $3, site = $4, minted_height = $5, recalled = $6,
                  recall_reason = $7`,
          params: [v.sku, v.batch, v.count, v.site, v.mintedAt, v.recalled, v.recallReason ?? null],
        },
      ];
    }
    case 'item': {
      const match = ITEM_CODE.exec(id);
      if (match === null) return [];
      if (v === null) return [{ sql: 'DELETE FROM items WHERE code = $1', params: [id] }];
      return [
        {
          sql: `INSERT INTO items (code, sku, batch, serial, owner, custodian, status, updated_height)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (code) DO UPDATE SET owner = $5, custodian = $6, status = $7, updated_height = $8`,
          params: [id, match[1], match[2], Number(match[3]), v.owner, v.custodian, v.status, h],
        },
      ];
    }
    case 'listing':
      if (v === null) return [{ sql: 'DELETE FROM listings WHERE id = $1', params: [id] }];
      return [
        {
          sql: `INSERT INTO listings (id, merchant, sku, title, price, carriers, ships_to, ships_from, return_days,
                  restocking_fee_bps, host_commission_bps, inventory, status, created_height, updated_height,
                  category, producer, search)
                SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, p.category, p.producer,
                  lower($4 || ' ' || coalesce(p.name, '') || ' ' || coalesce(p.category, '') || ' ' || $3 || ' ' || $2)
                FROM (SELECT 1) one LEFT JOIN products p ON p.sku = $3
                ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, price = EXCLUDED.price,
                  carriers = EXCLUDED.carriers, ships_to = EXCLUDED.ships_to, ships_from = EXCLUDED.ships_from,
                  return_days = EXCLUDED.return_days, restocking_fee_bps = EXCLUDED.restocking_fee_bps,
                  host_commission_bps = EXCLUDED.host_commission_bps, inventory = EXCLUDED.inventory,
                  status = EXCLUDED.status, updated_height = EXCLUDED.updated_height,
                  category = EXCLUDED.category, producer = EXCLUDED.producer, search = EXCLUDED.search`,
          params: [
            v.id,
            v.merchant,
            v.sku,
            v.title,
            v.price,
            v.carriers,
            v.shipsTo,
            v.shipsFrom ?? null,
            v.returnPolicy.days,
            v.returnPolicy.restockingFeeBps,
            v.hostCommissionBps,
            v.inventory ?? null,
            v.status,
            v.createdAt,
            v.updatedAt,
          ],
        },
      ];
    case 'session':
      if (v === null) return [{ sql: 'DELETE FROM sessions WHERE id = $1', params: [id] }];
      return [
        {
          sql: `INSERT INTO sessions (id, host, title, starts_at, ends_at, featured) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
                ON CONFLICT (id) DO UPDATE SET title = $3, starts_at = $4, ends_at = $5, featured = $6::jsonb`,
          params: [v.id, v.host, v.title, v.startsAt, v.endsAt, JSON.stringify(v.featured)],
        },
      ];
    case 'channel': {
      const [producer, org] = splitOnce(id);
      if (v === null)
        return [
          {
            sql: 'UPDATE channels SET active = false WHERE producer = $1 AND org = $2',
            params: [producer, org],
          },
        ];
      return [
        {
          sql: `INSERT INTO channels (producer, org, skus, regions, until_ms, granted_height, active)
                VALUES ($1, $2, $3, $4, $5, $6, true)
                ON CONFLICT (producer, org) DO UPDATE SET skus = $3, regions = $4, until_ms = $5, granted_height = $6,
                  active = true`,
          params: [v.producer, v.org, v.skus, v.regions, v.until, v.grantedAt],
        },
      ];
    }
    case 'shipment':
      if (v === null) return [];
      return [
        {
          sql: `INSERT INTO shipments (sender, id, receiver, items, count, status, sent_height, settled_height, sent_ms)
                VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9)
                ON CONFLICT (sender, id) DO UPDATE SET status = $6, settled_height = $8`,
          params: [
            v.from,
            v.id,
            v.to,
            JSON.stringify(v.items),
            v.count,
            v.status,
            v.sentAt,
            v.settledAt ?? null,
            time,
          ],
        },
      ];
    case 'order': {
      if (v === null) return [];
      const c = v.composition as Record<string, number>;
      return [
        {
          sql: `INSERT INTO orders (id, buyer, gateway, listing, merchant, sku, quantity, unit_price, codes, payment_impl,
                  logistics_impl, inventory_impl, payment_provider, carrier, platform, arbiter, host, session,
                  from_region, buyer_region, goods, total, composition, status, reason, payouts, created_ms, ended_ms,
                  created_height, updated_height)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                  $22, $23::jsonb, $24, $25, $26::jsonb, $27, $28, $29, $29)
                ON CONFLICT (id) DO UPDATE SET codes = $9, status = $24, reason = $25, payouts = $26::jsonb,
                  ended_ms = $28, updated_height = $29`,
          params: [
            v.id,
            v.buyer,
            v.gateway,
            v.listing,
            v.merchant,
            v.sku,
            v.quantity,
            v.unitPrice,
            v.codes,
            v.implementations.payment,
            v.implementations.logistics,
            v.implementations.inventory ?? null,
            v.paymentProvider,
            v.carrier,
            v.platform,
            v.arbiter,
            v.host ?? null,
            v.session ?? null,
            v.fromRegion,
            v.buyerRegion,
            c.goods ?? v.unitPrice * v.quantity,
            c.total ?? 0,
            JSON.stringify(c),
            v.status,
            v.reason ?? null,
            v.payouts === undefined ? null : JSON.stringify(v.payouts),
            v.createdAt,
            v.endedAt ?? null,
            h,
          ],
        },
      ];
    }
    case 'review':
      if (v === null) return [];
      return [
        {
          sql: `INSERT INTO reviews (order_id, listing, merchant, sku, rating, text, written_height, reply, replied_height)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (order_id) DO UPDATE SET reply = $8, replied_height = $9`,
          params: [
            v.order,
            v.listing,
            v.merchant,
            v.sku,
            v.rating,
            v.text,
            v.writtenAt,
            v.reply?.text ?? null,
            v.reply?.writtenAt ?? null,
          ],
        },
      ];
    case 'implementation':
      if (v === null) return [];
      return [
        {
          sql: `INSERT INTO implementations (id, standard, org, code_hash, display_name, registered_height)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (id) DO UPDATE SET standard = $2, org = $3, code_hash = $4, display_name = $5`,
          params: [v.id, v.standard, v.org, v.codeHash, v.displayName, v.registeredAt],
        },
      ];
  }
}

function splitOnce(id: string): [string, string] {
  const slash = id.indexOf('/');
  return [id.slice(0, slash), id.slice(slash + 1)];
}

/**
 * Items across linked chains (items README, "Items across chains"): the owner sends item codes to an
 * organisation of another chain. Here they become `abroad` (locked: nothing moves them) and a packet
 * carries their product, batch and history length; there they appear, owned by the receiver, with an
 * event that names where they came from, in a batch marked with its origin (only the codes that arrived
 * exist there). A refused or timed-out packet brings them back in stock here; sent back, they leave the
 * other chain `abroad` and come home. So a code is live on one chain at a time, or on none in transit.
 */
import { bytesToHex, ChainIdSchema, HanglianError, IdentifierSchema, UintSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ExecutionErrors } from '../../framework/errors.js';
import type { Command, CommandContext } from '../../framework/module.js';
import type { StateWriter } from '../../framework/state.js';
import type {
  InterchainAcknowledgeContext,
  InterchainApp,
  InterchainReceiveContext,
} from '../interchain/expected.js';
import type { InterchainMethod } from '../interchain/method.js';
import { ItemsErrors } from './errors.js';
import { ItemsEvents } from './events.js';
import type { IdentityForItems } from './expected.js';
import type { ItemsMethod, ResolvedItem } from './method.js';
import {
  BatchIdSchema,
  batchStore,
  ITEMS_MODULE,
  ItemCodeSchema,
  type ItemState,
  orgParty,
  parseItemCode,
  productStore,
  productsByProducerStore,
  SkuSchema,
} from './stores.js';

/** Codes one packet carries (a packet is at most 8 KiB). */
export const MAX_CODES_ACROSS = 50;

const ProductInfoSchema = Type.Object(
  {
    sku: SkuSchema,
    producer: IdentifierSchema,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    category: Type.String({ minLength: 1, maxLength: 64 }),
    factoryPrice: UintSchema,
  },
  { additionalProperties: false },
);

/** The payload of an items packet (`sourceModule` and `destModule` both `items`). */
export const ItemsPacketSchema = Type.Object(
  {
    type: Type.Literal('items'),
    /** The sending organisation on the source chain, and the receiving one on the destination. */
    from: IdentifierSchema,
    to: IdentifierSchema,
    items: Type.Array(
      Type.Object(
        {
          code: ItemCodeSchema,
          /** Events the item had on the source chain: its history there, to read with a proof. */
          events: UintSchema,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_CODES_ACROSS },
    ),
    products: Type.Array(ProductInfoSchema, { maxItems: MAX_CODES_ACROSS }),
    batches: Type.Array(
      Type.Object(
        { sku: SkuSchema, batch: BatchIdSchema, site: Type.String({ maxLength: 128 }) },
        { additionalProperties: false },
      ),
      { maxItems: MAX_CODES_ACROSS },
    ),
  },
  { additionalProperties: false },
);
export type ItemsPacket = Static<typeof ItemsPacketSchema>;
const checkPacket = TypeCompiler.Compile(ItemsPacketSchema);

export const SendAcrossParamsSchema = Type.Object(
  {
    codes: Type.Array(ItemCodeSchema, { minItems: 1, maxItems: MAX_CODES_ACROSS, uniqueItems: true }),
    destChain: ChainIdSchema,
    /** The organisation on the destination chain that receives them. */
    to: IdentifierSchema,
    timeoutHeight: Type.Optional(UintSchema),
    timeoutTime: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);
export type SendAcrossParams = Static<typeof SendAcrossParamsSchema>;

/**
 * The owner (and holder) of items in stock sends them to an organisation of a linked chain: they turn
 * `abroad` here at once (trace `shipping`), and a packet takes them there.
 */
export class SendAcrossCommand implements Command<typeof SendAcrossParamsSchema> {
  readonly name = 'sendAcross';
  readonly summary =
    'Send items you own and hold to an organisation of a linked chain; locked here while they live there.';
  readonly paramsSchema = SendAcrossParamsSchema;
  readonly #identity: IdentityForItems;
  readonly #items: ItemsMethod;
  readonly #interchain: Pick<InterchainMethod, 'sendPacket'>;

  constructor(
    identity: IdentityForItems,
    items: ItemsMethod,
    interchain: Pick<InterchainMethod, 'sendPacket'>,
  ) {
    this.#identity = identity;
    this.#items = items;
    this.#interchain = interchain;
  }

  execute(ctx: CommandContext<SendAcrossParams>): void {
    const p = ctx.params;
    const org = this.#identity.orgOf(ctx.state, ctx.tx.submitter);
    if (org === undefined)
      throw new HanglianError(ExecutionErrors.TX_FORBIDDEN, 'the submitter belongs to no organisation');
    const party = orgParty(org);
    const resolved = p.codes.map((code) => this.#items.resolve(ctx.state, code));
    for (const item of resolved) {
      if (item.state.owner !== party || item.state.custodian !== party || item.state.status !== 'in-stock') {
        throw new HanglianError(
          ItemsErrors.ITEMS_NOT_MOVABLE,
          `${item.code} is not in stock, owned and held by ${org}`,
          { details: { code: item.code, status: item.state.status } },
        );
      }
      if (item.batch.recalled)
        throw new HanglianError(ItemsErrors.ITEMS_RECALLED, `${item.code}'s batch is recalled`);
    }
    const products = new Map(resolved.map((i) => [i.product.sku, i.product]));
    const batches = new Map(resolved.map((i) => [`${i.batch.sku}/${i.batch.batch}`, i.batch]));
    const payload: ItemsPacket = {
      type: 'items',
      from: org,
      to: p.to,
      items: resolved.map((i) => ({ code: i.code, events: i.state.events })),
      products: [...products.values()].map((x) => ({
        sku: x.sku,
        producer: x.producer,
        name: x.name,
        category: x.category,
        factoryPrice: x.factoryPrice,
      })),
      batches: [...batches.values()].map((b) => ({ sku: b.sku, batch: b.batch, site: b.site })),
    };
    const packet = this.#interchain.sendPacket(ctx.state, ctx.block, {
      destChain: p.destChain,
      sourceModule: ITEMS_MODULE,
      destModule: ITEMS_MODULE,
      sender: { org, address: ctx.tx.submitter },
      payload,
      timeoutHeight: p.timeoutHeight ?? 0,
      timeoutTime: p.timeoutTime ?? 0,
    });
    const why = `interchain ${p.destChain}/${packet.sequence}`;
    for (const item of resolved) {
      this.#items.apply(
        ctx.state,
        item,
        { status: 'abroad' },
        {
          bizStep: 'shipping',
          time: ctx.block.time,
          height: ctx.block.height,
          where: `chain ${p.destChain}`,
          why,
          by: party,
          source: party,
          destination: orgParty(p.to),
          txId: bytesToHex(ctx.tx.id),
        },
      );
    }
    ctx.emit(
      ItemsEvents.sentAcross,
      {
        destChain: p.destChain,
        sequence: packet.sequence,
        to: p.to,
        count: resolved.length,
        first: p.codes[0],
      },
      [org, p.destChain],
    );
  }
}

/** Takes items arriving from linked chains, and brings back items whose packet did not arrive. */
export class ItemsInterchainApp implements InterchainApp {
  readonly #items: ItemsMethod;
  readonly #organisationIsActive: (state: StateWriter, org: string) => boolean;

  constructor(items: ItemsMethod, organisationIsActive: (state: StateWriter, org: string) => boolean) {
    this.#items = items;
    this.#organisationIsActive = organisationIsActive;
  }

  onReceive(ctx: InterchainReceiveContext): void {
    const { packet } = ctx;
    if (!checkPacket.Check(packet.payload)) {
      throw new HanglianError(ItemsErrors.ITEMS_BAD_TRANSFER, 'expected an items packet (items README)');
    }
    const payload = packet.payload;
    if (packet.sender.org !== payload.from || !this.#organisationIsActive(ctx.state, payload.to)) {
      throw new HanglianError(
        ItemsErrors.ITEMS_BAD_TRANSFER,
        `${payload.to} is not an active organisation here, or the sender is not ${payload.from}`,
      );
    }
    const receiver = orgParty(payload.to);
    const source = packet.sourceChain;
    for (const info of payload.products) {
      if (productStore.has(ctx.state, info.sku)) continue;
      productStore.set(ctx.state, info.sku, {
        ...info,
        attributes: {},
        registeredAt: ctx.block.height,
        origin: source,
      });
      productsByProducerStore.set(ctx.state, `${info.producer}/${info.sku}`, {});
    }
    for (const { code, events } of payload.items) {
      const parsed = parseItemCode(code)!;
      const batchKey = `${parsed.sku}/${parsed.batch}`;
      const batch = batchStore.get(ctx.state, batchKey);
      if (batch === undefined) {
        const site =
          payload.batches.find((b) => b.sku === parsed.sku && b.batch === parsed.batch)?.site ?? '';
        batchStore.set(ctx.state, batchKey, {
          sku: parsed.sku,
          batch: parsed.batch,
          count: parsed.serial,
          site,
          mintedAt: ctx.block.height,
          recalled: false,
          origin: source,
        });
      } else if (batch.origin !== undefined && parsed.serial > batch.count) {
        batchStore.set(ctx.state, batchKey, { ...batch, count: parsed.serial });
      }
      const found = this.#items.find(ctx.state, code);
      if (found !== undefined && found.state.status !== 'abroad') {
        throw new HanglianError(ItemsErrors.ITEMS_LIVE_HERE, `${code} is live on this chain already`, {
          details: { code },
        });
      }
      // A code arriving for the first time starts its life here as if it had been abroad.
      const item: ResolvedItem = found ?? {
        code,
        product: productStore.get(ctx.state, parsed.sku)!,
        batch: batchStore.get(ctx.state, batchKey)!,
        serial: parsed.serial,
        state: { owner: receiver, custodian: receiver, status: 'abroad', events: 0 } satisfies ItemState,
      };
      this.#items.apply(
        ctx.state,
        item,
        { owner: receiver, custodian: receiver, status: 'in-stock' },
        {
          bizStep: 'receiving',
          time: ctx.block.time,
          height: ctx.block.height,
          where: `from chain ${source}`,
          why: `interchain ${source}/${packet.sequence} (${events} events there)`,
          by: receiver,
          source: orgParty(payload.from),
          destination: receiver,
          txId: ctx.txId,
        },
        { acrossChains: true },
      );
    }
    ctx.emit(
      ItemsEvents.receivedAcross,
      { sourceChain: source, sequence: packet.sequence, to: payload.to, count: payload.items.length },
      [payload.to, source],
    );
  }

  onAcknowledge(ctx: InterchainAcknowledgeContext): void {
    if (ctx.receipt.status === 'delivered') return;
    const payload = ctx.packet.payload as ItemsPacket;
    const owner = orgParty(payload.from);
    for (const { code } of payload.items) {
      const item = this.#items.find(ctx.state, code);
      if (item === undefined || item.state.status !== 'abroad') continue;
      this.#items.apply(
        ctx.state,
        item,
        { owner, custodian: owner, status: 'in-stock' },
        {
          bizStep: 'receiving',
          time: ctx.block.time,
          height: ctx.block.height,
          where: `back from chain ${ctx.packet.destChain}`,
          why: `interchain ${ctx.packet.destChain}/${ctx.packet.sequence} ${ctx.receipt.status}: ${ctx.receipt.code}`,
          by: owner,
          destination: owner,
          txId: bytesToHex(ctx.receipt.packetHash),
        },
        { acrossChains: true },
      );
    }
    ctx.emit(
      ItemsEvents.returnedAcross,
      {
        destChain: ctx.packet.destChain,
        sequence: ctx.packet.sequence,
        status: ctx.receipt.status,
        code: ctx.receipt.code,
        count: payload.items.length,
      },
      [payload.from, ctx.packet.destChain],
    );
  }
}

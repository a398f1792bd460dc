import {
  AddressSchema,
  bytesToHex,
  HanglianError,
  IdentifierSchema,
  sealedEnvelopeCodec,
  sealedEnvelopeProblem,
  UintSchema,
} from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import type { StateReader } from '../../../framework/state.js';
import type { Listing } from '../../catalog/stores.js';
import { regionsCover } from '../../distribution/method.js';
import { RegionSchema } from '../../distribution/stores.js';
import { accountParty, orgParty } from '../../items/stores.js';
import { composeOrder } from '../composition.js';
import { badAnswer, isRecord, type StandardCaller } from '../contracts.js';
import { OrdersErrors } from '../errors.js';
import { type CreatedData, OrdersEvents } from '../events.js';
import type { CatalogForOrders, IdentityForOrders, ItemsForOrders } from '../expected.js';
import type { OrderLifecycle, StepContext } from '../lifecycle.js';
import {
  type Composition,
  deliveryStore,
  ImplementationRefSchema,
  INVENTORY_STANDARD,
  LOGISTICS_STANDARD,
  linkedLogisticsStore,
  MAX_DELIVERY_DETAILS_BYTES,
  MAX_ORDER_QUANTITY,
  type Order,
  orderStore,
  ordersParameters,
  orderWindows,
  PAYMENT_STANDARD,
} from '../stores.js';

export const CreateOrderParamsSchema = Type.Object(
  {
    /** The consumer's one-time order key (its address); it must sign the transaction as an actor. */
    buyer: AddressSchema,
    listing: Type.String({ minLength: 3, maxLength: 200 }),
    quantity: Type.Integer({ minimum: 1, maximum: MAX_ORDER_QUANTITY }),
    payment: ImplementationRefSchema,
    logistics: ImplementationRefSchema,
    /** The platform that referred the consumer (paid the platform fee). */
    platform: IdentifierSchema,
    /** A live session of a host featuring this listing (the host is paid a commission if it is running). */
    session: Type.Optional(Type.String({ minLength: 3, maxLength: 200 })),
    arbiter: IdentifierSchema,
    buyerRegion: RegionSchema,
    /**
     * Delivery details as the SDK sealed them (core `types/sealed.ts`): to the carrier's registered key,
     * and the merchant's if it must read them. The form and the recipients are checked; the content is
     * never read here.
     */
    delivery: Type.Uint8Array({ maxByteLength: MAX_DELIVERY_DETAILS_BYTES }),
    weightGrams: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    /**
     * The most the buyer agrees to pay, signed by the order key: the order fails when the total the
     * implementations compute (goods + the carrier's quote) exceeds it. Wallets set the total they showed.
     */
    maxTotal: UintSchema,
    /** The unit price the buyer saw; the order fails if the listing's price is not this any more. */
    unitPrice: Type.Optional(UintSchema),
    /** The most the buyer accepts for shipping; the order fails if the carrier quotes more. */
    maxShipping: Type.Optional(UintSchema),
  },
  { additionalProperties: false },
);
export type CreateOrderParams = Static<typeof CreateOrderParamsSchema>;

/**
 * An order: the merchant's inventory implementation (or FIFO) picks the items, the carrier's logistics
 * implementation quotes shipping, the payment implementation prices its fee, and the composition is fixed
 * here, from the listing's price, once and for all. The items are reserved; nothing is paid yet.
 */
export class CreateOrderCommand implements Command<typeof CreateOrderParamsSchema> {
  readonly name = 'create';
  readonly summary =
    'Place an order (a gateway submits, the order key co-signs): reserves items and fixes the price composition.';
  readonly paramsSchema = CreateOrderParamsSchema;
  readonly #identity: IdentityForOrders;
  readonly #items: ItemsForOrders;
  readonly #catalog: CatalogForOrders;
  readonly #standards: StandardCaller;
  readonly #lifecycle: OrderLifecycle;

  constructor(
    identity: IdentityForOrders,
    items: ItemsForOrders,
    catalog: CatalogForOrders,
    standards: StandardCaller,
    lifecycle: OrderLifecycle,
  ) {
    this.#identity = identity;
    this.#items = items;
    this.#catalog = catalog;
    this.#standards = standards;
    this.#lifecycle = lifecycle;
  }

  execute(ctx: CommandContext<CreateOrderParams>): void {
    const p = ctx.params;
    const { state } = ctx;
    const gatewayOrg = this.#identity.orgOf(state, ctx.tx.submitter);
    if (
      gatewayOrg === undefined ||
      !(
        this.#identity.orgHasRole(state, gatewayOrg, 'platform') ||
        this.#identity.orgHasRole(state, gatewayOrg, 'payment')
      )
    ) {
      throw new HanglianError(
        OrdersErrors.ORDERS_NOT_GATEWAY,
        'orders come through a platform or payment gateway',
      );
    }
    if (p.buyer === ctx.tx.submitter || !ctx.signedBy(p.buyer)) {
      throw new HanglianError(OrdersErrors.ORDERS_NOT_BUYER, 'the order key must co-sign the order');
    }
    const listing = this.#catalog.getListing(state, p.listing);
    if (listing === undefined || listing.status !== 'active') {
      throw new HanglianError(OrdersErrors.ORDERS_LISTING_UNAVAILABLE, `listing ${p.listing} is not on sale`);
    }
    if (listing.shipsFrom === undefined) {
      throw new HanglianError(OrdersErrors.ORDERS_LISTING_NO_ORIGIN, `listing ${p.listing} has no shipsFrom`);
    }
    if (listing.shipsTo.length > 0 && !regionsCover(listing.shipsTo, p.buyerRegion)) {
      throw new HanglianError(
        OrdersErrors.ORDERS_REGION_NOT_SERVED,
        `${p.listing} does not ship to ${p.buyerRegion}`,
      );
    }
    if (!this.#identity.orgHasRole(state, p.platform, 'platform')) {
      throw new HanglianError(OrdersErrors.ORDERS_NOT_PLATFORM, `${p.platform} is not an active platform`);
    }
    if (!this.#identity.orgHasRole(state, p.arbiter, 'arbiter')) {
      throw new HanglianError(OrdersErrors.ORDERS_NOT_ARBITER, `${p.arbiter} is not an active arbiter`);
    }
    const payment = this.#standards.implementation(ctx, p.payment, PAYMENT_STANDARD);
    if (!this.#identity.orgHasRole(state, payment.org, 'payment')) {
      throw new HanglianError(
        OrdersErrors.ORDERS_NOT_PAYMENT_PROVIDER,
        `${payment.org} is not a payment provider`,
      );
    }
    const logistics = this.#standards.implementation(ctx, p.logistics, LOGISTICS_STANDARD);
    if (
      !listing.carriers.includes(logistics.org) ||
      !this.#identity.orgHasRole(state, logistics.org, 'carrier')
    ) {
      throw new HanglianError(
        OrdersErrors.ORDERS_CARRIER_NOT_OFFERED,
        `${logistics.org} is not a carrier of ${p.listing}`,
      );
    }
    this.#checkDelivery(state, p.delivery, logistics.org, listing.merchant);
    if (p.unitPrice !== undefined && p.unitPrice !== listing.price) {
      notAgreed('unit price', p.unitPrice, listing.price);
    }
    const id = bytesToHex(ctx.tx.id).slice(0, 32);
    if (orderStore.has(state, id))
      throw new HanglianError(OrdersErrors.ORDERS_ORDER_EXISTS, `order ${id} exists`);

    const codes = this.#chooseItems(ctx, listing);
    const quote = this.#quote(ctx, listing.shipsFrom, p.logistics);
    if (p.maxShipping !== undefined && quote.fee > p.maxShipping) {
      notAgreed('shipping', p.maxShipping, quote.fee);
    }
    const composition = this.#compose(ctx, listing, quote.fee);
    // The buyer bounds the price: whatever an implementation answers, no order costs more than the order
    // key signed for.
    if (composition.parts.total > p.maxTotal) notAgreed('total', p.maxTotal, composition.parts.total);

    const params = ordersParameters(state);
    const order: Order = {
      id,
      buyer: p.buyer,
      gateway: ctx.tx.submitter,
      listing: listing.id,
      merchant: listing.merchant,
      sku: listing.sku,
      quantity: p.quantity,
      unitPrice: listing.price,
      codes,
      implementations: {
        ...(listing.inventory === undefined ? {} : { inventory: listing.inventory }),
        payment: p.payment,
        logistics: p.logistics,
      },
      paymentProvider: payment.org,
      carrier: logistics.org,
      platform: p.platform,
      arbiter: p.arbiter,
      ...(composition.hostOrg === undefined ? {} : { host: composition.hostOrg, session: p.session! }),
      fromRegion: listing.shipsFrom,
      buyerRegion: p.buyerRegion,
      weightGrams: p.weightGrams,
      deliveryDays: quote.days,
      returnPolicy: listing.returnPolicy,
      composition: composition.parts,
      maxTotal: p.maxTotal,
      windows: orderWindows(params),
      status: 'created',
      deadline: ctx.block.time + params.paymentWindowMs,
      createdAt: ctx.block.time,
    };
    // A carrier whose deliveries are recorded on another chain: the order keeps the link it was made with.
    const link = linkedLogisticsStore.get(state, p.logistics);
    if (link !== undefined) order.linkedDelivery = link;
    this.#lifecycle.insert(state, order);
    deliveryStore.set(state, id, { sealed: p.delivery });
    const step: StepContext = {
      state,
      block: ctx.block,
      txId: bytesToHex(ctx.tx.id),
      by: p.buyer,
      emit: ctx.emit,
    };
    this.#lifecycle.moveItems(
      step,
      order,
      { status: 'reserved' },
      {
        bizStep: 'reserving',
        by: accountParty(p.buyer),
        source: orgParty(listing.merchant),
        destination: accountParty(p.buyer),
      },
    );
    const data: CreatedData = {
      order: id,
      listing: listing.id,
      quantity: p.quantity,
      codes,
      composition: composition.parts,
      implementations: order.implementations,
      host: order.host ?? null,
      deadline: order.deadline,
    };
    ctx.emit(OrdersEvents.created, data, this.#lifecycle.topics(order));
  }

  /**
   * The delivery details must be an envelope the carrier can open: well formed, sealed to the carrier,
   * to nobody but the carrier and the merchant, each with its organisation's registered key. The order
   * key signs the transaction, so the gateway that submits it cannot have swapped them.
   */
  #checkDelivery(state: StateReader, delivery: Uint8Array, carrier: string, merchant: string): void {
    const problem = sealedEnvelopeProblem(delivery);
    if (problem !== undefined) {
      throw new HanglianError(OrdersErrors.ORDERS_DELIVERY_MALFORMED, `delivery details: ${problem}`);
    }
    const { recipients } = sealedEnvelopeCodec.decode(delivery);
    if (!recipients.some((r) => r.org === carrier)) {
      throw new HanglianError(
        OrdersErrors.ORDERS_DELIVERY_NOT_FOR_CARRIER,
        `the delivery details are not sealed to the carrier ${carrier}`,
      );
    }
    for (const recipient of recipients) {
      if (recipient.org !== carrier && recipient.org !== merchant) {
        throw new HanglianError(
          OrdersErrors.ORDERS_DELIVERY_STRANGER,
          `the delivery details are sealed to ${recipient.org}, neither the carrier nor the merchant`,
        );
      }
      const registered = this.#identity.encryptionKeyOf(state, recipient.org);
      if (registered === undefined || !equalBytes(registered, recipient.key)) {
        throw new HanglianError(
          OrdersErrors.ORDERS_DELIVERY_WRONG_KEY,
          registered === undefined
            ? `${recipient.org} has no registered encryption key`
            : `the delivery details are sealed to a key that is not ${recipient.org}'s registered one`,
          { details: { org: recipient.org } },
        );
      }
    }
  }

  /**
   * The items: offered the merchant's in-stock codes of the SKU (recalled batches left out), the
   * listing's inventory implementation chooses; without one, the first codes in key order (FIFO).
   */
  #chooseItems(ctx: CommandContext<CreateOrderParams>, listing: Listing): string[] {
    const { quantity } = ctx.params;
    const params = ordersParameters(ctx.state);
    const merchant = orgParty(listing.merchant);
    // Every code of a batch shares its recall: one read per batch, not per code.
    const recalledBatches = new Map<string, boolean>();
    const recalled = (code: string): boolean => {
      const batch = code.slice(0, code.indexOf(':', code.indexOf(':') + 1));
      let answer = recalledBatches.get(batch);
      if (answer === undefined) {
        answer = this.#recalled(ctx.state, code);
        recalledBatches.set(batch, answer);
      }
      return answer;
    };
    if (listing.inventory === undefined && quantity <= params.maxAvailableOffered) {
      // The built-in choice is the first `quantity` codes of what would be offered (the holdings in key
      // order, recalled ones left out). Those are also the first `quantity` good codes of a shorter read of
      // the holdings, so reading a few more than the quantity gives the same codes as reading the whole
      // window below, without reading and decoding ~264 holdings for every order. When the short read does
      // not find enough, the whole window decides (and words the out-of-stock error) as before.
      const first = this.#items
        .holdings(ctx.state, merchant, listing.sku, Math.min(params.maxAvailableOffered + 64, quantity + 8))
        .filter((code) => !recalled(code));
      if (first.length >= quantity) return first.slice(0, quantity);
    }
    const available = this.#items
      .holdings(ctx.state, merchant, listing.sku, params.maxAvailableOffered + 64)
      .filter((code) => !recalled(code))
      .slice(0, params.maxAvailableOffered);
    if (available.length < quantity) {
      throw new HanglianError(
        OrdersErrors.ORDERS_OUT_OF_STOCK,
        `${listing.merchant} holds ${available.length} of ${listing.sku} in stock, fewer than ${quantity}`,
        { details: { listing: listing.id, available: available.length, quantity } },
      );
    }
    if (listing.inventory === undefined) return available.slice(0, quantity);
    const implementation = listing.inventory;
    this.#standards.implementation(ctx, implementation, INVENTORY_STANDARD);
    const answer = this.#standards.call(ctx, implementation, 'choose', {
      listing: listing.id,
      sku: listing.sku,
      quantity,
      available,
    });
    const codes = isRecord(answer) ? answer.codes : undefined;
    if (!Array.isArray(codes)) badAnswer(implementation, 'choose returned no codes');
    const offered = new Set(available);
    const chosen = new Set<string>();
    for (const code of codes) {
      if (typeof code !== 'string' || !offered.has(code))
        badAnswer(implementation, `chose ${String(code)}, not offered`);
      if (chosen.has(code)) badAnswer(implementation, `chose ${code} twice`);
      chosen.add(code);
    }
    if (chosen.size !== quantity)
      badAnswer(implementation, `chose ${chosen.size} codes for a quantity of ${quantity}`);
    return [...chosen];
  }

  #recalled(state: StateReader, code: string): boolean {
    const [sku, batch] = code.split(':') as [string, string];
    return this.#items.getBatch(state, sku, batch)?.recalled ?? true;
  }

  #quote(
    ctx: CommandContext<CreateOrderParams>,
    fromRegion: string,
    implementation: string,
  ): { fee: number; days: number } {
    const p = ctx.params;
    const answer = this.#standards.call(ctx, implementation, 'quote', {
      items: p.quantity,
      weightGrams: p.weightGrams,
      fromRegion,
      toRegion: p.buyerRegion,
    });
    const fee = isRecord(answer) ? answer.fee : undefined;
    const days = isRecord(answer) ? answer.days : undefined;
    if (typeof fee !== 'number' || !Number.isSafeInteger(fee) || fee < 0)
      badAnswer(implementation, `quoted a fee of ${String(fee)}`);
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 365) {
      badAnswer(implementation, `quoted ${String(days)} days`);
    }
    return { fee, days };
  }

  /**
   * Asks the payment implementation its fee on the total and finds the host of a running session that
   * features the listing, then applies the composition rule (composition.ts).
   */
  #compose(
    ctx: CommandContext<CreateOrderParams>,
    listing: Listing,
    shipping: number,
  ): { parts: Composition; hostOrg: string | undefined } {
    const p = ctx.params;
    const total = listing.price * p.quantity + shipping;
    if (!Number.isSafeInteger(total)) {
      throw new HanglianError(
        OrdersErrors.ORDERS_FEES_EXCEED_PRICE,
        'the total is beyond the largest safe amount',
      );
    }
    const feeAnswer = this.#standards.call(ctx, p.payment, 'fee', { amount: total });
    const paymentFee = isRecord(feeAnswer) ? feeAnswer.fee : undefined;
    if (
      typeof paymentFee !== 'number' ||
      !Number.isSafeInteger(paymentFee) ||
      paymentFee < 0 ||
      paymentFee > total
    ) {
      badAnswer(p.payment, `asked a fee of ${String(paymentFee)} on ${total}`);
    }
    let hostOrg: string | undefined;
    let hostCommissionBps = 0;
    if (p.session !== undefined) {
      const session = this.#catalog.getSession(ctx.state, p.session);
      const featured = session?.featured.find((f) => f.listing === listing.id);
      // A session that is over (or never featured this listing) earns nothing; the order still stands.
      if (
        session !== undefined &&
        featured !== undefined &&
        session.startsAt <= ctx.block.time &&
        ctx.block.time < session.endsAt
      ) {
        hostOrg = session.host;
        hostCommissionBps = featured.commissionBps;
      }
    }
    const parts = composeOrder({
      price: listing.price,
      quantity: p.quantity,
      shipping,
      paymentFee,
      platformFeeBps: ordersParameters(ctx.state).platformFeeBps,
      hostCommissionBps,
    });
    return { parts, hostOrg };
  }
}

/** Throws ORDERS_PRICE_NOT_AGREED: a part of the price is beyond what the order key signed. */
function notAgreed(part: 'total' | 'unit price' | 'shipping', agreed: number, computed: number): never {
  const bound = part === 'unit price' ? 'is not' : 'exceeds';
  throw new HanglianError(
    OrdersErrors.ORDERS_PRICE_NOT_AGREED,
    `the ${part} ${computed} ${bound} the ${agreed} the order key signed`,
    { details: { part, agreed, computed } },
  );
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((v, i) => v === b[i]);
}

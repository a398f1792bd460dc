/**
 * The order state machine's effects, shared by the commands and the deadline hook so that a transition
 * does the same thing whoever triggers it: saving an order with its deadline index, moving its items with
 * their trace events, and paying out of its escrow. Callers check who may act; this file checks nothing
 * about signers.
 */
import { type Address, addressFromPublicKey, bytesToHex, HanglianError } from '@hanglian/core';
import type { BlockInfo, CommandContext } from '../../framework/module.js';
import type { StateReader, StateWriter } from '../../framework/state.js';
import type { ResolvedItem } from '../items/method.js';
import { accountParty, type ItemState, orgParty, type TraceEvent } from '../items/stores.js';
import { bps } from './composition.js';
import { OrdersErrors } from './errors.js';
import { type EndedData, OrdersEvents } from './events.js';
import type {
  IdentityForOrders,
  InsightsForOrders,
  ItemsForOrders,
  OrderFigures,
  SettlementForOrders,
} from './expected.js';
import {
  byArbiterStore,
  byBuyerStore,
  byCarrierStore,
  byMerchantStore,
  byPaymentStore,
  DAY_MS,
  deadlineKey,
  deadlineStore,
  type EscrowTotals,
  escrowAccount,
  escrowTotalsStore,
  OPEN_STATUSES,
  ORDERS_MODULE,
  type Order,
  type OrderStatus,
  orderStore,
  type Payouts,
  payeeStore,
} from './stores.js';

/** Who did a step, where the effects are written, and the record that explains it. */
export interface StepContext {
  readonly state: StateWriter;
  readonly block: BlockInfo;
  /** The transaction id (hex), or a derived id for a default transition applied by a block hook. */
  readonly txId: string;
  /** The signer who triggered it, or `deadline`. */
  readonly by: Address | 'deadline';
  emit(name: string, data: unknown, topics?: readonly string[]): void;
}

const NO_PAYOUTS: Payouts = { refund: 0, merchant: 0, carrier: 0, payment: 0, platform: 0, host: 0 };

export class OrderLifecycle {
  readonly #identity: IdentityForOrders;
  readonly #items: ItemsForOrders;
  readonly #settlement: SettlementForOrders;

  readonly #insights: InsightsForOrders | undefined;

  constructor(
    identity: IdentityForOrders,
    items: ItemsForOrders,
    settlement: SettlementForOrders,
    insights?: InsightsForOrders,
  ) {
    this.#identity = identity;
    this.#items = items;
    this.#settlement = settlement;
    this.#insights = insights;
  }

  require(state: StateReader, id: string): Order {
    const order = orderStore.get(state, id);
    if (order === undefined) throw new HanglianError(OrdersErrors.ORDERS_UNKNOWN_ORDER, `no order ${id}`);
    return order;
  }

  requireStatus(order: Order, ...allowed: OrderStatus[]): void {
    if (!allowed.includes(order.status)) {
      throw new HanglianError(
        OrdersErrors.ORDERS_BAD_STATE,
        `order ${order.id} is ${order.status}, not ${allowed.join(' or ')}`,
        { details: { order: order.id, status: order.status } },
      );
    }
  }

  /** True when an item of the order is in a recalled batch (then the order can only be refunded). */
  isRecalled(state: StateReader, order: Order): boolean {
    const batches = new Set(order.codes.map((code) => code.slice(0, code.lastIndexOf(':'))));
    for (const skuBatch of batches) {
      const [sku, batch] = skuBatch.split(':') as [string, string];
      if (this.#items.getBatch(state, sku, batch)?.recalled) return true;
    }
    return false;
  }

  /** True when an item of the order was destroyed (a terminal state: it can be neither sold nor restocked). */
  holdsDestroyed(state: StateReader, order: Order): boolean {
    return order.codes.some((code) => this.#items.resolve(state, code).state.status === 'destroyed');
  }

  /**
   * Why the order can only be refunded: `recall` (an item's batch was recalled; the recall wins) or
   * `item-destroyed` (an item was destroyed while the merchant or the carrier held it); undefined when
   * its items can still be delivered.
   */
  voidReason(state: StateReader, order: Order): 'recall' | 'item-destroyed' | undefined {
    if (this.isRecalled(state, order)) return 'recall';
    if (this.holdsDestroyed(state, order)) return 'item-destroyed';
    return undefined;
  }

  /** Throws ORDERS_RECALLED or ORDERS_ITEM_DESTROYED for an order that can only be refunded. */
  requireDeliverable(state: StateReader, order: Order): void {
    switch (this.voidReason(state, order)) {
      case 'recall':
        throw new HanglianError(
          OrdersErrors.ORDERS_RECALLED,
          `order ${order.id} holds recalled items: refund it (refundRecalled) instead`,
        );
      case 'item-destroyed':
        throw new HanglianError(
          OrdersErrors.ORDERS_ITEM_DESTROYED,
          `an item of order ${order.id} was destroyed: refund it (refundRecalled) instead`,
        );
      default:
        return;
    }
  }

  /** Writes a new order with its indexes. */
  insert(state: StateWriter, order: Order): void {
    orderStore.set(state, order.id, order);
    byMerchantStore.set(state, `${order.merchant}/${order.id}`, {});
    byCarrierStore.set(state, `${order.carrier}/${order.id}`, {});
    byPaymentStore.set(state, `${order.paymentProvider}/${order.id}`, {});
    byArbiterStore.set(state, `${order.arbiter}/${order.id}`, {});
    byBuyerStore.set(state, `${order.buyer}/${order.id}`, {});
    deadlineStore.set(state, deadlineKey(order.deadline, order.id), {});
    // From now on only this order's payment step pays into its escrow (settlement refuses the rest).
    this.#settlement.openModuleAccount(state, escrowAccount(order.id), ORDERS_MODULE);
    this.#insights?.recordPlaced(state, orderFigures(order), order.createdAt);
  }

  /** Saves a changed order, moving its deadline entry (an ended order has none). */
  update(state: StateWriter, before: Order, after: Order): void {
    if (before.deadline !== 0) deadlineStore.delete(state, deadlineKey(before.deadline, before.id));
    if (OPEN_STATUSES.has(after.status)) deadlineStore.set(state, deadlineKey(after.deadline, after.id), {});
    orderStore.set(state, after.id, after);
  }

  /** Moves an open order to its next open state and announces it. */
  step(
    ctx: StepContext,
    order: Order,
    status: OrderStatus,
    deadline: number,
    changes: Partial<Order> = {},
  ): Order {
    const next: Order = { ...order, ...changes, status, deadline };
    this.update(ctx.state, order, next);
    ctx.emit(OrdersEvents[stepEvent(status)], { order: order.id, status, deadline }, this.topics(order));
    return next;
  }

  topics(order: Order): string[] {
    return [order.id, order.merchant, order.carrier, order.paymentProvider];
  }

  // ---- items ----

  /** The order's items that were not destroyed (a destroyed one stays as it is, whatever the order does). */
  liveItems(state: StateReader, order: Order): ResolvedItem[] {
    return order.codes
      .map((code) => this.#items.resolve(state, code))
      .filter((item) => item.state.status !== 'destroyed');
  }

  /** Applies one change with its trace event to every item of the order that was not destroyed. */
  moveItems(
    ctx: StepContext,
    order: Order,
    change: Partial<Pick<ItemState, 'owner' | 'custodian' | 'status'>>,
    event: Pick<TraceEvent, 'bizStep' | 'by'> &
      Partial<Pick<TraceEvent, 'source' | 'destination' | 'where' | 'region'>>,
  ): void {
    for (const item of this.liveItems(ctx.state, order)) {
      this.#items.apply(ctx.state, item, change, {
        bizStep: event.bizStep,
        time: ctx.block.time,
        height: ctx.block.height,
        where: event.where ?? '',
        why: `order ${order.id}`,
        by: event.by,
        ...(event.source === undefined ? {} : { source: event.source }),
        ...(event.destination === undefined ? {} : { destination: event.destination }),
        ...(event.region === undefined ? {} : { region: event.region }),
        txId: ctx.txId,
      });
    }
  }

  /**
   * The items go back to the merchant: owned by it again and in stock (or `recalled`, the only status a
   * recalled batch's items may take). A recall leaves custody where it is (the recall collects them);
   * otherwise the merchant holds them again.
   */
  itemsBackToMerchant(ctx: StepContext, order: Order, recalled: boolean, where = ''): void {
    const merchant = orgParty(order.merchant);
    // The items of an order move together, so the first one still whole says who holds them all.
    const first = this.liveItems(ctx.state, order)[0];
    if (first === undefined) return;
    const holder = first.state.custodian;
    const reserved = holder === merchant && order.shippedAt === undefined;
    this.moveItems(
      ctx,
      order,
      recalled
        ? { owner: merchant, status: 'recalled' }
        : { owner: merchant, custodian: merchant, status: 'in-stock' },
      reserved
        ? { bizStep: 'reserving', by: merchant, where }
        : { bizStep: 'returning', by: merchant, source: holder, destination: merchant, where },
    );
  }

  /**
   * The buyer owns and holds the items: the merchant sells (unless it already did), the buyer receives.
   * Both events carry the buyer's region, so a sale outside the seller's channel regions shows.
   */
  itemsToBuyer(ctx: StepContext, order: Order, where = ''): void {
    const merchant = orgParty(order.merchant);
    const buyer = accountParty(order.buyer);
    const first = this.liveItems(ctx.state, order)[0]?.state;
    if (first === undefined) return;
    if (first.owner !== buyer) {
      this.moveItems(
        ctx,
        order,
        { owner: buyer, status: 'sold' },
        {
          bizStep: 'selling',
          by: merchant,
          source: merchant,
          destination: buyer,
          where,
          region: order.buyerRegion,
        },
      );
    }
    if (first.custodian !== buyer) {
      this.moveItems(
        ctx,
        order,
        { custodian: buyer, status: 'sold' },
        {
          bizStep: 'receiving',
          by: buyer,
          source: first.custodian,
          destination: buyer,
          where,
          region: order.buyerRegion,
        },
      );
    }
  }

  // ---- money ----

  /** Where an organisation's shares are paid: the payee it set, or its root key's address. */
  payeeOf(state: StateReader, org: string): Address {
    const set = payeeStore.get(state, org)?.address;
    if (set !== undefined) return set;
    const organisation = this.#identity.getOrganisation(state, org);
    if (organisation === undefined) throw new Error(`organisation ${org} vanished`);
    return addressFromPublicKey(organisation.rootPublicKey);
  }

  /**
   * Ends an order: pays `payouts` out of its escrow (when it was funded; the parts must sum to the total),
   * returns any surplus, records the outcome and removes its deadline. The one place an escrow is emptied.
   */
  end(
    ctx: StepContext,
    order: Order,
    status: OrderStatus,
    reason: string,
    payouts: Payouts = NO_PAYOUTS,
  ): Order {
    const funded = order.payer !== undefined;
    const paidOut =
      payouts.refund + payouts.merchant + payouts.carrier + payouts.payment + payouts.platform + payouts.host;
    if (funded ? paidOut !== order.composition.total : paidOut !== 0) {
      throw new Error(
        `order ${order.id}: payouts ${paidOut} do not empty an escrow of ${order.composition.total}`,
      );
    }
    if (funded) {
      const escrow = escrowAccount(order.id);
      const pay = (to: Address, amount: number) => {
        if (amount > 0) this.#settlement.transfer(ctx.state, escrow, to, amount);
      };
      pay(order.payer!, payouts.refund);
      pay(this.payeeOf(ctx.state, order.merchant), payouts.merchant);
      pay(this.payeeOf(ctx.state, order.carrier), payouts.carrier);
      pay(this.payeeOf(ctx.state, order.paymentProvider), payouts.payment);
      pay(this.payeeOf(ctx.state, order.platform), payouts.platform);
      if (order.host !== undefined) pay(this.payeeOf(ctx.state, order.host), payouts.host);
      else if (payouts.host !== 0) throw new Error(`order ${order.id}: a host share without a host`);
      const totals = escrowTotals(ctx.state);
      escrowTotalsStore.set(ctx.state, 'all', {
        ...totals,
        held: totals.held - order.composition.total,
        released: totals.released + paidOut - payouts.refund,
        refunded: totals.refunded + payouts.refund,
      });
    }
    // Money sent to the escrow address before the order existed (its id is its transaction's, known
    // from the mempool) is no part of the order: it goes where a refund would, so nothing stays locked.
    const surplus = this.#settlement.balanceOf(ctx.state, escrowAccount(order.id));
    if (surplus > 0)
      this.#settlement.transfer(ctx.state, escrowAccount(order.id), order.payer ?? order.buyer, surplus);
    const ended: Order = {
      ...order,
      status,
      deadline: 0,
      endedAt: ctx.block.time,
      reason,
      payouts,
      ...(surplus > 0 ? { surplus } : {}),
    };
    this.update(ctx.state, order, ended);
    this.#insights?.recordEnded(ctx.state, orderFigures(order), status, ctx.block.time);
    const data: EndedData = {
      order: order.id,
      status,
      reason,
      payouts,
      by: ctx.by,
      ...(surplus > 0 ? { surplus } : {}),
    };
    ctx.emit(OrdersEvents.ended, data, [...this.topics(order), status]);
    return ended;
  }

  /** Moves the total from the payer into the order's escrow (the one payment its escrow accepts). */
  fund(ctx: StepContext, order: Order, payer: Address): void {
    this.#settlement.deposit(
      ctx.state,
      payer,
      escrowAccount(order.id),
      order.composition.total,
      ORDERS_MODULE,
    );
    const totals = escrowTotals(ctx.state);
    escrowTotalsStore.set(ctx.state, 'all', {
      ...totals,
      held: totals.held + order.composition.total,
      funded: totals.funded + order.composition.total,
    });
  }

  // ---- the ends of an order ----

  /** Everything back as it was: the items to the merchant, the whole escrow (if any) to the payer. */
  refundInFull(
    ctx: StepContext,
    order: Order,
    reason: string,
    recalled = this.isRecalled(ctx.state, order),
  ): Order {
    this.itemsBackToMerchant(ctx, order, recalled);
    if (order.payer === undefined) return this.end(ctx, order, 'cancelled', reason);
    return this.end(ctx, order, 'refunded', reason, { ...NO_PAYOUTS, refund: order.composition.total });
  }

  /** The sale stands: the escrow pays the composition. The only path that pays the host's commission. */
  release(ctx: StepContext, order: Order, reason: string): Order {
    const { merchant, carrier, payment, platform, host } = order.composition;
    return this.end(ctx, order, 'completed', reason, {
      refund: 0,
      merchant,
      carrier,
      payment,
      platform,
      host,
    });
  }

  /**
   * A return came back: the items are the merchant's again, the buyer gets the total less the restocking
   * fee (basis points of the goods, the listing's rule at creation), which the merchant keeps. No other
   * share is paid: a returned sale earns no commission or fee.
   */
  completeReturn(ctx: StepContext, order: Order, reason: string, where = ''): Order {
    const recalled = this.isRecalled(ctx.state, order);
    const merchant = orgParty(order.merchant);
    this.moveItems(
      ctx,
      order,
      recalled
        ? { owner: merchant, custodian: merchant, status: 'recalled' }
        : { owner: merchant, custodian: merchant, status: 'in-stock' },
      { bizStep: 'receiving', by: merchant, source: accountParty(order.buyer), destination: merchant, where },
    );
    const fee = recalled ? 0 : restockingFee(order);
    return this.end(ctx, order, 'returned', reason, {
      ...NO_PAYOUTS,
      refund: order.composition.total - fee,
      merchant: fee,
    });
  }

  /**
   * The arbiter's split. The buyer gets `refund`; the rest pays, in this order and each only as far as it
   * reaches, the carrier's share (only if the items were shipped), the payment provider's and the
   * platform's; the merchant gets what is left. A disputed sale pays the host nothing.
   */
  arbitrate(
    ctx: StepContext,
    order: Order,
    refund: number,
    itemsTo: 'buyer' | 'merchant',
    reason: string,
  ): Order {
    const { total, carrier, payment, platform } = order.composition;
    if (itemsTo === 'buyer') this.itemsToBuyer(ctx, order);
    else this.itemsBackToMerchant(ctx, order, false);
    let rest = total - refund;
    const take = (share: number) => {
      const paid = Math.min(share, rest);
      rest -= paid;
      return paid;
    };
    const shipped = order.shippedAt !== undefined;
    const payouts: Payouts = {
      refund,
      carrier: shipped ? take(carrier) : 0,
      payment: take(payment),
      platform: take(platform),
      host: 0,
      merchant: 0,
    };
    payouts.merchant = rest;
    return this.end(ctx, order, 'arbitrated', reason, payouts);
  }

  /**
   * The default transition of an order whose deadline passed. An order holding recalled or destroyed
   * items is refunded whatever its state (that wins over every other default).
   */
  applyDeadline(ctx: StepContext, order: Order): void {
    const voided = this.voidReason(ctx.state, order);
    if (voided !== undefined) {
      this.refundInFull(ctx, order, voided, voided === 'recall');
      return;
    }
    switch (order.status) {
      case 'created':
        this.refundInFull(ctx, order, 'not-paid');
        return;
      case 'paid':
        this.refundInFull(ctx, order, 'not-shipped');
        return;
      case 'shipped':
        // A parcel not delivered in time may be lost or refused: the arbiter named at creation decides.
        this.step(ctx, order, 'disputed', ctx.block.time + order.windows.arbitrationWindowMs, {
          disputedFrom: 'shipped',
          disputedBy: 'deadline',
          disputedAt: ctx.block.time,
        });
        return;
      case 'delivered':
        this.release(ctx, order, 'confirmation-window-passed');
        return;
      case 'returning':
        this.completeReturn(ctx, order, 'return-not-recorded');
        return;
      case 'disputed':
        this.refundInFull(ctx, order, 'arbiter-silent', false);
        return;
      default:
        return;
    }
  }

  /** When the delivered state ends by default: the later of the confirmation window and the return period. */
  deliveredDeadline(order: Order, deliveredAt: number): number {
    return deliveredAt + Math.max(order.windows.confirmationWindowMs, order.returnPolicy.days * DAY_MS);
  }
}

/** What insights counts of an order: never its buyer key, only the coarse region it ships to. */
function orderFigures(order: Order): OrderFigures {
  return {
    sku: order.sku,
    region: order.buyerRegion,
    quantity: order.quantity,
    amount: order.composition.goods,
  };
}

export function restockingFee(order: Order): number {
  return bps(order.composition.goods, order.returnPolicy.restockingFeeBps);
}

export function escrowTotals(state: StateReader): EscrowTotals {
  return escrowTotalsStore.get(state, 'all') ?? { held: 0, funded: 0, released: 0, refunded: 0 };
}

function stepEvent(status: OrderStatus): 'paid' | 'shipped' | 'delivered' | 'returnRequested' | 'disputed' {
  switch (status) {
    case 'paid':
      return 'paid';
    case 'shipped':
      return 'shipped';
    case 'delivered':
      return 'delivered';
    case 'returning':
      return 'returnRequested';
    case 'disputed':
      return 'disputed';
    default:
      throw new Error(`${status} is not a step`);
  }
}

/** The step context of a command: its state, block and transaction, triggered by `by`. */
export function commandStep(ctx: CommandContext, by: Address): StepContext {
  return { state: ctx.state, block: ctx.block, txId: bytesToHex(ctx.tx.id), by, emit: ctx.emit };
}

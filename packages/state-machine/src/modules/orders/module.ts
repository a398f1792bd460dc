import { bytesToHex, sha256, utf8 } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import {
  type BlockHookContext,
  type Command,
  type GenesisContext,
  type Module,
  type Query,
  queryList,
  type StoreDescription,
} from '../../framework/module.js';
import { StateOverlay } from '../../framework/state.js';
import { ArbitrateCommand } from './commands/arbitrate.js';
import { CancelCommand } from './commands/cancel.js';
import { ConfirmCommand } from './commands/confirm.js';
import { ConfirmPaymentCommand } from './commands/confirmPayment.js';
import { CreateOrderCommand } from './commands/create.js';
import { DeliverCommand } from './commands/deliver.js';
import { DisputeCommand } from './commands/dispute.js';
import { LinkLogisticsCommand } from './commands/linkLogistics.js';
import { RefundRecalledCommand } from './commands/refundRecalled.js';
import { RequestReturnCommand } from './commands/requestReturn.js';
import { ReturnReceivedCommand } from './commands/returnReceived.js';
import { SetPayeeCommand } from './commands/setPayee.js';
import { ShipOrderCommand } from './commands/ship.js';
import { StandardCaller } from './contracts.js';
import { OrdersEvents } from './events.js';
import type {
  CatalogForOrders,
  IdentityForOrders,
  InsightsForOrders,
  ItemsForOrders,
  RegistryForOrders,
  ReviewsForOrders,
  SettlementForOrders,
} from './expected.js';
import { OrdersInterchainApp } from './interchain.js';
import { OrderLifecycle } from './lifecycle.js';
import { OrdersMethod } from './method.js';
import { createOrdersQueries } from './queries.js';
import {
  DEFAULT_ORDERS_PARAMETERS,
  deadlineStore,
  ORDERS_MODULE,
  OrdersParametersSchema,
  orderStore,
  ordersParameters,
  paramsStore,
} from './stores.js';

export const OrdersGenesisSchema = Type.Object(
  { parameters: Type.Optional(Type.Partial(OrdersParametersSchema, { additionalProperties: false })) },
  { additionalProperties: false },
);
export type OrdersGenesis = Static<typeof OrdersGenesisSchema>;

export interface OrdersModuleDependencies {
  readonly identity: IdentityForOrders;
  readonly items: ItemsForOrders;
  readonly catalog: CatalogForOrders;
  readonly settlement: SettlementForOrders;
  /** The registry (its executor starts lazily, so it is asked for at each call). */
  readonly registry: RegistryForOrders;
  /** Sales and demand counters; absent, nothing is counted. */
  readonly insights?: InsightsForOrders;
  /** Reviews, for `buyerBucket`'s answers; absent, they carry no review. */
  readonly reviews?: ReviewsForOrders;
}

/**
 * Orders = inventory + payment + logistics (docs/brief.md §1 item 4): the order state machine, the price
 * composition fixed at creation, each order's escrow (an account derived from its id), deadlines with
 * default transitions, returns, disputes and arbitration. See README.md for the spec.
 */
export class OrdersModule implements Module {
  readonly name = ORDERS_MODULE;
  readonly method = new OrdersMethod();
  readonly commands: readonly Command<any>[];
  readonly queries: readonly Query<any, any>[];
  readonly genesisSchema = OrdersGenesisSchema;
  readonly stores: readonly StoreDescription[] = [
    { name: 'orders', access: 'public', keyLayout: 'orders/orders/<orderId>', summary: 'Orders.' },
    {
      name: 'delivery',
      access: 'public',
      keyLayout: 'orders/delivery/<orderId>',
      summary: 'Sealed delivery details.',
    },
    {
      name: 'deadlines',
      keyLayout: 'orders/deadlines/<time ms:15 digits>/<orderId>',
      summary: 'The next default transition of each open order.',
    },
    { name: 'byMerchant', keyLayout: 'orders/byMerchant/<org>/<orderId>', summary: 'Orders by merchant.' },
    { name: 'byCarrier', keyLayout: 'orders/byCarrier/<org>/<orderId>', summary: 'Orders by carrier.' },
    {
      name: 'byPayment',
      keyLayout: 'orders/byPayment/<org>/<orderId>',
      summary: 'Orders by payment provider.',
    },
    { name: 'byArbiter', keyLayout: 'orders/byArbiter/<org>/<orderId>', summary: 'Orders by arbiter.' },
    {
      name: 'byBuyer',
      access: 'public',
      keyLayout: 'orders/byBuyer/<buyer address>/<orderId>',
      summary: 'Orders by order key (the wallet lists its purchases key by key).',
    },
    {
      name: 'linkedLogistics',
      access: 'public',
      keyLayout: 'orders/linkedLogistics/<implementation>',
      summary: 'Logistics implementations whose deliveries are proven on another chain.',
    },
    { name: 'payees', keyLayout: 'orders/payees/<org>', summary: "Where an organisation's shares are paid." },
    {
      name: 'params',
      access: 'public',
      keyLayout: 'orders/params/current',
      summary: 'Fees and deadline windows.',
    },
    { name: 'totals', keyLayout: 'orders/totals/all', summary: 'Escrow totals.' },
  ];
  readonly #lifecycle: OrderLifecycle;
  /** Takes proven deliveries from linked logistics chains (interchain module). */
  readonly interchain: OrdersInterchainApp;

  constructor(deps: OrdersModuleDependencies) {
    this.#lifecycle = new OrderLifecycle(deps.identity, deps.items, deps.settlement, deps.insights);
    this.interchain = new OrdersInterchainApp(this.#lifecycle);
    const lifecycle = this.#lifecycle;
    const standards = new StandardCaller(() => deps.registry, deps.settlement);
    this.commands = [
      new CreateOrderCommand(deps.identity, deps.items, deps.catalog, standards, lifecycle),
      new ConfirmPaymentCommand(deps.identity, lifecycle),
      new ShipOrderCommand(deps.identity, lifecycle),
      new DeliverCommand(deps.identity, lifecycle),
      new ConfirmCommand(lifecycle),
      new CancelCommand(lifecycle),
      new RequestReturnCommand(lifecycle),
      new ReturnReceivedCommand(deps.identity, lifecycle),
      new DisputeCommand(deps.identity, lifecycle),
      new ArbitrateCommand(deps.identity, lifecycle),
      new RefundRecalledCommand(lifecycle),
      new SetPayeeCommand(deps.identity),
      new LinkLogisticsCommand(deps.identity, () => deps.registry),
    ];
    this.queries = queryList(
      createOrdersQueries(deps.settlement, lifecycle, { items: deps.items, reviews: deps.reviews }),
    );
  }

  /** `genesis` passed `genesisSchema` already: the state machine checks every module's section once. */
  initGenesis(ctx: GenesisContext, genesis: OrdersGenesis): void {
    if (genesis.parameters !== undefined) {
      paramsStore.set(ctx.state, 'current', { ...DEFAULT_ORDERS_PARAMETERS, ...genesis.parameters });
    }
  }

  /**
   * Applies the default transition of every order whose deadline is at or before this block's time, in
   * deadline order, at most `maxDeadlinesPerBlock` (the rest next block). Only due entries are read: the
   * index is ordered by time and the walk stops at the first entry in the future. Each order runs in its
   * own layer, so a failure (a bug) drops that one entry with a `deadlineFailed` event and the block goes on.
   */
  afterTransactions(ctx: BlockHookContext): void {
    const { maxDeadlinesPerBlock } = ordersParameters(ctx.state);
    const due: Array<[string, string]> = [];
    for (const [key] of deadlineStore.entries(ctx.state)) {
      const slash = key.indexOf('/');
      if (Number(key.slice(0, slash)) > ctx.block.time || due.length >= maxDeadlinesPerBlock) break;
      due.push([key, key.slice(slash + 1)]);
    }
    for (const [key, id] of due) {
      const layer = new StateOverlay(ctx.state);
      const events: Array<[string, unknown, readonly string[] | undefined]> = [];
      try {
        const order = orderStore.get(layer, id);
        if (order === undefined) throw new Error(`deadline of unknown order ${id}`);
        this.#lifecycle.applyDeadline(
          {
            state: layer,
            block: ctx.block,
            // Trace events need the record that caused them: a default transition's is derived from the
            // block and the order, so anyone can recompute it.
            txId: bytesToHex(sha256(utf8(`hanglian/orders/deadline/v1\n${ctx.block.height}\n${id}`))),
            by: 'deadline',
            emit: (name, data, topics) => events.push([name, data, topics]),
          },
          order,
        );
        layer.commitTo(ctx.state);
        for (const [name, data, topics] of events) ctx.emit(name, data, topics);
      } catch (error) {
        deadlineStore.delete(ctx.state, key);
        const message = error instanceof Error ? error.message : String(error);
        ctx.emit(OrdersEvents.deadlineFailed, { order: id, message }, [id]);
      }
    }
  }
}

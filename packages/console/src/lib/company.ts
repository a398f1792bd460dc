/**
 * What the company views read and do, through the SDK only. Members-only reads (order queues, balances,
 * 带数) are signed with the organisation's key (`memberClient`); commands are signed with it too
 * (`act`). On a devnet that key is the node's dev key of the organisation (lib/devKeys.ts); elsewhere the
 * reads are refused and the pages say so.
 */

import { displayTexts } from '@hanglian/core';
import {
  type ChainQueryArgs,
  getInsights,
  HanglianSdkError,
  type InsightsAggregates,
  type InsightsMeasure,
  type Signer,
  signAndSubmit,
  type TxCall,
  waitForTransaction,
} from '@hanglian/sdk';
import {
  BatchIdSchema,
  type ChainModuleName,
  type ChainQueryName,
  type ChainQueryResult,
  IdentifierSchema,
  LocalIdSchema,
  RegionSchema,
  SkuSchema,
} from '@hanglian/state-machine/client';
import { chain, client, memberClient, type OrderView, type Organisation, q } from './chain.js';
import { devSigner } from './devKeys.js';
import type { Role } from './roles.js';

/** A members-only query, signed by `org`'s key. */
export async function memberQuery<M extends ChainModuleName, Q extends ChainQueryName<M>>(
  org: string,
  module: M,
  name: Q,
  ...params: ChainQueryArgs<M, Q>
): Promise<ChainQueryResult<M, Q>> {
  const { result } = await (await memberClient(org)).query(module, name, ...params);
  // Text shown safely, as every answer the console reads (chain.ts `q`).
  return displayTexts(result);
}

/** The steps of one command, for a progress line: signed and sent, committed, done. */
export const ACT_STEPS = 3;

/**
 * Signs `call` with `org`'s key (actors co-sign), submits it, waits for the block and checks its result;
 * `onStep(n)` reports each step done (1 sent, 2 committed). Returns the transaction id.
 */
export async function act(
  org: string,
  call: TxCall,
  actors: readonly Signer[] = [],
  onStep?: (done: number) => void,
): Promise<string> {
  onStep?.(0);
  const sent = await signAndSubmit(client(), {
    signer: await devSigner(org),
    actors,
    ...call,
    waitForCommit: false,
  });
  onStep?.(1);
  const status = await waitForTransaction(client(), { txId: sent.txId, timeoutMs: 60_000 });
  if (status.status === 'rejected') {
    throw new HanglianSdkError(status.code, status.message, { details: { txId: sent.txId } });
  }
  if (status.result.code !== 'OK') {
    throw new HanglianSdkError(status.result.code, status.result.message, {
      details: { txId: sent.txId, committed: true },
    });
  }
  onStep?.(2);
  return sent.txId;
}

/** An ended order's payouts (orders README "Who gets what at the end"). */
export interface Payouts {
  refund: number;
  merchant: number;
  carrier: number;
  payment: number;
  platform: number;
  host: number;
}
export type CompanyOrder = OrderView & { payouts?: Payouts; reason?: string; buyerRegion?: string };

/** The order party a role is named by in an order, and the share of the composition it is paid. */
export type Share = 'merchant' | 'carrier' | 'payment' | 'platform' | 'host';
export const SHARE_OF: Partial<Record<Role, Share>> = {
  merchant: 'merchant',
  carrier: 'carrier',
  payment: 'payment',
  platform: 'platform',
  host: 'host',
};

/** The `orders` query's index for a role, when it has one (platforms and hosts have none). */
const INDEX_OF: Partial<Record<Role, string>> = {
  merchant: 'merchant',
  carrier: 'carrier',
  payment: 'paymentProvider',
  arbiter: 'arbiter',
};

const PAGE = 500;

async function allPages(org: string, params: Record<string, string>): Promise<CompanyOrder[]> {
  const out: CompanyOrder[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await memberQuery(org, 'orders', 'orders', {
      ...params,
      limit: PAGE,
      ...(after === undefined ? {} : { after }),
    });
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page[page.length - 1]!.id;
  }
}

/**
 * Every order naming `org` in `role`. Merchants, carriers, payment providers and arbiters have an index;
 * a platform's and a host's orders are found among all merchants' orders (members see them all), which
 * is one query per merchant.
 */
export async function ordersOf(
  org: string,
  role: Role,
  organisations: readonly Organisation[],
  status?: string,
): Promise<CompanyOrder[]> {
  const index = INDEX_OF[role];
  const filter: Record<string, string> = status === undefined ? {} : { status };
  if (index !== undefined) return allPages(org, { [index]: org, ...filter });
  if (role !== 'platform' && role !== 'host') return [];
  const merchants = organisations.filter((o) => o.roles.includes('merchant'));
  const lists = await Promise.all(merchants.map((m) => allPages(org, { merchant: m.id, ...filter })));
  return lists.flat().filter((o) => (role === 'platform' ? o.platform === org : o.host === org));
}

/** What `role` earned from ended orders (their payouts), and what is still held in escrow for it. */
export function earningsOf(
  orders: readonly CompanyOrder[],
  role: Role,
): {
  paid: number;
  paidOrders: number;
  pending: number;
  pendingOrders: number;
} {
  const share = SHARE_OF[role];
  let paid = 0;
  let paidOrders = 0;
  let pending = 0;
  let pendingOrders = 0;
  if (share === undefined) return { paid, paidOrders, pending, pendingOrders };
  for (const o of orders) {
    if (o.payouts !== undefined) {
      const amount = o.payouts[share] ?? 0;
      if (amount > 0) {
        paid += amount;
        paidOrders++;
      }
    } else if (['paid', 'shipped', 'delivered', 'returning', 'disputed'].includes(o.status)) {
      pending += o.composition[share] ?? 0;
      pendingOrders++;
    }
  }
  return { paid, paidOrders, pending, pendingOrders };
}

/** How often each implementation was chosen: orders naming it (payment, logistics, inventory). */
export function usageOf(orders: readonly CompanyOrder[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of orders) {
    for (const id of Object.values(o.implementations ?? {})) {
      if (typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

/** Where an organisation's shares are paid and what that account holds (balances are members-only). */
export async function payeeBalance(org: string): Promise<{ address: string; amount: number }> {
  const payee = await memberQuery(org, 'orders', 'payee', { org });
  if (payee === null) throw new Error(`${org} has no payee account`);
  const balance = await memberQuery(org, 'settlement', 'balance', {
    address: payee.address,
  });
  return { address: payee.address, amount: balance.amount };
}

export const producerReads = {
  batches: (sku: string) => q('items', 'batches', { sku }),
  channels: (producer: string) => q('distribution', 'channels', { producer }),
  insightsStatus: (org: string) => memberQuery(org, 'insights', 'status'),
  async insights(org: string, month: string, measure: InsightsMeasure): Promise<InsightsAggregates> {
    const { result } = await getInsights(await memberClient(org), {
      producer: org,
      month,
      measure,
      days: true,
    });
    return result;
  },
  products: (producer: string) => chain.products(producer),
};

/** `YYYY-MM` of the month before `month`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * When the chain's month `month` (`YYYY-MM`) closes: the first instant of the next month in the chain's
 * calendar (UTC shifted by `utcOffsetMinutes`), as unix ms.
 */
export function monthClosesAt(
  month: string,
  utcOffsetMinutes: number,
  devCalendar?: { monthMs: number; epoch: number },
): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  if (devCalendar !== undefined) {
    // A development network's fast calendar: month k after the genesis month lasts monthMs of block time.
    const start = new Date(devCalendar.epoch + utcOffsetMinutes * 60_000);
    const k = y * 12 + (m - 1) - (start.getUTCFullYear() * 12 + start.getUTCMonth());
    return devCalendar.epoch + (k + 1) * devCalendar.monthMs;
  }
  return Date.UTC(y, m, 1) - utcOffsetMinutes * 60_000;
}

/** The chain's own identifier patterns (the schemas its commands check), for forms to check before sending. */
const patternOf = (schema: { pattern?: string }) => new RegExp(schema.pattern ?? '');
export const SKU_PATTERN = patternOf(SkuSchema);
export const BATCH_PATTERN = patternOf(BatchIdSchema);
export const ORG_PATTERN = patternOf(IdentifierSchema);
export const REGION_PATTERN = patternOf(RegionSchema);
export const LOCAL_ID_PATTERN = patternOf(LocalIdSchema);

/** Parses "12.34" (yuan) into fen; undefined when it is not an amount with at most two decimals. */
export function parseYuan(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(trimmed)) return undefined;
  const [whole, frac = ''] = trimmed.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

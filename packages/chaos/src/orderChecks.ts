/**
 * The invariants of the order load (issue 12: "escrow = open orders"), checked after every fault with the
 * others, on what the nodes' APIs answer (members-only reads signed by a member key):
 *
 * - orders final: every lifecycle the load completed is `completed` on every live node at or above the
 *   height of its last step, with nothing left in its escrow;
 * - escrow: at one height, the orders module's totals balance (funded = released + refunded + held), each
 *   open order's escrow holds what the order owes (its total once paid, nothing before), and the sum of the
 *   open orders' escrows is the total held;
 * - no lifecycle step the chain committed has failed (a sale's steps are all valid when they are sent).
 */

import { BOOK_MERCHANT } from '@hanglian/cli';
import {
  formatReaderHeader,
  READ_REQUEST_HEADER,
  readRequestSignBytes,
  type SigningKey,
  utf8,
} from '@hanglian/core';
import { CHAOS_CHAIN_ID, type ChaosCluster, type ChaosNode, httpJson } from './cluster.js';
import { type CheckCounts, InvariantViolation, patient } from './invariants.js';
import type { OrderLoad } from './orderLoad.js';

/** The open statuses of the orders module (stores.ts OPEN_STATUSES): an open order may hold escrow. */
const OPEN_STATUSES = ['created', 'paid', 'shipped', 'delivered', 'returning', 'disputed'] as const;
/** Most orders one `orders` query answers. */
const PAGE = 500;

interface OrderView {
  id: string;
  status: string;
  payer?: string;
  composition: { total: number };
  escrowBalance?: number;
}

export class OrderChecker {
  constructor(
    readonly cluster: ChaosCluster,
    readonly load: OrderLoad,
    /** A member key that signs members-only reads (order queues, escrow balances). */
    readonly reader: SigningKey,
    /** The campaign's counts, which these checks add to. */
    readonly counts: CheckCounts,
  ) {}

  async check(): Promise<void> {
    const failed = this.load.failed[0];
    if (failed !== undefined)
      throw new InvariantViolation(
        'orders',
        `${failed.step} of order ${failed.order} committed with ${failed.code}: ${failed.message} (${this.load.failed.length} failed step(s))`,
      );
    await this.final();
    await this.escrow();
  }

  /** Every completed lifecycle is completed, its escrow empty, on every live node that is high enough. */
  async final(): Promise<void> {
    for (const node of this.cluster.live) {
      const { height, orders } = await this.#orders(node, 'completed');
      const completed = new Map(orders.map((o) => [o.id, o]));
      for (const done of this.load.completed) {
        // Completed above what this node had when it answered: checked on it next time.
        if (done.height > height) continue;
        const order = completed.get(done.order);
        if (order === undefined) {
          const found = await this.#query(node, 'orders', 'order', { id: done.order });
          throw new InvariantViolation(
            'orders',
            `order ${done.order} completed at height ${done.height}, but at height ${found.height} ${node.name} has it ${found.result === null ? 'not at all' : (found.result as OrderView).status}`,
          );
        }
        if (order.escrowBalance !== 0)
          throw new InvariantViolation(
            'escrow',
            `completed order ${done.order} still holds ${order.escrowBalance} in its escrow on ${node.name} at height ${height}`,
          );
        this.counts.ordersFinal++;
      }
    }
  }

  /** The escrow totals and every open order's escrow, read at one height on one node. */
  async escrow(): Promise<void> {
    const node = this.cluster.live[0];
    if (node === undefined) throw new InvariantViolation('runner', 'no live node to check the escrow on');
    for (let attempt = 0; attempt < 12; attempt++) {
      const [totals, ...lists] = await Promise.all([
        this.#query(node, 'orders', 'escrow', {}),
        ...OPEN_STATUSES.map((status) => this.#orders(node, status)),
      ]);
      const height = totals!.height;
      if (lists.some((l) => l.height !== height)) continue;
      const { held, funded, released, refunded } = totals!.result as {
        held: number;
        funded: number;
        released: number;
        refunded: number;
      };
      if (funded !== released + refunded + held)
        throw new InvariantViolation(
          'escrow',
          `at height ${height} on ${node.name} the escrows were funded ${funded} but released ${released}, refunded ${refunded} and hold ${held}`,
        );
      let owed = 0;
      for (const order of lists.flatMap((l) => l.orders)) {
        // Paid (a payer funded it): the order's total; not yet paid: nothing. The load sends nothing
        // else to an escrow, so no surplus either.
        const expected = order.payer === undefined ? 0 : order.composition.total;
        if (order.escrowBalance !== expected)
          throw new InvariantViolation(
            'escrow',
            `at height ${height} on ${node.name} open order ${order.id} (${order.status}) has ${order.escrowBalance} in escrow, owes ${expected}`,
          );
        owed += expected;
      }
      if (owed !== held)
        throw new InvariantViolation(
          'escrow',
          `at height ${height} on ${node.name} the open orders owe ${owed} but the escrows hold ${held}`,
        );
      this.counts.escrow++;
      return;
    }
    throw new InvariantViolation(
      'runner',
      'could not read the escrow and the open orders at one height in 12 tries',
    );
  }

  /** The merchant's orders in `status` (every page), with the lowest height a page was answered at. */
  async #orders(node: ChaosNode, status: string): Promise<{ height: number; orders: OrderView[] }> {
    const orders: OrderView[] = [];
    let height = Number.POSITIVE_INFINITY;
    let after: string | undefined;
    for (;;) {
      const page = await this.#query(node, 'orders', 'orders', {
        merchant: BOOK_MERCHANT,
        status,
        limit: PAGE,
        ...(after === undefined ? {} : { after }),
      });
      height = Math.min(height, page.height);
      const found = page.result as OrderView[];
      orders.push(...found);
      if (found.length < PAGE) return { height, orders };
      after = found.at(-1)!.id;
    }
  }

  /** A members-only query, signed afresh on each try (a read signature carries its time). */
  async #query(
    node: ChaosNode,
    module: string,
    name: string,
    params: unknown,
  ): Promise<{ height: number; result: unknown }> {
    const path = `/v1/query/${module}/${name}`;
    const body = JSON.stringify({ params });
    const response = await patient(node, path, () => {
      const time = Date.now();
      const signature = this.reader.sign(
        readRequestSignBytes({ chainId: CHAOS_CHAIN_ID, method: 'POST', path, time, body: utf8(body) }),
      );
      return httpJson(`${node.url}${path}`, {
        method: 'POST',
        json: { params },
        headers: {
          [READ_REQUEST_HEADER]: formatReaderHeader({ publicKey: this.reader.publicKey, time, signature }),
        },
        timeoutMs: 15_000,
      });
    });
    if (response.status !== 200)
      throw new InvariantViolation(
        'runner',
        `${module}.${name} query on ${node.name}: ${JSON.stringify(response.body)}`,
      );
    return response.body;
  }
}

/**
 * Order deadlines are governance parameters: the consortium changes them by vote, within bounds checked
 * when the proposal is submitted (and again when it is applied), and an order keeps the windows that
 * were in force when it was created.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SigningKey } from '@hanglian/core';
import {
  type OrdersParameters,
  type OrderView,
  type Proposal,
  type TestChain,
  testKey,
} from '../src/index.js';
import { assertOk } from './helpers.js';
import {
  DAY,
  HOUR,
  keys,
  type Market,
  market,
  orderKey,
  placeOrder,
  TEST_PARAMETERS,
} from './orders.market.test.js';

/** Every organisation of the market votes through its admin; brand proposes. */
const ADMINS = ['brand', 'shop', 'pay', 'reg', 'plat', 'pay2', 'post', 'express', 'live'].map((org) =>
  testKey(`${org}/admin`),
);

let m: Market;
let chain: TestChain;
// Windows long enough that an order placed before the vote is still open when the vote has passed.
const GENESIS = { paymentWindowMs: 2 * DAY, shippingWindowMs: 2 * DAY };
before(() => {
  m = market({ parameters: GENESIS });
  chain = m.chain;
});
after(() => m.close());

const order = (id: string) => chain.query<OrderView>('orders', 'order', { id });
const parameters = () => chain.query<OrdersParameters>('orders', 'parameters');

function propose(action: Record<string, unknown>) {
  return chain.submit(ADMINS[0]!, 'governance', 'submitProposal', { title: 'order windows', action });
}

/** Proposes and votes until the proposal closes; returns it. */
function decide(action: Record<string, unknown>): Proposal {
  const result = assertOk(propose(action));
  const id = (result.events[0]!.data as { id: number }).id;
  for (const admin of ADMINS.slice(1)) {
    const current = chain.query<Proposal>('governance', 'proposal', { id });
    if (current.status !== 'open') return current;
    assertOk(chain.submit(admin, 'governance', 'vote', { proposalId: id, vote: 'yes' }));
  }
  return chain.query<Proposal>('governance', 'proposal', { id });
}

function placed(key: SigningKey): string {
  const { result, id } = placeOrder(chain, { key });
  assertOk(result);
  return id;
}

describe('orders: deadlines are governance parameters', () => {
  it('a vote changes the windows of new orders; an open order keeps those it was created with', () => {
    const before = placed(orderKey(1));
    assert.equal(order(before).deadline - order(before).createdAt, GENESIS.paymentWindowMs);
    const proposal = decide({
      type: 'setOrdersParameters',
      paymentWindowMs: 8 * HOUR,
      shippingWindowMs: 3 * DAY,
    });
    assert.equal(proposal.status, 'approved');
    assert.deepEqual(
      [parameters().paymentWindowMs, parameters().shippingWindowMs, parameters().returnWindowMs],
      [8 * HOUR, 3 * DAY, TEST_PARAMETERS.returnWindowMs],
    );
    const afterVote = placed(orderKey(2));
    assert.equal(order(afterVote).deadline - order(afterVote).createdAt, 8 * HOUR);
    // The older order's deadline did not move, and its next window is the one it was created with.
    assert.equal(order(before).status, 'created');
    assert.equal(order(before).deadline - order(before).createdAt, GENESIS.paymentWindowMs);
    assertOk(chain.submit(keys.pay, 'orders', 'confirmPayment', { order: before }));
    assertOk(chain.submit(keys.pay, 'orders', 'confirmPayment', { order: afterVote }));
    assert.equal(order(before).deadline - order(before).paidAt!, GENESIS.shippingWindowMs);
    assert.equal(order(afterVote).deadline - order(afterVote).paidAt!, 3 * DAY);
  });

  it('refuses, at submission, windows outside their bounds', () => {
    for (const action of [
      { type: 'setOrdersParameters', paymentWindowMs: 1 },
      { type: 'setOrdersParameters', arbitrationWindowMs: 10 * 365 * 24 * HOUR },
      { type: 'setOrdersParameters', returnWindowMs: 0 },
    ]) {
      let code: string;
      try {
        code = propose(action).code;
      } catch (error) {
        code = (error as { code: string }).code;
      }
      assert.equal(code, 'TX_BAD_PARAMS', JSON.stringify(action));
    }
    assert.equal(parameters().paymentWindowMs, 8 * HOUR, 'nothing changed');
  });
});

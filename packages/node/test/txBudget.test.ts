// The API's budget of submitted transactions per client address (src/api/txBudget.ts), on a clock the test
// moves: a batch takes as many as it carries, the first ones in order; the window ends and the budget is
// whole again; addresses do not share one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TX_BUDGET_ADDRESSES, TxBudget } from '../src/api/txBudget.js';

describe('TxBudget', () => {
  it('grants up to the maximum per window, the first ones asked, and again once the window ends', () => {
    let now = 1_000;
    const budget = new TxBudget(5, 60_000, () => now);
    assert.deepEqual(budget.take('10.0.0.1', 3), { granted: 3, retryAfterMs: 60_000 });
    now += 10_000;
    assert.deepEqual(budget.take('10.0.0.1', 4), { granted: 2, retryAfterMs: 50_000 });
    assert.deepEqual(budget.take('10.0.0.1', 1), { granted: 0, retryAfterMs: 50_000 });
    // Another address has its own.
    assert.equal(budget.take('10.0.0.2', 5).granted, 5);
    now += 50_000;
    assert.deepEqual(budget.take('10.0.0.1', 7), { granted: 5, retryAfterMs: 60_000 });
  });

  it('keeps at most TX_BUDGET_ADDRESSES addresses, dropping the oldest when every window still runs', () => {
    const now = 0;
    const budget = new TxBudget(1, 60_000, () => now);
    for (let i = 0; i < TX_BUDGET_ADDRESSES; i++) budget.take(`a${i}`, 1);
    assert.equal(budget.take('a0', 1).granted, 0, 'a0 spent its budget');
    assert.equal(budget.take('newcomer', 1).granted, 1);
    assert.equal(budget.addresses, TX_BUDGET_ADDRESSES, 'no more addresses than the cap');
    // The oldest, a0, was dropped: it starts a new window (lenient, never stricter).
    assert.equal(budget.take('a1', 1).granted, 0, 'a1 is still held');
    assert.equal(budget.take('a0', 1).granted, 1);
  });

  it('sweeps out the windows that ended once it holds many addresses', () => {
    let now = 0;
    const budget = new TxBudget(1, 1_000, () => now);
    for (let i = 0; i < TX_BUDGET_ADDRESSES; i++) budget.take(`a${i}`, 1);
    now += 1_000;
    // A new address past the sweep threshold clears the ended windows; an old one starts afresh.
    assert.equal(budget.addresses, TX_BUDGET_ADDRESSES);
    assert.equal(budget.take('new', 1).granted, 1);
    assert.equal(budget.addresses, 1, 'only the new address is kept');
    assert.equal(budget.take('a0', 1).granted, 1);
    assert.equal(budget.take('a0', 1).granted, 0);
  });
});

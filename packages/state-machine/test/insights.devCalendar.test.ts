// The development calendar of insights: only a genesis that declares a dev network may use it; in it a
// month lasts `devCalendarMonthMs` of block time from the genesis time, so months close in minutes on a
// fresh devnet (and 带数 has closed months to show), derived from block time alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  closedStore,
  ExecutionErrors,
  insightsParameters,
  periodsOf,
  standardTestNetwork,
  TestChain,
} from '../src/index.js';
import { thrownCode } from './helpers.js';

const MONTH_MS = 60_000;

describe('insights: the development calendar', () => {
  it('is refused in a genesis that does not declare a dev network', () => {
    const genesis = standardTestNetwork().build();
    genesis.modules.insights = { devCalendarMonthMs: MONTH_MS };
    assert.equal(
      thrownCode(() => new TestChain(genesis)),
      ExecutionErrors.GENESIS_INVALID,
    );
    assert.equal(
      thrownCode(() => new TestChain({ ...genesis, dev: false })),
      ExecutionErrors.GENESIS_INVALID,
    );
  });

  it('maps block time to months of monthMs from the genesis, 28 days each', () => {
    const epoch = Date.UTC(2026, 10, 20, 4); // 2026-11-20 12:00 in UTC+8
    const calendar = { utcOffsetMinutes: 480, devCalendar: { monthMs: MONTH_MS, epoch } };
    assert.deepEqual(periodsOf(epoch, calendar), { month: '2026-11', day: '2026-11-01' });
    assert.deepEqual(periodsOf(epoch + MONTH_MS - 1, calendar), { month: '2026-11', day: '2026-11-28' });
    assert.deepEqual(periodsOf(epoch + MONTH_MS, calendar), { month: '2026-12', day: '2026-12-01' });
    assert.deepEqual(periodsOf(epoch + 2 * MONTH_MS + MONTH_MS / 2, calendar), {
      month: '2027-01',
      day: '2027-01-15',
    });
  });

  it('closes months as block time passes them on a dev network', () => {
    const genesis = { ...standardTestNetwork().build(), dev: true };
    genesis.modules.insights = { devCalendarMonthMs: MONTH_MS };
    // One block per 10 s of block time: a month every 6 blocks.
    const chain = new TestChain(genesis, { blockIntervalMs: 10_000 });
    const calendar = insightsParameters(chain.state);
    assert.deepEqual(calendar.devCalendar, { monthMs: MONTH_MS, epoch: genesis.genesisTime });
    for (let i = 0; i < 20; i++) chain.executeBlock([]);
    const first = periodsOf(genesis.genesisTime, calendar).month;
    assert.notEqual(closedStore.get(chain.state, first), undefined, `${first} is closed`);
    const closed = [...closedStore.entries(chain.state)].map(([month]) => month);
    assert.equal(closed.length, 3, `three months closed after 200 s of block time: ${closed.join(', ')}`);
  });
});

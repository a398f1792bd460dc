import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_GAS_SCHEDULE } from '@hanglian/contract-runtime';
import { LOGISTICS_QUOTE_STANDARD, runConformanceLocally } from '../src/testing/index.js';

// What `contract build` emits for a project whose src/contract.ts default-exports defineContract({...}).
const GOOD = `(() => {
  var methods = {
    quote(w, f, t) {
      if (t === 'atlantis' || f === 'atlantis') throw new Error('route not served');
      return { price: 500 + w, days: 2 };
    },
    ship(orderRef, w, f, t) {
      if (globalThis.chain.state.get('shipment/' + orderRef) !== null) throw new Error('dup');
      globalThis.chain.state.set('shipment/' + orderRef, 'booked');
      globalThis.chain.emit('shipped', { orderRef });
      return this.quote(w, f, t);
    },
  };
  globalThis.contract = methods;
})();`;

describe('local conformance runner', () => {
  it('passes a conforming bundle and reports every vector', async () => {
    const seen: string[] = [];
    const report = await runConformanceLocally({
      standard: LOGISTICS_QUOTE_STANDARD,
      source: GOOD,
      onVector: (v) => seen.push(v.vector),
    });
    assert.equal(report.passed, true, JSON.stringify(report.vectors));
    assert.deepEqual(
      seen,
      LOGISTICS_QUOTE_STANDARD.vectors.map((v) => v.name),
    );
    assert.ok(report.gasUsed > 4 * DEFAULT_GAS_SCHEDULE.callBase);
  });

  it('reports each failing vector with the reason', async () => {
    const broken = GOOD.replace("'booked'", "'BOOKED'");
    const report = await runConformanceLocally({ standard: LOGISTICS_QUOTE_STANDARD, source: broken });
    assert.equal(report.passed, false);
    const failed = report.vectors.filter((v) => !v.passed);
    assert.deepEqual(
      failed.map((v) => v.vector),
      ['books a shipment'],
    );
    assert.match(failed[0]!.failure!, /expected "booked", got "BOOKED"/);
  });
});

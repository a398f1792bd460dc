import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GasMeter } from '../src/index.js';

describe('gas meter', () => {
  it('charges up to its limit and stops there', () => {
    const meter = new GasMeter(100);
    assert.equal(meter.charge(60), true);
    assert.equal(meter.charge(40), true);
    assert.equal(meter.charge(1), false);
    assert.equal(meter.isExhausted, true);
  });

  it('fails closed on a charge that is not a finite non-negative number', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -5]) {
      const meter = new GasMeter(1_000_000);
      assert.equal(meter.charge(bad), false, String(bad));
      assert.equal(meter.isExhausted, true, String(bad));
      // Nothing afterwards revives it.
      assert.equal(meter.charge(1), false);
    }
  });
});

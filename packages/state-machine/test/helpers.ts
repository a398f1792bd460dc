import assert from 'node:assert/strict';
import { HanglianError, RESULT_OK, type TxResult } from '@hanglian/core';

/** The code of the HanglianError `fn` throws (fails the test if it throws nothing or something else). */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HanglianError, `expected a HanglianError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected an error');
}

export function assertOk(result: TxResult): TxResult {
  assert.equal(result.code, RESULT_OK, `expected OK, got ${result.code}: ${result.message}`);
  return result;
}

export function assertFails(result: TxResult, code: string): void {
  assert.equal(result.code, code, `expected ${code}, got ${result.code}: ${result.message}`);
  assert.deepEqual(result.events, [], 'a failed transaction emits no events');
}

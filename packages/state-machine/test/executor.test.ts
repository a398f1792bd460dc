import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTx, HanglianError, signedTxCodec, utf8 } from '@hanglian/core';
import { Type } from '@sinclair/typebox';
import {
  type Command,
  createKernel,
  ExecutionErrors,
  type Module,
  nonceStore,
  StateOverlay,
  standardTestNetwork,
  TestChain,
  testAddress,
  testKey,
} from '../src/index.js';
import { assertFails, assertOk, thrownCode } from './helpers.js';

const PROBE_KEY = utf8('probe/data/x');

/** A module whose commands write, emit and then fail (or not), to observe the executor's rules. */
function probeModule(): Module {
  const params = Type.Object({ fail: Type.Boolean() }, { additionalProperties: false });
  const write: Command<typeof params> = {
    name: 'write',
    summary: 'Writes a key and emits an event, then fails if asked to.',
    paramsSchema: params,
    execute(ctx) {
      ctx.state.set(PROBE_KEY, utf8('written'));
      ctx.emit('written', { fail: ctx.params.fail });
      if (ctx.params.fail) throw new HanglianError(ExecutionErrors.TX_FORBIDDEN, 'asked to fail');
    },
  };
  const crash: Command<typeof params> = {
    name: 'crash',
    summary: 'Throws a plain Error (a bug).',
    paramsSchema: params,
    execute() {
      throw new TypeError('boom');
    },
  };
  return { name: 'probe', commands: [write, crash], queries: [], stores: [] };
}

function probeChain(): TestChain {
  return new TestChain(standardTestNetwork().build(), {
    kernel: createKernel({ extraModules: [probeModule()] }),
  });
}

const admin = testKey('brand/admin');

describe('executor rules', () => {
  it('rejects an unknown module or command', () => {
    const chain = new TestChain();
    assert.equal(
      thrownCode(() => chain.submit(admin, 'nope', 'x', {})),
      ExecutionErrors.TX_UNKNOWN_COMMAND,
    );
    assert.equal(
      thrownCode(() => chain.submit(admin, 'settlement', 'mint', {})),
      ExecutionErrors.TX_UNKNOWN_COMMAND,
    );
    assert.equal(chain.height, 0, 'no block is made for a transaction that fails authentication');
  });

  it('rejects parameters that do not match the command schema', () => {
    const chain = new TestChain();
    const code = thrownCode(() => chain.submit(admin, 'settlement', 'transfer', { to: 'nobody', amount: 1 }));
    assert.equal(code, ExecutionErrors.TX_BAD_PARAMS);
    const zero = thrownCode(() =>
      chain.submit(admin, 'settlement', 'transfer', { to: testAddress('x'), amount: 0 }),
    );
    assert.equal(zero, ExecutionErrors.TX_BAD_PARAMS);
  });

  it('rejects an expired transaction and one whose expiry is too far ahead', () => {
    const chain = new TestChain();
    chain.advance(5);
    const params = { to: testAddress('x'), amount: 1 };
    assert.equal(
      thrownCode(() => chain.submit(admin, 'settlement', 'transfer', params, { expiresAt: 5 })),
      ExecutionErrors.TX_EXPIRED,
    );
    assert.equal(
      thrownCode(() => chain.submit(admin, 'settlement', 'transfer', params, { expiresAt: 6 + 10_001 })),
      ExecutionErrors.TX_EXPIRY_TOO_FAR,
    );
    // Expiring exactly at the block's height is still in time.
    assert.equal(
      chain.submit(admin, 'settlement', 'transfer', params, { expiresAt: 6 }).code,
      'SETTLEMENT_INSUFFICIENT_BALANCE',
    );
  });

  it('rejects a submitter that is not a member identity', () => {
    const chain = new TestChain();
    const stranger = testKey('stranger');
    assert.equal(
      thrownCode(() => chain.submit(stranger, 'settlement', 'transfer', { to: testAddress('x'), amount: 1 })),
      ExecutionErrors.TX_NOT_MEMBER,
    );
  });

  it('rejects a replayed nonce and a nonce gap', () => {
    const chain = probeChain();
    assertOk(chain.submit(admin, 'probe', 'write', { fail: false }));
    assert.equal(
      thrownCode(() => chain.submit(admin, 'probe', 'write', { fail: false }, { nonce: 0 })),
      ExecutionErrors.TX_NONCE_TOO_LOW,
    );
    assert.equal(
      thrownCode(() => chain.submit(admin, 'probe', 'write', { fail: false }, { nonce: 3 })),
      ExecutionErrors.TX_NONCE_GAP,
    );
    assertOk(chain.submit(admin, 'probe', 'write', { fail: false }, { nonce: 1 }));
  });

  it('rejects a bad signature, and a block that contains one is invalid', () => {
    const chain = probeChain();
    const tx = chain.buildTx(admin, 'probe', 'write', { fail: false });
    const signed = signedTxCodec.decode(tx.bytes);
    const signature = new Uint8Array(signed.signatures[0]!);
    signature[0] = (signature[0] ?? 0) ^ 1;
    const forged = decodeTx(signedTxCodec.encode({ body: signed.body, signatures: [signature] }));
    const execution = chain.executeBlock([forged]);
    assert.equal(execution.txResults.length, 0);
    assert.equal(execution.excluded[0]?.error.code, 'TX_BAD_SIGNATURE');
    assert.equal(
      thrownCode(() =>
        chain.machine.executeBlock(chain.blockInfo(), [forged], new StateOverlay(chain.state), 'verify'),
      ),
      ExecutionErrors.BLOCK_TX_INVALID,
    );
  });

  it('reverts the writes of a failed command but consumes its nonce; events only on success', () => {
    const chain = probeChain();
    const failed = chain.submit(admin, 'probe', 'write', { fail: true });
    assertFails(failed, ExecutionErrors.TX_FORBIDDEN);
    assert.equal(chain.state.get(PROBE_KEY), undefined, 'the failed write is reverted');
    assert.equal(nonceStore.get(chain.state, testAddress('brand/admin'))?.next, 1, 'the nonce is consumed');
    const ok = assertOk(chain.submit(admin, 'probe', 'write', { fail: false }));
    assert.equal(ok.events.length, 1);
    assert.deepEqual(ok.events[0], { module: 'probe', name: 'written', topics: [], data: { fail: false } });
    assert.ok(chain.state.get(PROBE_KEY) !== undefined);
  });

  it('turns an unexpected error into TX_FAILED for that transaction only', () => {
    const chain = probeChain();
    const result = chain.submit(admin, 'probe', 'crash', { fail: false });
    assertFails(result, ExecutionErrors.TX_FAILED);
    assert.equal(result.message, 'command failed with an internal TypeError');
    assertOk(chain.submit(admin, 'probe', 'write', { fail: false }));
  });

  it('runs several transactions of one sender in one block in nonce order', () => {
    const chain = probeChain();
    const txs = [0, 1, 2].map(() => chain.buildTx(admin, 'probe', 'write', { fail: false }));
    const execution = chain.executeBlock(txs);
    assert.deepEqual(
      execution.txResults.map((r) => r.code),
      ['OK', 'OK', 'OK'],
    );
    assert.equal(chain.nextNonce(testAddress('brand/admin')), 3);
  });

  it("stops a proposal at the proposer's gas limit; the rest wait, and verifying ignores the limit", () => {
    const chain = probeChain();
    const txs = [0, 1, 2, 3].map(() => chain.buildTx(admin, 'probe', 'write', { fail: false }));
    const one = new StateOverlay(chain.state);
    const full = chain.machine.executeBlock(chain.blockInfo(), txs, one, 'propose');
    const gasOfOne = full.txResults[0]!.gasUsed;
    assert.ok(gasOfOne > 0);
    // A limit just above two transactions' gas: the third crosses it, the fourth waits.
    const capped = chain.machine.executeBlock(
      chain.blockInfo(),
      txs,
      new StateOverlay(chain.state),
      'propose',
      { maxGas: 2 * gasOfOne + 1 },
    );
    assert.equal(capped.included.length, 3);
    assert.equal(capped.excluded.length, 0, 'waiting is not exclusion: the mempool keeps them');
    const verified = chain.machine.executeBlock(
      chain.blockInfo(),
      txs,
      new StateOverlay(chain.state),
      'verify',
      {
        maxGas: 1,
      },
    );
    assert.equal(verified.included.length, 4);
  });
});

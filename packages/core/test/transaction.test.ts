import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addressFromPublicKey,
  CoreErrors,
  decodeTx,
  ed25519Sha256,
  HanglianError,
  signedTxCodec,
  signTx,
  type TxBody,
  txBodyCodec,
  verifyTxSignatures,
} from '../src/index.js';

const suite = ed25519Sha256;
const submitter = suite.signingKeyFromSeed(new Uint8Array(32).fill(7));
const actor = suite.signingKeyFromSeed(new Uint8Array(32).fill(9));

function body(overrides: Partial<TxBody> = {}): TxBody {
  return {
    v: 1,
    chainId: 'hanglian-test',
    module: 'settlement',
    command: 'transfer',
    params: { to: addressFromPublicKey(actor.publicKey), amount: 100 },
    submitter: submitter.publicKey,
    nonce: 0,
    expiresAt: 100,
    actors: [],
    ...overrides,
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HanglianError);
    return error.code;
  }
  assert.fail('expected an error');
}

describe('transactions', () => {
  it('signs and verifies with submitter and actors', () => {
    const bytes = signTx(body({ actors: [actor.publicKey] }), submitter, [actor]);
    const tx = decodeTx(bytes, 'hanglian-test');
    verifyTxSignatures(tx, suite);
    assert.equal(tx.submitter, addressFromPublicKey(submitter.publicKey));
    assert.deepEqual(tx.actors, [addressFromPublicKey(actor.publicKey)]);
    assert.equal(tx.id.byteLength, 32);
  });

  it('has an id that depends on the body only', () => {
    const a = decodeTx(signTx(body(), submitter));
    const b = decodeTx(signTx(body(), submitter));
    const c = decodeTx(signTx(body({ nonce: 1 }), submitter));
    assert.deepEqual(a.id, b.id);
    assert.notDeepEqual(a.id, c.id);
  });

  it('rejects a tampered body, a wrong key and a missing actor signature', () => {
    const good = signedTxCodec.decode(signTx(body(), submitter));
    const tamperedBody = txBodyCodec.encode(body({ params: { to: 'x', amount: 1_000_000 } }));
    const tampered = signedTxCodec.encode({ body: tamperedBody, signatures: good.signatures });
    assert.equal(
      codeOf(() => verifyTxSignatures(decodeTx(tampered), suite)),
      CoreErrors.TX_BAD_SIGNATURE,
    );

    const byOther = signTx(body(), actor); // body names `submitter` but `actor` signed
    assert.equal(
      codeOf(() => verifyTxSignatures(decodeTx(byOther), suite)),
      CoreErrors.TX_BAD_SIGNATURE,
    );

    const missing = signTx(body({ actors: [actor.publicKey] }), submitter, []);
    assert.equal(
      codeOf(() => decodeTx(missing)),
      CoreErrors.TX_SIGNATURE_COUNT,
    );
  });

  it('rejects another chain id', () => {
    assert.equal(
      codeOf(() => decodeTx(signTx(body(), submitter), 'other-chain')),
      CoreErrors.TX_WRONG_CHAIN,
    );
  });

  it('rejects bodies that break the schema', () => {
    assert.equal(
      codeOf(() => signTx(body({ nonce: -1 }), submitter)),
      CoreErrors.SCHEMA_MISMATCH,
    );
    assert.equal(
      codeOf(() => signTx(body({ module: 'Bad Name' }), submitter)),
      CoreErrors.SCHEMA_MISMATCH,
    );
    assert.equal(
      codeOf(() => signTx(body({ params: { blob: new Uint8Array(70_000) } }), submitter)),
      CoreErrors.ENCODING_TOO_LARGE,
    );
  });

  it('never prints a private seed', async () => {
    const { inspect } = await import('node:util');
    const seedHex = Buffer.from(submitter.exportSeed()).toString('hex');
    assert.ok(!inspect(submitter).includes(seedHex));
    assert.ok(!JSON.stringify(submitter).includes(seedHex));
  });
});

// Bad input at the node's door: every malformed, forged, replayed, misdirected or oversized submission is
// refused with its stable code, nothing of it reaches a block, and the node keeps committing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addressFromPublicKey,
  bytesToHex,
  concatBytes,
  ed25519Sha256,
  encodeCanonical,
  signedTxCodec,
} from '@hanglian/core';
import type { HanglianNode } from '../src/index.js';
import { createTestNetwork, http, makeTx, startTestNode, submitHex, type TestNetwork } from './helpers.js';

describe('bad input', () => {
  let net: TestNetwork;
  let node: HanglianNode;
  const refusedIds: string[] = [];
  let goodCount = 0;

  before(async () => {
    net = createTestNetwork();
    node = await startTestNode(net, { blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 100 } });
  });
  after(async () => {
    await node.stop();
    net.remove();
  });

  const to = () => addressFromPublicKey(net.key('bookpress/ops').publicKey);
  const transfer = (nonce: number, extra: Partial<Parameters<typeof makeTx>[1]> = {}) =>
    makeTx(net.key('bookstore/ops'), {
      module: 'settlement',
      command: 'transfer',
      params: { to: to(), amount: 1 },
      nonce,
      ...extra,
    });

  async function expectRefused(
    tx: Uint8Array | { json: unknown } | { raw: Uint8Array },
    status: number,
    code: string,
    /** False for a replay: its id is that of the committed original. */
    trackId = true,
  ) {
    const response =
      tx instanceof Uint8Array
        ? await submitHex(node.apiUrl, tx, false)
        : await http(node.apiUrl, '/v1/txs', tx as { json?: unknown; raw?: Uint8Array });
    assert.equal(response.status, status, JSON.stringify(response.body));
    assert.equal(response.body.code, code, JSON.stringify(response.body));
    assert.equal(typeof response.body.message, 'string');
    if (tx instanceof Uint8Array && trackId) {
      try {
        const decoded = signedTxCodec.decode(tx);
        refusedIds.push(bytesToHex(ed25519Sha256.hash(decoded.body)));
      } catch {
        // not decodable: it has no id to look for
      }
    }
  }

  it('accepts a good transaction first', async () => {
    const response = await submitHex(node.apiUrl, transfer(0));
    assert.equal(response.body.status, 'committed');
    goodCount++;
  });

  it('refuses malformed bytes', async () => {
    await expectRefused({ json: { tx: 'zz' } }, 400, 'ENCODING_MALFORMED');
    await expectRefused({ json: { tx: '00ff' } }, 400, 'ENCODING_MALFORMED');
    await expectRefused({ raw: new Uint8Array([0xa1, 0x61]) }, 400, 'ENCODING_MALFORMED');
    await expectRefused({ json: { nope: 1 } }, 400, 'BAD_REQUEST');
    await expectRefused({ json: { tx: 'a0' } }, 400, 'SCHEMA_MISMATCH');
  });

  it('refuses non-canonical encodings', async () => {
    const good = transfer(1);
    // The same map with its length written in a longer form than needed.
    const padded = new Uint8Array([0xb8, 0x02, ...good.subarray(1)]);
    await expectRefused({ raw: padded }, 400, 'ENCODING_MALFORMED');
    // The same map with its keys out of canonical order: valid CBOR, one value, but a second encoding.
    const signed = signedTxCodec.decode(good);
    const reordered = concatBytes(
      new Uint8Array([0xa2]),
      encodeCanonical('signatures'),
      encodeCanonical(signed.signatures),
      encodeCanonical('body'),
      encodeCanonical(signed.body),
    );
    await expectRefused({ raw: reordered }, 400, 'ENCODING_NOT_CANONICAL');
  });

  it('refuses a bad signature', async () => {
    const signed = signedTxCodec.decode(transfer(1));
    const sig = new Uint8Array(signed.signatures[0]!);
    sig[0] = (sig[0]! + 1) % 256;
    // Not tracked by id: ids depend on the body only, and this body is committed later with a good signature.
    await expectRefused(
      signedTxCodec.encode({ body: signed.body, signatures: [sig] }),
      401,
      'TX_BAD_SIGNATURE',
      false,
    );
  });

  it('refuses another chain id', async () => {
    await expectRefused(transfer(1, { chainId: 'other-chain' }), 400, 'TX_WRONG_CHAIN');
  });

  it('refuses a replay of a committed transaction', async () => {
    await expectRefused(transfer(0), 409, 'TX_NONCE_TOO_LOW', false);
  });

  it('refuses oversized payloads', async () => {
    await expectRefused({ raw: new Uint8Array(70 * 1024) }, 413, 'ENCODING_TOO_LARGE');
    await expectRefused({ json: { tx: 'ab'.repeat(200 * 1024) } }, 413, 'ENCODING_TOO_LARGE');
  });

  it('refuses unknown commands and bad params', async () => {
    await expectRefused(transfer(1, { module: 'settlement', command: 'steal' }), 400, 'TX_UNKNOWN_COMMAND');
    await expectRefused(transfer(1, { module: 'nomodule', command: 'x' }), 400, 'TX_UNKNOWN_COMMAND');
    await expectRefused(transfer(1, { params: { to: 'me', amount: -5 } }), 400, 'TX_BAD_PARAMS');
  });

  it('refuses non-members and expired transactions', async () => {
    const stranger = ed25519Sha256.generateSigningKey();
    await expectRefused(
      makeTx(stranger, {
        module: 'settlement',
        command: 'transfer',
        params: { to: to(), amount: 1 },
        nonce: 0,
      }),
      403,
      'TX_NOT_MEMBER',
    );
    await expectRefused(transfer(1, { expiresAt: 0 }), 400, 'TX_EXPIRED');
    await expectRefused(transfer(1, { expiresAt: 10_000_000 }), 400, 'TX_EXPIRY_TOO_FAR');
  });

  it('kept nothing it refused and keeps committing', async () => {
    const response = await submitHex(node.apiUrl, transfer(1));
    assert.equal(response.body.status, 'committed', JSON.stringify(response.body));
    goodCount++;
    for (const id of refusedIds) {
      const status = await http(node.apiUrl, `/v1/txs/${id}`);
      assert.equal(status.body.status, 'unknown', `refused ${id} is ${status.body.status}`);
    }
    let stored = 0;
    for (let h = 1; h <= node.chain.height; h++) stored += node.chain.getBlock(h)!.txs.length;
    assert.equal(stored, goodCount);
    assert.equal(node.mempool.size, 0);
  });
});

/**
 * Sealed delivery details: only the named recipients open them, with their own key and the order's
 * context; any change to the envelope, a wrong key or another order's context fails; sizes say nothing
 * of an address's length.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bytesToHex,
  encodeCanonical,
  HanglianError,
  SEALED_CONTENT_BYTES,
  SEALED_MAX_CONTENT_BYTES,
  sealedEnvelopeCodec,
  sealedEnvelopeProblem,
} from '@hanglian/core';
import {
  type DeliveryDetails,
  generateEncryptionKey,
  openDelivery,
  openSealed,
  SdkErrors,
  sealDelivery,
  sealedRecipients,
  sealTo,
} from '../src/index.js';
import { LARGEST_REALISTIC_DELIVERY } from './helpers.js';

const carrier = generateEncryptionKey();
const shop = generateEncryptionKey();
const stranger = generateEncryptionKey();
const details: DeliveryDetails = {
  name: '李华',
  phone: '+86 138 0013 8000',
  address: '北京市海淀区中关村大街 27 号 3 单元 502',
  region: 'CN-11',
  postcode: '100080',
};
const context = 'hl1orderkeyaddress';
const recipients = [
  { org: 'carrier-a', publicKey: carrier.publicKey },
  { org: 'bookstore', publicKey: shop.publicKey },
];

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HanglianError, String(error));
    return error.code;
  }
  assert.fail('expected an error');
}

describe('sealDelivery / openDelivery', () => {
  const sealed = sealDelivery(details, recipients, { context });

  it('opens for each named recipient with its key and the order context', () => {
    assert.deepEqual(openDelivery(sealed, 'carrier-a', carrier.privateKey, { context }), details);
    assert.deepEqual(openDelivery(sealed, 'bookstore', shop.privateKey, { context }), details);
    assert.deepEqual(sealedRecipients(sealed), ['bookstore', 'carrier-a']);
    assert.equal(sealedEnvelopeProblem(sealed), undefined);
  });

  it('does not open for anyone else, with a wrong key, or for another order', () => {
    assert.equal(
      codeOf(() => openDelivery(sealed, 'platform-a', stranger.privateKey, { context })),
      SdkErrors.SDK_SEALED_NOT_RECIPIENT,
    );
    assert.equal(
      codeOf(() => openDelivery(sealed, 'carrier-a', stranger.privateKey, { context })),
      SdkErrors.SDK_SEALED_NOT_RECIPIENT,
    );
    assert.equal(
      codeOf(() => openDelivery(sealed, 'carrier-a', carrier.privateKey, { context: 'hl1another' })),
      SdkErrors.SDK_SEALED_OPEN_FAILED,
    );
  });

  it('fails on any altered byte, and on a recipient dropped or a key swapped in the header', () => {
    let altered = 0;
    for (let i = 0; i < sealed.byteLength; i++) {
      const copy = new Uint8Array(sealed);
      copy[i]! ^= 0x01;
      try {
        openDelivery(copy, 'carrier-a', carrier.privateKey, { context });
        assert.fail(`byte ${i} altered and it still opened`);
      } catch (error) {
        assert.ok(error instanceof HanglianError);
        altered++;
      }
    }
    assert.equal(altered, sealed.byteLength);
    const envelope = sealedEnvelopeCodec.decode(sealed);
    // The shop is dropped from the list: the header is authenticated, so the carrier's copy fails too.
    const dropped = sealedEnvelopeCodec.encode({
      ...envelope,
      recipients: envelope.recipients.filter((r) => r.org === 'carrier-a'),
    });
    assert.equal(
      codeOf(() => openDelivery(dropped, 'carrier-a', carrier.privateKey, { context })),
      SdkErrors.SDK_SEALED_OPEN_FAILED,
    );
    // The content of another envelope under this header does not open.
    const other = sealedEnvelopeCodec.decode(sealDelivery(details, recipients, { context }));
    const spliced = sealedEnvelopeCodec.encode({ ...envelope, ciphertext: other.ciphertext });
    assert.equal(
      codeOf(() => openDelivery(spliced, 'carrier-a', carrier.privateKey, { context })),
      SdkErrors.SDK_SEALED_OPEN_FAILED,
    );
  });

  it('pads: envelopes of short and long addresses have the same size, and no two share bytes', () => {
    const short = sealDelivery({ ...details, address: '1 号' }, recipients, { context });
    const long = sealDelivery({ ...details, address: '北京市海淀区'.repeat(20) }, recipients, { context });
    assert.equal(short.byteLength, long.byteLength);
    const again = sealDelivery(details, recipients, { context });
    const a = sealedEnvelopeCodec.decode(sealed);
    const b = sealedEnvelopeCodec.decode(again);
    assert.notEqual(bytesToHex(a.epk), bytesToHex(b.epk));
    assert.notEqual(bytesToHex(a.ciphertext.subarray(0, 32)), bytesToHex(b.ciphertext.subarray(0, 32)));
    assert.ok(!new TextDecoder().decode(sealed).includes('海淀'));
  });

  // Found from outside (issue 16): padding to multiples of 512 bytes gave a consumer with a long address
  // or note envelopes of a distinctive size, linking their orders.
  it('every envelope has one size, from the shortest details to the longest that fit', () => {
    const sizes = new Set<number>();
    const fits = (note: string) => {
      // Details are sealed in the canonical encoding.
      return encodeCanonical({ ...details, note }).byteLength <= SEALED_MAX_CONTENT_BYTES;
    };
    let longest = '';
    while (fits(`${longest}写`)) longest += '写';
    for (const note of ['', 'x', '请放在门口'.repeat(10), 'n'.repeat(600), longest]) {
      const envelope = sealDelivery({ ...details, note }, recipients, { context });
      sizes.add(envelope.byteLength);
      assert.equal(sealedEnvelopeCodec.decode(envelope).ciphertext.byteLength, SEALED_CONTENT_BYTES + 16);
    }
    assert.equal(sizes.size, 1, `sizes ${[...sizes].join(', ')}`);
    assert.equal(
      codeOf(() => sealDelivery({ ...details, note: `${longest}写写` }, recipients, { context })),
      SdkErrors.SDK_SEALED_TOO_LARGE,
    );
  });

  it('the largest realistic details seal to four recipients at the one size the orders module accepts', () => {
    const content = encodeCanonical({ ...LARGEST_REALISTIC_DELIVERY }).byteLength;
    assert.ok(content > 500 && content <= SEALED_MAX_CONTENT_BYTES, `${content} bytes of details`);
    const four = ['bookstore', 'carrier-a', 'paybank-a', 'platform-a'].map((org) => ({
      org,
      publicKey: generateEncryptionKey().publicKey,
    }));
    four[1] = { org: 'carrier-a', publicKey: carrier.publicKey };
    const largest = sealDelivery(LARGEST_REALISTIC_DELIVERY, four, { context });
    const shortest = sealDelivery({ name: '李', phone: '1', address: '1', region: 'CN-11' }, four, {
      context,
    });
    assert.equal(sealedEnvelopeProblem(largest), undefined, 'create refuses no envelope the SDK seals');
    assert.equal(largest.byteLength, shortest.byteLength, 'no size tells the long address');
    assert.equal(sealedEnvelopeCodec.decode(largest).ciphertext.byteLength, SEALED_CONTENT_BYTES + 16);
    assert.deepEqual(openDelivery(largest, 'carrier-a', carrier.privateKey, { context }), {
      ...LARGEST_REALISTIC_DELIVERY,
    });
    // Beyond what an envelope carries: the SDK's clear error, before anything could be sent.
    const tooLong = { ...LARGEST_REALISTIC_DELIVERY, note: LARGEST_REALISTIC_DELIVERY.note.repeat(8) };
    assert.equal(
      codeOf(() => sealDelivery(tooLong, four, { context })),
      SdkErrors.SDK_SEALED_TOO_LARGE,
    );
  });

  it('refuses bad details, no or repeated recipients, an unusable key and too much content', () => {
    const bad = (fn: () => unknown) => assert.equal(codeOf(fn), SdkErrors.SDK_SEALED_INVALID);
    bad(() => sealDelivery({ ...details, name: '' }, recipients, { context }));
    bad(() => sealDelivery({ ...details, email: 'x' } as DeliveryDetails, recipients, { context }));
    bad(() => sealDelivery(details, [], { context }));
    bad(() => sealDelivery(details, [recipients[0]!, recipients[0]!], { context }));
    bad(() => sealDelivery(details, [{ org: 'carrier-a', publicKey: new Uint8Array(32) }], { context }));
    assert.equal(
      codeOf(() => sealTo(new Uint8Array(SEALED_MAX_CONTENT_BYTES + 1), recipients)),
      SdkErrors.SDK_SEALED_TOO_LARGE,
    );
    bad(() => openSealed(new Uint8Array(10), 'carrier-a', carrier.privateKey));
  });
});

// The two implementations of the crypto suite (node:crypto on Node, @noble under the `browser` condition)
// must be indistinguishable on the wire: same hashes, same keys from the same seeds, same signatures (Ed25519
// is deterministic), and each accepts exactly what the other produces and refuses the same forgeries.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as browserSuite from '../src/crypto/ed25519.browser.js';
import * as nodeSuite from '../src/crypto/ed25519.node.js';
import * as browserHash from '../src/crypto/hash.browser.js';
import * as nodeHash from '../src/crypto/hash.node.js';
import {
  bytesToHex,
  CRYPTO_HASH_IMPLEMENTATION,
  CRYPTO_SIGNATURE_IMPLEMENTATION,
  hexToBytes,
} from '../src/index.js';

const nodeEd = nodeSuite.ed25519Sha256;
const browserEd = browserSuite.ed25519Sha256;
const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });
const seed32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('crypto implementations (node:crypto and @noble)', () => {
  it('the package resolves node:crypto on Node', () => {
    assert.equal(CRYPTO_HASH_IMPLEMENTATION, 'node:crypto');
    assert.equal(CRYPTO_SIGNATURE_IMPLEMENTATION, 'node:crypto');
  });

  it('the package resolves @noble under the browser condition, and the chain code still works there', () => {
    // A child process resolving with `--conditions=browser` is what a bundler targeting browsers does.
    const index = fileURLToPath(new URL('../src/index.js', import.meta.url));
    const script = `
      const core = await import(${JSON.stringify(index)});
      const key = core.ed25519Sha256.signingKeyFromSeed(new Uint8Array(32).fill(7));
      const signature = key.sign(core.utf8('hello'));
      console.log(JSON.stringify({
        hash: core.CRYPTO_HASH_IMPLEMENTATION,
        signature: core.CRYPTO_SIGNATURE_IMPLEMENTATION,
        sha: core.bytesToHex(core.sha256(core.utf8('abc'))),
        publicKey: core.bytesToHex(key.publicKey),
        sig: core.bytesToHex(signature),
      }));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--conditions=browser', '--input-type=module', '-e', script], {
        encoding: 'utf8',
      }),
    );
    assert.equal(out.hash, '@noble/hashes');
    assert.equal(out.signature, '@noble/curves');
    assert.equal(out.sha, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const nodeKey = nodeEd.signingKeyFromSeed(new Uint8Array(32).fill(7));
    assert.equal(out.publicKey, bytesToHex(nodeKey.publicKey));
    assert.equal(out.sig, bytesToHex(nodeKey.sign(new TextEncoder().encode('hello'))));
  });

  it('SHA-256 agrees on known vectors and random inputs, in one piece and in parts', () => {
    for (const impl of [nodeHash, browserHash]) {
      assert.equal(
        bytesToHex(impl.sha256(new Uint8Array())),
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      );
    }
    fc.assert(
      fc.property(fc.array(bytes(300), { maxLength: 5 }), (parts) => {
        const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let offset = 0;
        for (const p of parts) {
          joined.set(p, offset);
          offset += p.length;
        }
        const expected = bytesToHex(nodeHash.sha256(joined));
        assert.equal(bytesToHex(browserHash.sha256(joined)), expected);
        assert.equal(bytesToHex(nodeHash.sha256Concat(...parts)), expected);
        assert.equal(bytesToHex(browserHash.sha256Concat(...parts)), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('RFC 8032 test vector 2 gives the same key and signature in both', () => {
    const seed = hexToBytes('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
    const message = hexToBytes('72');
    const publicKey = '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c';
    const signature =
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00';
    for (const suite of [nodeEd, browserEd]) {
      const key = suite.signingKeyFromSeed(seed);
      assert.equal(bytesToHex(key.publicKey), publicKey);
      assert.equal(bytesToHex(key.sign(message)), signature);
    }
  });

  it('same seeds give the same keys and signatures; each verifies the other and refuses tampering', () => {
    fc.assert(
      fc.property(seed32, bytes(200), fc.nat(63), (seed, message, flip) => {
        const a = nodeEd.signingKeyFromSeed(seed);
        const b = browserEd.signingKeyFromSeed(seed);
        assert.equal(bytesToHex(a.publicKey), bytesToHex(b.publicKey));
        const signature = a.sign(message);
        assert.equal(bytesToHex(b.sign(message)), bytesToHex(signature));
        assert.ok(browserEd.verify(a.publicKey, message, signature));
        assert.ok(nodeEd.verify(b.publicKey, message, signature));
        const tampered = new Uint8Array(signature);
        tampered[flip] = (tampered[flip] ?? 0) ^ 1;
        assert.equal(nodeEd.verify(a.publicKey, message, tampered), false);
        assert.equal(browserEd.verify(a.publicKey, message, tampered), false);
      }),
      { numRuns: 150 },
    );
  });

  it('both refuse a malleated signature (S + L), a wrong-length key and an invalid point', () => {
    const key = nodeEd.signingKeyFromSeed(new Uint8Array(32).fill(3));
    const message = new TextEncoder().encode('order 42');
    const signature = key.sign(message);
    // S + L is the same point arithmetic but a non-canonical S: RFC 8032 says reject.
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i] ?? 0);
    let malleatedS = s + L;
    const malleated = new Uint8Array(signature);
    for (let i = 0; i < 32; i++) {
      malleated[32 + i] = Number(malleatedS & 0xffn);
      malleatedS >>= 8n;
    }
    const notAPoint = new Uint8Array(32).fill(0xff);
    for (const suite of [nodeEd, browserEd]) {
      assert.ok(suite.verify(key.publicKey, message, signature));
      assert.equal(suite.verify(key.publicKey, message, malleated), false);
      assert.equal(suite.verify(key.publicKey.subarray(0, 31), message, signature), false);
      assert.equal(suite.verify(notAPoint, message, signature), false);
    }
  });

  it('keys never print their seed in either implementation', () => {
    for (const suite of [nodeEd, browserEd]) {
      const key = suite.signingKeyFromSeed(new Uint8Array(32).fill(9));
      assert.equal(JSON.stringify(key).includes(bytesToHex(new Uint8Array(32).fill(9))), false);
    }
  });
});

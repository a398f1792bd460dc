import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519Sha256 } from '@hanglian/core';
import {
  ByteQueue,
  chainIdHash,
  createNetwork,
  decodeHello,
  deriveHandshakeSecrets,
  encodeAuth,
  encodeHello,
  FrameCipher,
  generateEphemeralKey,
  parsePeerAddress,
  SeenCache,
  TokenBucket,
  verifyAuth,
} from '../src/index.js';

describe('frame cipher', () => {
  const key = new Uint8Array(32).fill(7);

  it('opens what it sealed, in order', () => {
    const sender = new FrameCipher(key);
    const receiver = new FrameCipher(key);
    for (const text of ['first', 'second', '']) {
      const frame = sender.seal(Buffer.from(`x${text}`));
      const opened = receiver.open(frame.subarray(0, 4), frame.subarray(4));
      assert.equal(opened?.toString(), `x${text}`);
    }
  });

  it('refuses a flipped byte, a changed length header, and a replayed or reordered frame', () => {
    const sender = new FrameCipher(key);
    const first = sender.seal(Buffer.from('one'));
    const second = sender.seal(Buffer.from('two'));

    const flipped = Buffer.from(first);
    flipped[6]! ^= 0x01;
    assert.equal(new FrameCipher(key).open(flipped.subarray(0, 4), flipped.subarray(4)), null);

    const header = Buffer.from(first.subarray(0, 4));
    header[3]! ^= 0x80;
    assert.equal(new FrameCipher(key).open(header, first.subarray(4)), null);

    // The second frame opened as the first: its nonce (counter 1) does not match counter 0.
    assert.equal(new FrameCipher(key).open(second.subarray(0, 4), second.subarray(4)), null);
  });
});

describe('byte queue', () => {
  it('reassembles reads that span chunks', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from([0, 0]));
    queue.push(Buffer.from([1, 2, 9]));
    queue.push(Buffer.from([8, 7]));
    assert.equal(queue.peekUInt32BE(), 0x0102);
    assert.deepEqual([...queue.take(4)], [0, 0, 1, 2]);
    assert.deepEqual([...queue.take(3)], [9, 8, 7]);
    assert.equal(queue.length, 0);
  });
});

describe('handshake functions', () => {
  const chain = chainIdHash('chain-a');

  function pair() {
    const a = generateEphemeralKey();
    const b = generateEphemeralKey();
    const secretsA = deriveHandshakeSecrets(chain, a, b.publicKey)!;
    const secretsB = deriveHandshakeSecrets(chain, b, a.publicKey)!;
    return { secretsA, secretsB };
  }

  it('gives both sides crossed keys and verifies each side’s identity', () => {
    const { secretsA, secretsB } = pair();
    assert.deepEqual(secretsA.sendKey, secretsB.receiveKey);
    assert.deepEqual(secretsA.receiveKey, secretsB.sendKey);
    assert.notDeepEqual(secretsA.sendKey, secretsA.receiveKey);
    const nodeA = ed25519Sha256.generateSigningKey();
    assert.deepEqual(verifyAuth(encodeAuth(nodeA, secretsA), secretsB), nodeA.publicKey);
  });

  it('refuses an auth reflected back at its signer, or signed for another session', () => {
    const { secretsA, secretsB } = pair();
    const other = pair();
    const nodeA = ed25519Sha256.generateSigningKey();
    const authA = encodeAuth(nodeA, secretsA);
    assert.equal(verifyAuth(authA, secretsA), null, 'reflection');
    assert.equal(verifyAuth(authA, other.secretsB), null, 'another session');
    assert.notEqual(verifyAuth(authA, secretsB), null);
  });

  it('refuses a hello of another chain, bad magic, and a reflected ephemeral key', () => {
    const ephemeral = generateEphemeralKey();
    const hello = encodeHello(chain, ephemeral.publicKey);
    assert.equal(decodeHello(hello, chain).ok, true);
    assert.deepEqual(decodeHello(hello, chainIdHash('chain-b')), { ok: false, reason: 'wrong-chain' });
    const badMagic = Buffer.from(hello);
    badMagic[0] = 0;
    assert.deepEqual(decodeHello(badMagic, chain), { ok: false, reason: 'malformed-handshake' });
    assert.equal(deriveHandshakeSecrets(chain, ephemeral, ephemeral.publicKey), null);
    assert.equal(deriveHandshakeSecrets(chain, ephemeral, new Uint8Array(32)), null, 'low-order point');
  });
});

describe('limits', () => {
  it('token bucket allows the burst, then the rate', () => {
    const bucket = new TokenBucket(10, 5, 0);
    for (let i = 0; i < 5; i++) assert.equal(bucket.tryTake(1, 0), true);
    assert.equal(bucket.tryTake(1, 0), false);
    assert.equal(bucket.tryTake(1, 50), false, 'half a token after 50 ms');
    assert.equal(bucket.tryTake(1, 100), true);
  });

  it('seen cache is bounded and forgets the oldest first', () => {
    const seen = new SeenCache(3);
    for (const key of ['a', 'b', 'c']) assert.equal(seen.add(key), true);
    assert.equal(seen.add('a'), false);
    seen.add('d');
    assert.equal(seen.size, 3);
    assert.equal(seen.has('a'), false);
    assert.equal(seen.has('d'), true);
  });
});

describe('addresses and options', () => {
  it('parses host:port and key@host:port', () => {
    assert.deepEqual(parsePeerAddress('127.0.0.1:26656'), { host: '127.0.0.1', port: 26656 });
    const key = 'ab'.repeat(32);
    const parsed = parsePeerAddress(`${key}@[::1]:7`);
    assert.equal(parsed.host, '::1');
    assert.equal(Buffer.from(parsed.publicKey!).toString('hex'), key);
    assert.throws(() => parsePeerAddress('nohost'), { code: 'NETWORK_BAD_ADDRESS' });
    assert.throws(() => parsePeerAddress('abc@h:1'), { code: 'NETWORK_BAD_ADDRESS' });
  });

  it('refuses inconsistent options with a stable code', () => {
    const base = {
      chainId: 'c',
      nodeKey: ed25519Sha256.generateSigningKey(),
      isMember: () => true,
    };
    assert.throws(() => createNetwork({ ...base, maxPeers: 0 }), { code: 'NETWORK_INVALID_OPTIONS' });
    const channel = {
      id: 1,
      maxPayloadBytes: 10,
      gossip: true,
      relay: false,
      rateLimit: null,
      maxQueuedMessages: 1,
    };
    assert.throws(() => createNetwork({ ...base, channels: { a: channel, b: channel } }), {
      code: 'NETWORK_INVALID_OPTIONS',
    });
    assert.ok(createNetwork(base));
  });
});

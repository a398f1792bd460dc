/**
 * Sealed envelopes for state-machine tests. The state machine checks an envelope's form and recipients,
 * never its content, so these carry the right structure around bytes that open for nobody (real sealing
 * is the SDK's `sealDelivery`, tested there with real keys).
 */
import { SEALED_CONTENT_BYTES, SEALED_VERSION, sealedEnvelopeCodec, sha256, utf8 } from '@hanglian/core';

/** A stand-in X25519 public key for an organisation in tests: SHA-256 of a label (never all zero). */
export function testEncryptionKey(label: string): Uint8Array {
  return sha256(utf8(`test-x25519/${label}`));
}

/**
 * A well-formed envelope sealed (in form) to `recipients`, each with `testEncryptionKey(org)` unless a key
 * is given; `salt` makes envelopes differ.
 */
export function testSealedEnvelope(
  recipients: ReadonlyArray<string | { org: string; key: Uint8Array }>,
  salt = '',
): Uint8Array {
  const named = recipients
    .map((r) => (typeof r === 'string' ? { org: r, key: testEncryptionKey(r) } : r))
    .sort((a, b) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0));
  const filler = (n: number, tag: string) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) out.set(sha256(utf8(`${tag}/${salt}/${i}`)).subarray(0, n - i), i);
    return out;
  };
  return sealedEnvelopeCodec.encode({
    v: SEALED_VERSION,
    epk: filler(32, 'epk'),
    nonce: filler(12, 'nonce'),
    recipients: named.map(({ org, key }) => ({ org, key, wrapped: filler(48, `wrap/${org}`) })),
    ciphertext: filler(SEALED_CONTENT_BYTES + 16, 'content'),
  });
}

// Evidence bundles end to end: exported from a live node, verified offline, and any tampering caught.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addressFromPublicKey,
  type EvidenceBundle,
  ed25519Sha256,
  hexToBytes,
  parseEvidenceBundle,
  verifyEvidenceBundle,
} from '@hanglian/core';
import {
  type Client,
  createClient,
  exportEvidence,
  memberSigner,
  settlement,
  signAndSubmit,
} from '../src/index.js';
import { startTestChain, type TestChain } from './helpers.js';

describe('evidence bundles', () => {
  let chain: TestChain;
  let client: Client;
  let bundle: EvidenceBundle;
  let to: string;

  before(async () => {
    chain = await startTestChain();
    client = createClient({ url: chain.url, reader: memberSigner(chain.key('bookstore/ops')) });
    to = addressFromPublicKey(chain.key('bookpress/ops').publicKey);
    const paid = await signAndSubmit(client, {
      signer: memberSigner(chain.key('bookstore/ops')),
      ...settlement.transfer({ to, amount: 4_321 }),
    });
    assert.equal(paid.status.status, 'committed');
    bundle = await exportEvidence(client, {
      title: 'payment for invoice 2026-118',
      transactions: [paid.txId],
      state: [
        { path: `settlement/balances/${to}` },
        { path: 'settlement/balances/hl0000000000000000000000000000000000000000' },
      ],
    });
  });
  after(() => chain.stop());

  it('verifies offline: the transaction, its result, a balance and an absence, each against a signed header', () => {
    // What a third party does: parse the file, verify with no node at all.
    const reread = parseEvidenceBundle(JSON.parse(JSON.stringify(bundle)));
    const verification = verifyEvidenceBundle(reread, ed25519Sha256);
    assert.ok(verification.ok, JSON.stringify(verification.checks, null, 2));
    assert.equal(verification.checks.filter((c) => c.subject.startsWith('transaction')).length, 1);
    assert.match(verification.checks.find((c) => c.subject.startsWith('transaction'))!.reason!, /result OK/);
    assert.ok(verification.checks.some((c) => c.reason === 'proven absent'));
  });

  it('checks the signers against validator sets the verifier trusts', () => {
    const trusted = [
      bundle.heights[0]!.validators.map((v) => ({
        publicKey: hexToBytes(v.publicKey),
        power: v.power,
        org: v.org,
      })),
    ];
    assert.ok(verifyEvidenceBundle(bundle, ed25519Sha256, trusted).ok);
    const stranger = ed25519Sha256.generateSigningKey();
    const wrong = [[{ publicKey: stranger.publicKey, power: 10, org: 'nobody' }]];
    const verification = verifyEvidenceBundle(bundle, ed25519Sha256, wrong);
    assert.equal(verification.ok, false);
    assert.ok(verification.checks.some((c) => /do not trust/.test(c.reason ?? '')));
  });

  it('catches every kind of tampering', () => {
    const tamper = (edit: (b: EvidenceBundle) => void): boolean => {
      const copy = structuredClone(bundle);
      edit(copy);
      return verifyEvidenceBundle(copy, ed25519Sha256).ok;
    };
    const flipHex = (hex: string) => (hex[0] === 'a' ? 'b' : 'a') + hex.slice(1);
    assert.equal(
      tamper(() => {}),
      true,
      'the untouched copy verifies (control)',
    );
    assert.equal(
      tamper((b) => {
        b.heights[0]!.commit.signatures[0]!.signature = flipHex(
          b.heights[0]!.commit.signatures[0]!.signature,
        );
      }),
      false,
      'forged commit signature',
    );
    assert.equal(
      tamper((b) => {
        b.heights[0]!.header.time += 1;
      }),
      false,
      'edited header',
    );
    const txIndex = bundle.items.findIndex((i) => i.kind === 'transaction');
    assert.equal(
      tamper((b) => {
        const item = b.items[txIndex] as Extract<EvidenceBundle['items'][number], { kind: 'transaction' }>;
        // Change the recorded result (e.g. claim a failure was a success): its bytes no longer match the root.
        item.resultBytes = item.resultBytes.slice(0, -2) + (item.resultBytes.endsWith('00') ? '01' : '00');
      }),
      false,
      'edited result',
    );
    assert.equal(
      tamper((b) => {
        const item = b.items[txIndex] as Extract<EvidenceBundle['items'][number], { kind: 'transaction' }>;
        item.tx = flipHex(item.tx.slice(0, 10)) + item.tx.slice(10);
      }),
      false,
      'edited transaction',
    );
    const stateIndex = bundle.items.findIndex((i) => i.kind === 'state' && i.value !== null);
    assert.equal(
      tamper((b) => {
        const item = b.items[stateIndex] as Extract<EvidenceBundle['items'][number], { kind: 'state' }>;
        item.value = `${item.value}00`;
      }),
      false,
      'edited balance',
    );
    assert.equal(
      tamper((b) => {
        b.heights = [];
      }),
      false,
      'headers removed',
    );
  });
});

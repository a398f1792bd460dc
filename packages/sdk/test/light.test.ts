import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addressFromPublicKey,
  type BlockHeader,
  blockHash,
  bytesToHex,
  decodeCanonical,
  ed25519Sha256,
  sha256,
  stateLeafHash,
  toJsonValue,
  utf8,
  type Validator,
  VOTE_PRECOMMIT,
  validatorSetHash,
  voteSignBytes,
} from '@hanglian/core';
import {
  type Client,
  createClient,
  createLightClient,
  type GetStateProofReturnType,
  genesisHashOf,
  getVerifiedState,
  memberSigner,
  settlement,
  signAndSubmit,
  validatorSetFromGenesis,
  verifyQueryResult,
} from '../src/index.js';
import { startTestChain, type TestChain } from './helpers.js';

function refusedBy(check: string) {
  return (error: { code?: string; details?: { check?: string } }) =>
    error.code === 'SDK_VERIFY_FAILED' && error.details?.check === check;
}

describe('light-client verification against a real node', () => {
  let chain: TestChain;
  let client: Client;
  let validators: Validator[];
  let address: string;
  let path: string;
  before(async () => {
    chain = await startTestChain();
    client = createClient({ url: chain.url, reader: memberSigner(chain.key('bookstore/ops')) });
    validators = validatorSetFromGenesis(chain.genesis);
    address = addressFromPublicKey(chain.key('bookpress/ops').publicKey);
    path = `settlement/balances/${address}`;
    await signAndSubmit(client, {
      signer: memberSigner(chain.key('bookstore/ops')),
      ...settlement.transfer({ to: address, amount: 77 }),
    });
  });
  after(() => chain.stop());

  it('verifies a balance with its proof, header and commit against the genesis validator set', async () => {
    const trusted = { chainId: chain.genesis.chainId, validators };
    const { value, height } = await getVerifiedState(client, { path, trusted });
    assert.ok(height > 0);
    assert.deepEqual(decodeCanonical(value!), { amount: 100_000_077 });
    // An absent key is proven absent.
    const absent = await getVerifiedState(client, {
      path: `settlement/balances/hl${'0'.repeat(40)}`,
      trusted,
    });
    assert.equal(absent.value, null);
  });

  it('a light client follows every header from the genesis and verifies reads at any height', async () => {
    const light = createLightClient({
      client,
      trust: {
        chainId: chain.genesis.chainId,
        height: 0,
        blockHash: genesisHashOf(chain.genesis),
        validators,
      },
    });
    const { value } = await light.getVerifiedState({ path });
    assert.deepEqual(decodeCanonical(value!), { amount: 100_000_077 });
    assert.ok(light.verifiedHeight >= 1);
    const early = await light.getVerifiedState({ path, height: 1 });
    assert.deepEqual(decodeCanonical(early.value!), { amount: 100_000_000 });
    // The same through the generic entry point.
    assert.ok((await getVerifiedState(client, { path, trusted: light })).value !== null);
  });

  it('refuses a light client pinned to another genesis', async () => {
    const light = createLightClient({
      client,
      trust: { chainId: chain.genesis.chainId, height: 0, blockHash: 'ab'.repeat(32), validators },
    });
    await assert.rejects(light.sync(), refusedBy('header'));
  });

  describe('a node that lies', () => {
    let answer: GetStateProofReturnType;
    const trusted = () => ({ chainId: chain.genesis.chainId, validators });
    before(async () => {
      answer = await client.getStateProof({ path });
    });

    it('the honest answer verifies (the control for the forgeries below)', () => {
      assert.ok(verifyQueryResult(answer, { path }, trusted()).value !== null);
    });

    it('refuses a forged value', () => {
      const forged = { ...answer, value: bytesToHex(utf8('{"amount":999999999}')) };
      assert.throws(() => verifyQueryResult(forged, { path }, trusted()), refusedBy('proof'));
      assert.throws(
        () => verifyQueryResult({ ...answer, value: null }, { path }, trusted()),
        refusedBy('proof'),
      );
    });

    it('refuses a forged proof (a sibling changed, or a leaf swapped for a consistent fake)', () => {
      const siblings = [...answer.proof.siblings];
      siblings[0] = (siblings[0]!.startsWith('0') ? '1' : '0') + siblings[0]!.slice(1);
      assert.throws(
        () => verifyQueryResult({ ...answer, proof: { ...answer.proof, siblings } }, { path }, trusted()),
        refusedBy('proof'),
      );
      // A self-consistent proof for a fake value whose root is not the header's.
      const fakeValue = utf8('fake');
      const fakeRoot = bytesToHex(stateLeafHash(sha256(utf8(path)), sha256(fakeValue)));
      const fake = {
        ...answer,
        root: fakeRoot,
        value: bytesToHex(fakeValue),
        proof: {
          siblings: [],
          leaf: { keyHash: bytesToHex(sha256(utf8(path))), valueHash: bytesToHex(sha256(fakeValue)) },
        },
      };
      assert.throws(() => verifyQueryResult(fake, { path }, trusted()), refusedBy('proof'));
    });

    it('refuses an answer about another key', () => {
      assert.throws(() => verifyQueryResult(answer, { path: `${path}0` }, trusted()), refusedBy('key'));
    });

    it('refuses a header without its commit signatures, or with a changed state root', () => {
      const unsigned = { ...answer, commit: { ...answer.commit!, signatures: [] } };
      assert.throws(() => verifyQueryResult(unsigned, { path }, trusted()), refusedBy('commit'));
      const otherHeader = { ...answer, header: { ...answer.header!, time: answer.header!.time + 1 } };
      assert.throws(() => verifyQueryResult(otherHeader, { path }, trusted()), refusedBy('commit'));
    });

    it('refuses against a wrong validator set', () => {
      const stranger = ed25519Sha256.signingKeyFromSeed(new Uint8Array(32).fill(1));
      const wrong = [{ publicKey: stranger.publicKey, power: 10, org: 'bookstore' }];
      assert.throws(
        () => verifyQueryResult(answer, { path }, { chainId: chain.genesis.chainId, validators: wrong }),
        refusedBy('validatorSet'),
      );
      const wrongPower = validators.map((v) => ({ ...v, power: v.power + 1 }));
      assert.throws(
        () => verifyQueryResult(answer, { path }, { chainId: chain.genesis.chainId, validators: wrongPower }),
        refusedBy('validatorSet'),
      );
      assert.throws(
        () => verifyQueryResult(answer, { path }, { chainId: 'other-chain', validators }),
        refusedBy('chain'),
      );
    });

    it('a light client talking through a tampering proxy refuses what it is told', async () => {
      const lying = createClient({
        url: chain.url,
        reader: memberSigner(chain.key('bookstore/ops')),
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          if (!input.includes('/v1/state/proof')) return response;
          const body = await response.json();
          body.value = bytesToHex(utf8('forged'));
          return new Response(JSON.stringify(body), { status: 200 });
        },
      });
      const light = createLightClient({
        client: lying,
        trust: { chainId: chain.genesis.chainId, height: 0, validators },
      });
      await assert.rejects(light.getVerifiedState({ path }), refusedBy('proof'));
    });
  });
});

describe('light-client verification of a header signed by too little power (4 validators)', () => {
  // A synthetic chain state: a one-leaf tree, a header over it, and a commit signed by some of 4 validators.
  const keys = [1, 2, 3, 4].map((i) => ed25519Sha256.signingKeyFromSeed(new Uint8Array(32).fill(i)));
  const validators: Validator[] = keys
    .map((k, i) => ({ publicKey: k.publicKey, power: 10, org: `org${i}` }))
    .sort((a, b) => (addressFromPublicKey(a.publicKey) < addressFromPublicKey(b.publicKey) ? -1 : 1));
  const path = 'settlement/balances/hl0000000000000000000000000000000000000001';
  const value = utf8('value');
  const root = stateLeafHash(sha256(utf8(path)), sha256(value));
  const header: BlockHeader = {
    v: 1,
    chainId: 'synthetic',
    height: 5,
    time: 1_700_000_000_000,
    previousBlockHash: new Uint8Array(32),
    txRoot: new Uint8Array(32),
    txCount: 0,
    stateRoot: root,
    resultsRoot: new Uint8Array(32),
    proposer: addressFromPublicKey(keys[0]!.publicKey),
    validatorSetHash: validatorSetHash(validators),
    nextValidatorSetHash: validatorSetHash(validators),
    lastCommitHash: new Uint8Array(32),
  };
  const hash = blockHash(header);
  const answerSignedBy = (signers: number): GetStateProofReturnType => {
    const message = voteSignBytes({
      chainId: 'synthetic',
      type: VOTE_PRECOMMIT,
      height: 5,
      round: 0,
      blockHash: hash,
    });
    const signatures = keys
      .slice(0, signers)
      .map((k) => ({ validator: k.publicKey, signature: k.sign(message) }));
    return toJsonValue({
      height: 5,
      root,
      key: utf8(path),
      value,
      proof: { siblings: [], leaf: { keyHash: sha256(utf8(path)), valueHash: sha256(value) } },
      header,
      commit: { height: 5, round: 0, blockHash: hash, signatures },
    }) as GetStateProofReturnType;
  };
  const trusted = { chainId: 'synthetic', validators };

  it('3 of 4 validators (> 2/3 of the power) verify', () => {
    assert.equal(verifyQueryResult(answerSignedBy(3), { path }, trusted).height, 5);
  });

  it('2 of 4 validators (exactly 1/2) are refused, and 1 of 4 too', () => {
    assert.throws(() => verifyQueryResult(answerSignedBy(2), { path }, trusted), refusedBy('commit'));
    assert.throws(() => verifyQueryResult(answerSignedBy(1), { path }, trusted), refusedBy('commit'));
  });

  it('a signature by a key outside the set is refused', () => {
    const outsider = ed25519Sha256.signingKeyFromSeed(new Uint8Array(32).fill(9));
    const answer = answerSignedBy(3);
    const forged = {
      ...answer,
      commit: {
        ...answer.commit!,
        signatures: [
          ...answer.commit!.signatures.slice(0, 2),
          { validator: bytesToHex(outsider.publicKey), signature: answer.commit!.signatures[2]!.signature },
        ],
      },
    };
    assert.throws(() => verifyQueryResult(forged, { path }, trusted), refusedBy('commit'));
  });
});

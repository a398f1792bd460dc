// Node key rotation (governance `rotateNodeKey`): an organisation's root key moves its node, and its
// validator, to a new key; the old key is refused from that block and can never come back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExecutionErrors,
  GenesisBuilder,
  GovernanceErrors,
  type Identity,
  IdentityErrors,
  type NodeKeyRotatedData,
  type Proposal,
  type ProposalAction,
  TestChain,
  testAddress,
  testKey,
  type ValidatorsView,
} from '../src/index.js';
import { assertFails, assertOk, thrownCode } from './helpers.js';

const shopRoot = testKey('shop/root');
const oldNode = testKey('shop/node');
const newNode = testKey('shop/node#2');

function rotate(
  chain: TestChain,
  options: {
    by?: typeof shopRoot;
    from?: Uint8Array;
    to?: typeof newNode;
    coSigner?: typeof newNode | null;
  } = {},
) {
  const to = options.to ?? newNode;
  const coSigner = options.coSigner === undefined ? to : options.coSigner;
  return chain.submit(
    options.by ?? shopRoot,
    'governance',
    'rotateNodeKey',
    { from: options.from ?? oldNode.publicKey, to: to.publicKey },
    { actors: coSigner === null ? [] : [coSigner] },
  );
}

const validators = (chain: TestChain) => chain.query<ValidatorsView>('governance', 'validators');
const identityOf = (chain: TestChain, label: string) =>
  chain.query<Identity>('identity', 'identity', { address: testAddress(label) });
const powerOf = (set: ValidatorsView['current'], label: string) =>
  set.find((v) => v.address === testAddress(label))?.power;

describe('governance: rotateNodeKey', () => {
  it('moves the node identity and its validator to the new key, the validator from block h+2', () => {
    const chain = new TestChain();
    const result = assertOk(rotate(chain));
    const h = chain.height;
    const event = result.events.find((e) => e.name === 'nodeKeyRotated');
    assert.deepEqual(event?.data as NodeKeyRotatedData, {
      org: 'shop',
      from: testAddress('shop/node'),
      to: testAddress('shop/node#2'),
      validator: { power: 1, activatesAt: h + 2 },
    });
    // Identities change in this very block: the old key is no longer a member, the new one is.
    const old = identityOf(chain, 'shop/node');
    const next = identityOf(chain, 'shop/node#2');
    assert.equal(old.status, 'revoked');
    assert.equal(old.rotatedTo, next.address);
    assert.deepEqual(
      [next.org, next.kind, next.status, next.permissions],
      ['shop', 'node', 'active', ['transact']],
    );
    const time = chain.blockInfo().time;
    assert.equal(
      chain.kernel.identity.method.isActiveMember(chain.state, testAddress('shop/node'), time),
      false,
    );
    assert.equal(
      chain.kernel.identity.method.isActiveMember(chain.state, testAddress('shop/node#2'), time),
      true,
    );
    // The validator: block h+1 is still signed by the old key, h+2 by the new one, with the same power.
    assert.equal(powerOf(validators(chain).current, 'shop/node'), 1);
    assert.equal(powerOf(validators(chain).next, 'shop/node'), undefined);
    assert.equal(powerOf(validators(chain).next, 'shop/node#2'), 1);
    const scheduled = chain.blocks[h]?.blockEvents.find((e) => e.name === 'validatorSetScheduled');
    assert.equal((scheduled?.data as { activatesAt: number } | undefined)?.activatesAt, h + 2);
    chain.advance(1);
    assert.equal(powerOf(validators(chain).current, 'shop/node'), undefined);
    assert.equal(powerOf(validators(chain).current, 'shop/node#2'), 1);
    assert.equal(validators(chain).current.length, 4);
    // The old key cannot submit any more; the new one can.
    assert.equal(
      thrownCode(() => chain.submit(oldNode, 'settlement', 'transfer', { to: testAddress('x'), amount: 1 })),
      ExecutionErrors.TX_NOT_MEMBER,
    );
  });

  it('rotates a node key that is not a validator without touching the set', () => {
    const chain = new TestChain(
      new GenesisBuilder()
        .organisation('shop', ['merchant'])
        .identity('shop/node', { org: 'shop', kind: 'node', permissions: ['transact'] })
        .validator('shop/validator', 'shop')
        .build(),
    );
    const result = assertOk(rotate(chain));
    assert.equal((result.events[0]?.data as NodeKeyRotatedData | undefined)?.validator, undefined);
    assert.deepEqual(validators(chain).pending, []);
    assert.equal(identityOf(chain, 'shop/node#2').kind, 'node');
  });

  it('works for the only validator of the chain (a swap, not a removal then an addition)', () => {
    const chain = new TestChain(
      new GenesisBuilder()
        .organisation('shop', ['merchant'])
        .identity('shop/node', { org: 'shop', kind: 'node', permissions: ['transact'] })
        .validator('shop/node', 'shop', 7)
        .build(),
    );
    assertOk(rotate(chain));
    chain.advance(1);
    assert.deepEqual(
      validators(chain).current.map((v) => [v.address, v.power]),
      [[testAddress('shop/node#2'), 7]],
    );
  });

  it('is the root key’s alone: not an admin, not the node key itself, not another organisation’s root', () => {
    const chain = new TestChain();
    assertFails(rotate(chain, { by: testKey('shop/admin') }), GovernanceErrors.GOV_ROOT_KEY_REQUIRED);
    assertFails(rotate(chain, { by: oldNode }), GovernanceErrors.GOV_ROOT_KEY_REQUIRED);
    // Another organisation's root cannot move shop's node key.
    assertFails(rotate(chain, { by: testKey('brand/root') }), GovernanceErrors.GOV_NODE_KEY_NOT_FOUND);
    // Nor can a node key move itself through identity's rotateKey (its validator would stay behind).
    assertFails(
      chain.submit(
        oldNode,
        'identity',
        'rotateKey',
        { newPublicKey: newNode.publicKey },
        { actors: [newNode] },
      ),
      IdentityErrors.IDENTITY_NODE_KEY_ROOT_ONLY,
    );
    // A non-member cannot even submit.
    assert.equal(
      thrownCode(() => rotate(chain, { by: testKey('stranger/root') })),
      ExecutionErrors.TX_NOT_MEMBER,
    );
    assert.equal(identityOf(chain, 'shop/node').status, 'active');
  });

  it('rotates only a node identity of the signer’s organisation', () => {
    const chain = new TestChain();
    assertFails(
      rotate(chain, { from: testKey('shop/clerk').publicKey }),
      GovernanceErrors.GOV_NODE_KEY_NOT_FOUND,
    );
    assertFails(
      rotate(chain, { from: testKey('nobody').publicKey }),
      GovernanceErrors.GOV_NODE_KEY_NOT_FOUND,
    );
  });

  it('requires the new key to co-sign, and never takes a key registered before', () => {
    const chain = new TestChain();
    assertFails(rotate(chain, { coSigner: null }), IdentityErrors.IDENTITY_NEW_KEY_NOT_SIGNED);
    assertFails(rotate(chain, { coSigner: testKey('someone') }), IdentityErrors.IDENTITY_NEW_KEY_NOT_SIGNED);
    assertFails(rotate(chain, { to: oldNode }), IdentityErrors.IDENTITY_NEW_KEY_NOT_SIGNED);
    assertFails(rotate(chain, { to: shopRoot }), IdentityErrors.IDENTITY_NEW_KEY_NOT_SIGNED);
    // Another organisation's node key (which the signer would have to hold) is refused as registered.
    assertFails(rotate(chain, { to: testKey('brand/node') }), IdentityErrors.IDENTITY_ALREADY_EXISTS);
    assertFails(rotate(chain, { to: testKey('shop/clerk') }), IdentityErrors.IDENTITY_ALREADY_EXISTS);
    assert.equal(identityOf(chain, 'shop/node').status, 'active');
  });

  it('refuses a replay: the same transaction again, and the same rotation again', () => {
    const chain = new TestChain();
    const tx = chain.buildTx(
      shopRoot,
      'governance',
      'rotateNodeKey',
      { from: oldNode.publicKey, to: newNode.publicKey },
      { actors: [newNode] },
    );
    assert.equal(chain.executeBlock([tx]).txResults[0]?.code, 'OK');
    const again = chain.executeBlock([tx]);
    assert.equal(again.txResults.length, 0);
    assert.equal(again.excluded[0]?.error.code, ExecutionErrors.TX_NONCE_TOO_LOW);
    // Signed anew: the old key is revoked, and rotating back to it is refused (keys are never reused).
    assertFails(rotate(chain), IdentityErrors.IDENTITY_NOT_ACTIVE);
    // (The old key, revoked, cannot even co-sign it: refused before the command runs.)
    assert.equal(
      thrownCode(() => rotate(chain, { from: newNode.publicKey, to: oldNode })),
      ExecutionErrors.TX_SIGNER_REVOKED,
    );
    // A second rotation from the new key works, and the validator follows it.
    assertOk(rotate(chain, { from: newNode.publicKey, to: testKey('shop/node#3') }));
    chain.advance(2);
    assert.equal(powerOf(validators(chain).current, 'shop/node#3'), 1);
    assert.equal(validators(chain).current.length, 4);
  });

  it('keeps a rotated-away key out of the set, even through a proposal made before the rotation', () => {
    const chain = new TestChain();
    const raise: ProposalAction = {
      type: 'setValidator',
      publicKey: oldNode.publicKey,
      power: 5,
      org: 'shop',
    };
    const submitted = assertOk(
      chain.submit(testKey('brand/admin'), 'governance', 'submitProposal', { title: 'raise', action: raise }),
    );
    const id = (submitted.events[0]!.data as { id: number }).id;
    assertOk(rotate(chain));
    for (const voter of ['shop', 'pay']) {
      chain.submit(testKey(`${voter}/admin`), 'governance', 'vote', { proposalId: id, vote: 'yes' });
    }
    const closed = chain.query<Proposal>('governance', 'proposal', { id });
    assert.equal(closed.status, 'failed');
    assert.equal(closed.failure?.code, GovernanceErrors.GOV_VALIDATOR_KEY_REVOKED);
    // And a new proposal naming it is refused at submission.
    assertFails(
      chain.submit(testKey('brand/admin'), 'governance', 'submitProposal', { title: 'again', action: raise }),
      GovernanceErrors.GOV_VALIDATOR_KEY_REVOKED,
    );
    chain.advance(2);
    assert.equal(powerOf(validators(chain).current, 'shop/node'), undefined);
    assert.equal(powerOf(validators(chain).current, 'shop/node#2'), 1);
  });

  it('follows a power change approved earlier in the same block', () => {
    const chain = new TestChain();
    const raise: ProposalAction = {
      type: 'setValidator',
      publicKey: oldNode.publicKey,
      power: 5,
      org: 'shop',
    };
    const submitted = assertOk(
      chain.submit(testKey('brand/admin'), 'governance', 'submitProposal', { title: 'raise', action: raise }),
    );
    const id = (submitted.events[0]!.data as { id: number }).id;
    chain.submit(testKey('shop/admin'), 'governance', 'vote', { proposalId: id, vote: 'yes' });
    // The last vote and the rotation in one block: the raise is queued first, the swap keeps its power.
    const lastVote = chain.buildTx(testKey('pay/admin'), 'governance', 'vote', {
      proposalId: id,
      vote: 'yes',
    });
    const rotation = chain.buildTx(
      shopRoot,
      'governance',
      'rotateNodeKey',
      { from: oldNode.publicKey, to: newNode.publicKey },
      { actors: [newNode] },
    );
    const block = chain.executeBlock([lastVote, rotation]);
    assert.deepEqual(
      block.txResults.map((r) => r.code),
      ['OK', 'OK'],
    );
    chain.advance(1);
    assert.equal(powerOf(validators(chain).current, 'shop/node#2'), 5);
    assert.equal(powerOf(validators(chain).current, 'shop/node'), undefined);
  });
});

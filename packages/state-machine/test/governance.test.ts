import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExecutionErrors,
  GenesisBuilder,
  GovernanceErrors,
  IdentityErrors,
  type Proposal,
  type ProposalAction,
  standardTestNetwork,
  TestChain,
  testAddress,
  testKey,
  type ValidatorsView,
} from '../src/index.js';
import { assertFails, assertOk, thrownCode } from './helpers.js';

const admins = {
  brand: testKey('brand/admin'),
  shop: testKey('shop/admin'),
  pay: testKey('pay/admin'),
  reg: testKey('reg/admin'),
};

function propose(chain: TestChain, action: ProposalAction, by = admins.brand): number {
  const result = assertOk(chain.submit(by, 'governance', 'submitProposal', { title: action.type, action }));
  return (result.events[0]!.data as { id: number }).id;
}

function vote(
  chain: TestChain,
  voter: keyof typeof admins,
  proposalId: number,
  choice: 'yes' | 'no' = 'yes',
) {
  return chain.submit(admins[voter], 'governance', 'vote', { proposalId, vote: choice });
}

function proposal(chain: TestChain, id: number): Proposal {
  return chain.query<Proposal>('governance', 'proposal', { id });
}

/** Proposed by brand, then yes from shop, pay (3 of 4 is more than 2/3) and, if still needed, reg. */
function pass(chain: TestChain, action: ProposalAction): number {
  const id = propose(chain, action);
  assertOk(vote(chain, 'shop', id));
  assertOk(vote(chain, 'pay', id));
  if (proposal(chain, id).status === 'open') assertOk(vote(chain, 'reg', id));
  assert.equal(proposal(chain, id).status, 'approved');
  return id;
}

const admitCarrier: ProposalAction = {
  type: 'admitOrganisation',
  id: 'carrier',
  name: 'Carrier Co.',
  roles: ['carrier'],
  rootPublicKey: testKey('carrier/root').publicKey,
};

describe('governance: proposals and votes', () => {
  it('admits an organisation by vote; its root key may then submit', () => {
    const chain = new TestChain();
    const carrierRoot = testKey('carrier/root');
    const certifyCarrierNode = () =>
      chain.submit(carrierRoot, 'identity', 'certifyIdentity', {
        publicKey: testKey('carrier/node').publicKey,
        kind: 'node',
        permissions: ['transact'],
      });
    assert.equal(thrownCode(certifyCarrierNode), ExecutionErrors.TX_NOT_MEMBER);
    const id = propose(chain, admitCarrier);
    assert.equal(proposal(chain, id).status, 'open');
    assertOk(vote(chain, 'shop', id));
    assert.equal(proposal(chain, id).status, 'open', '2 of 4 is not more than 2/3');
    const closing = assertOk(vote(chain, 'pay', id));
    assert.deepEqual(
      closing.events.map((e) => e.name),
      ['voteCast', 'proposalClosed'],
    );
    assert.equal(proposal(chain, id).status, 'approved');
    assertOk(certifyCarrierNode());
  });

  it('rejects a proposal as soon as it can no longer pass', () => {
    const chain = new TestChain();
    const id = propose(chain, admitCarrier);
    assertOk(vote(chain, 'shop', id, 'no'));
    assert.equal(proposal(chain, id).status, 'open');
    assertOk(vote(chain, 'pay', id, 'no'));
    assert.equal(proposal(chain, id).status, 'rejected');
    assertFails(vote(chain, 'reg', id), GovernanceErrors.GOV_PROPOSAL_CLOSED);
  });

  it('expires a proposal at the end of its voting period', () => {
    const chain = new TestChain(
      standardTestNetwork().governanceParameters({ votingPeriodBlocks: 3 }).build(),
    );
    const id = propose(chain, admitCarrier); // block 1, votes accepted through block 4
    assert.equal(proposal(chain, id).votingEndsAt, 4);
    chain.advance(2);
    assert.equal(proposal(chain, id).status, 'open');
    chain.advance(1);
    assert.equal(proposal(chain, id).status, 'expired');
    assert.equal(chain.blocks[4]?.blockEvents[0]?.name, 'proposalClosed');
    assertFails(vote(chain, 'shop', id), GovernanceErrors.GOV_PROPOSAL_CLOSED);
  });

  it('counts one vote per organisation, cast by an admin', () => {
    const chain = new TestChain();
    const id = propose(chain, admitCarrier);
    assertFails(vote(chain, 'brand', id), GovernanceErrors.GOV_ALREADY_VOTED);
    assertFails(
      chain.submit(testKey('shop/clerk'), 'governance', 'vote', { proposalId: id, vote: 'yes' }),
      IdentityErrors.IDENTITY_PERMISSION_REQUIRED,
    );
    assertFails(vote(chain, 'shop', 99), GovernanceErrors.GOV_PROPOSAL_NOT_FOUND);
    assertFails(
      chain.submit(testKey('shop/clerk'), 'governance', 'submitProposal', {
        title: 't',
        action: admitCarrier,
      }),
      IdentityErrors.IDENTITY_PERMISSION_REQUIRED,
    );
  });

  it('refuses at submission an action that could not apply', () => {
    const chain = new TestChain();
    assertFails(
      chain.submit(admins.brand, 'governance', 'submitProposal', {
        title: 'again',
        action: { ...admitCarrier, id: 'shop' },
      }),
      IdentityErrors.ORG_ALREADY_EXISTS,
    );
    assertFails(
      chain.submit(admins.brand, 'governance', 'submitProposal', {
        title: 'bad threshold',
        action: { type: 'setParameters', thresholdNumerator: 1, thresholdDenominator: 3 },
      }),
      GovernanceErrors.GOV_BAD_PARAMETERS,
    );
    assertFails(
      chain.submit(admins.brand, 'governance', 'submitProposal', {
        title: 'ghost',
        action: { type: 'suspendOrganisation', org: 'ghost' },
      }),
      IdentityErrors.ORG_NOT_FOUND,
    );
  });

  it('closes an approved proposal whose action no longer applies as failed, writing nothing', () => {
    const chain = new TestChain();
    const first = propose(chain, admitCarrier);
    const second = propose(chain, { ...admitCarrier, rootPublicKey: testKey('carrier/root-b').publicKey });
    assertOk(vote(chain, 'shop', first));
    assertOk(vote(chain, 'pay', first));
    assertOk(vote(chain, 'shop', second));
    assertOk(vote(chain, 'pay', second));
    // Carrier's admission grew the electorate to 5: a fourth yes is needed.
    assert.equal(proposal(chain, second).status, 'open');
    const closing = assertOk(vote(chain, 'reg', second));
    const closed = proposal(chain, second);
    assert.equal(closed.status, 'failed');
    assert.equal(closed.failure?.code, IdentityErrors.ORG_ALREADY_EXISTS);
    assert.equal(closing.events.at(-1)?.name, 'proposalClosed');
    assert.equal(
      chain.kernel.identity.method.getIdentity(chain.state, testAddress('carrier/root-b')),
      undefined,
    );
  });

  it('lists open proposals first, then closed ones newest first', () => {
    const chain = new TestChain();
    const a = pass(chain, admitCarrier);
    const b = propose(chain, { type: 'setOrganisationRoles', org: 'shop', roles: ['merchant'] });
    const c = pass(chain, { type: 'setParameters', votingPeriodBlocks: 50 });
    const ids = chain.query<Proposal[]>('governance', 'proposals', {}).map((p) => p.id);
    assert.deepEqual(ids, [b, c, a]);
    assert.deepEqual(
      chain.query<Proposal[]>('governance', 'proposals', { status: 'open' }).map((p) => p.id),
      [b],
    );
    assert.equal(
      chain.query<{ votingPeriodBlocks: number }>('governance', 'parameters').votingPeriodBlocks,
      50,
    );
  });
});

describe('governance: membership actions', () => {
  it('suspends an organisation: its identities can no longer submit, and the electorate shrinks', () => {
    const chain = new TestChain();
    pass(chain, { type: 'suspendOrganisation', org: 'reg' });
    assert.equal(
      thrownCode(() => vote(chain, 'reg', 1)),
      ExecutionErrors.TX_NOT_MEMBER,
    );
    // 3 active organisations: 2 yes is 2/3, not more; 3 yes passes.
    const id = propose(chain, { type: 'reinstateOrganisation', org: 'reg' });
    assertOk(vote(chain, 'shop', id));
    assert.equal(proposal(chain, id).status, 'open');
    assertOk(vote(chain, 'pay', id));
    assert.equal(proposal(chain, id).status, 'approved');
    // Reinstated: reg's admin is a member again (the vote is included, and fails only as too late).
    assertFails(vote(chain, 'reg', id), GovernanceErrors.GOV_PROPOSAL_CLOSED);
  });

  it('expels an organisation for good: refused at once, its validator leaves the set, never back', () => {
    const chain = new TestChain();
    const view = () => chain.query<ValidatorsView>('governance', 'validators');
    const regNode = testAddress('reg/node');
    assert.ok(view().current.some((v) => v.address === regNode));
    pass(chain, { type: 'expelOrganisation', org: 'reg' });
    const h = chain.height;
    assert.equal(
      chain.query<{ status: string }>('identity', 'organisation', { id: 'reg' }).status,
      'expelled',
    );
    // From the commit that expels it, none of its identities submits (nor reads, nor links: the same
    // membership check, isActiveMember).
    assert.equal(
      thrownCode(() => vote(chain, 'reg', 1)),
      ExecutionErrors.TX_NOT_MEMBER,
    );
    assert.equal(
      thrownCode(() =>
        chain.submit(testKey('reg/clerk'), 'settlement', 'transfer', {
          to: testAddress('shop/clerk'),
          amount: 1,
        }),
      ),
      ExecutionErrors.TX_NOT_MEMBER,
    );
    assert.equal(chain.kernel.identity.method.isActiveMember(chain.state, regNode, Date.now()), false);
    // Its validator leaves with it, as any removal: out of the set that signs block h+2.
    assert.equal(
      view().next.some((v) => v.address === regNode),
      false,
    );
    chain.advance(1);
    assert.equal(chain.height, h + 1);
    assert.equal(
      view().current.some((v) => v.address === regNode),
      false,
    );
    // Final: no vote reinstates or suspends it, and its id is never admitted again.
    for (const action of [
      { type: 'reinstateOrganisation', org: 'reg' },
      { type: 'suspendOrganisation', org: 'reg' },
      { type: 'expelOrganisation', org: 'reg' },
    ] as const) {
      assertFails(
        chain.submit(admins.brand, 'governance', 'submitProposal', { title: action.type, action }),
        IdentityErrors.ORG_EXPELLED,
      );
    }
    assertFails(
      chain.submit(admins.brand, 'governance', 'submitProposal', {
        title: 'again',
        action: { ...admitCarrier, id: 'reg' },
      }),
      IdentityErrors.ORG_ALREADY_EXISTS,
    );
  });

  it('never expels the organisation whose validators are the last ones', () => {
    const genesis = new GenesisBuilder()
      .organisation('solo', ['platform'])
      .organisation('other', ['merchant'])
      .identity('solo/admin', { org: 'solo' })
      .identity('other/admin', { org: 'other' })
      .validator('solo/node', 'solo')
      .build();
    const chain = new TestChain(genesis);
    assertFails(
      chain.submit(testKey('other/admin'), 'governance', 'submitProposal', {
        title: 'expel',
        action: { type: 'expelOrganisation', org: 'solo' },
      }),
      GovernanceErrors.GOV_LAST_VALIDATOR,
    );
  });

  it('replaces the root key of an organisation that lost it', () => {
    const chain = new TestChain();
    const newRoot = testKey('shop/root#new');
    pass(chain, { type: 'replaceRootKey', org: 'shop', rootPublicKey: newRoot.publicKey });
    assert.equal(
      thrownCode(() =>
        chain.submit(testKey('shop/root'), 'identity', 'revokeIdentity', {
          address: testAddress('shop/clerk'),
        }),
      ),
      ExecutionErrors.TX_NOT_MEMBER,
    );
    assertOk(chain.submit(newRoot, 'identity', 'revokeIdentity', { address: testAddress('shop/clerk') }));
  });

  it('changes an organisation’s roles', () => {
    const chain = new TestChain();
    pass(chain, { type: 'setOrganisationRoles', org: 'shop', roles: ['merchant', 'issuer'] });
    assert.equal(chain.kernel.identity.method.orgHasRole(chain.state, 'shop', 'issuer'), true);
    assert.equal(chain.kernel.identity.method.orgHasRole(chain.state, 'shop', 'host'), false);
  });
});

describe('governance: validator set', () => {
  it('activates a validator change approved in block h from block h+2', () => {
    const chain = new TestChain();
    const newValidator = testKey('reg/node2');
    pass(chain, { type: 'setValidator', publicKey: newValidator.publicKey, power: 2, org: 'reg' });
    const h = chain.height;
    const view = () => chain.query<ValidatorsView>('governance', 'validators');
    const has = (set: ValidatorsView['current']) => set.some((v) => v.address === testAddress('reg/node2'));
    // After block h: the set signing h+1 is unchanged; the one signing h+2 (announced by header h+1) has it.
    assert.equal(has(view().current), false);
    assert.equal(has(view().next), true);
    const scheduled = chain.blocks[h]?.blockEvents.find((e) => e.name === 'validatorSetScheduled');
    assert.ok(scheduled !== undefined, 'block h announces the scheduled set');
    assert.equal((scheduled.data as { activatesAt: number }).activatesAt, h + 2);
    chain.advance(1); // block h+1
    assert.equal(has(view().current), true, 'signs block h+2');
    assert.equal(view().current.length, 5);
  });

  it('removes a validator with power 0, but never the last one', () => {
    const genesis = new GenesisBuilder()
      .organisation('solo', ['platform'])
      .identity('solo/admin', { org: 'solo' })
      .validator('solo/node', 'solo')
      .build();
    const chain = new TestChain(genesis);
    const admin = testKey('solo/admin');
    const submit = (action: ProposalAction) =>
      chain.submit(admin, 'governance', 'submitProposal', { title: action.type, action });
    assertFails(
      submit({ type: 'setValidator', publicKey: testKey('solo/node').publicKey, power: 0, org: 'solo' }),
      GovernanceErrors.GOV_LAST_VALIDATOR,
    );
    assertFails(
      submit({ type: 'setValidator', publicKey: testKey('solo/other').publicKey, power: 0, org: 'solo' }),
      GovernanceErrors.GOV_VALIDATOR_NOT_FOUND,
    );
    // One organisation: its own yes is more than 2/3, so the proposal passes at once.
    assertOk(
      submit({ type: 'setValidator', publicKey: testKey('solo/node2').publicKey, power: 1, org: 'solo' }),
    );
    assertOk(
      submit({ type: 'setValidator', publicKey: testKey('solo/node').publicKey, power: 0, org: 'solo' }),
    );
    chain.advance(1);
    const current = chain.kernel.governance.method.currentValidators(chain.state);
    assert.deepEqual(
      current.map((v) => v.address),
      [testAddress('solo/node2')],
    );
  });
});

describe('governance: software upgrades', () => {
  it('schedules an upgrade by vote, ahead of the approving block only, and cancels it', () => {
    const chain = new TestChain();
    assert.equal(chain.query('governance', 'upgradePlan', {}), null);
    // An upgrade at or before the block that would approve it is refused at submission.
    const tooLate = chain.submit(admins.brand, 'governance', 'submitProposal', {
      title: 'too late',
      action: { type: 'scheduleUpgrade', name: 'v2', height: 1 },
    });
    assertFails(tooLate, GovernanceErrors.GOV_UPGRADE_HEIGHT_PASSED);
    assertFails(
      chain.submit(admins.brand, 'governance', 'submitProposal', {
        title: 'nothing to cancel',
        action: { type: 'cancelUpgrade' },
      }),
      GovernanceErrors.GOV_NO_UPGRADE_SCHEDULED,
    );
    const at = chain.height + 50;
    pass(chain, { type: 'scheduleUpgrade', name: 'v2', height: at, info: 'hanglian 0.2.0' });
    const plan = chain.query<{ name: string; height: number; info: string; scheduledAt: number }>(
      'governance',
      'upgradePlan',
      {},
    );
    assert.equal(plan.name, 'v2');
    assert.equal(plan.height, at);
    assert.equal(plan.info, 'hanglian 0.2.0');
    assert.equal(plan.scheduledAt, chain.height);
    pass(chain, { type: 'cancelUpgrade' });
    assert.equal(chain.query('governance', 'upgradePlan', {}), null);
  });
});

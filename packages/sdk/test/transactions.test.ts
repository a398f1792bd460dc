import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addressFromPublicKey } from '@hanglian/core';
import type * as Kernel from '@hanglian/state-machine';
import { createKernel } from '@hanglian/state-machine';
import type * as Sdk from '../src/index.js';
import {
  type Client,
  createClient,
  evidence,
  generateWallet,
  governance,
  identity,
  memberSigner,
  type SignAndSubmitReturnType,
  settlement,
  signAndSubmit,
} from '../src/index.js';
import { rejectsWithCode, startTestChain, type TestChain } from './helpers.js';

// Compile-time drift check: each builder's params are exactly the state machine's params type, so a
// change to a command's schema breaks this build until the SDK follows.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const paramsMatch: [
  Same<Sdk.TransferParams, Kernel.TransferParams>,
  Same<Sdk.IssueParams, Kernel.IssueParams>,
  Same<Sdk.RedeemParams, Kernel.RedeemParams>,
  Same<Sdk.AttestReservesParams, Kernel.AttestReservesParams>,
  Same<Sdk.CertifyIdentityParams, Kernel.CertifyIdentityParams>,
  Same<Sdk.RevokeIdentityParams, Kernel.RevokeIdentityParams>,
  Same<Sdk.RotateKeyParams, Kernel.RotateKeyParams>,
  Same<Sdk.VoteParams, Kernel.VoteParams>,
  Same<Sdk.ReportEquivocationParams, Kernel.ReportEquivocationParams>,
] = [true, true, true, true, true, true, true, true, true];

describe('transaction builders and signAndSubmit against a real node', () => {
  let chain: TestChain;
  let client: Client;
  before(async () => {
    chain = await startTestChain();
    client = createClient({ url: chain.url, reader: memberSigner(chain.key('bookstore/ops')) });
  });
  after(() => chain.stop());

  it('there is a builder for every command of the identity, governance, settlement and evidence modules', () => {
    assert.ok(paramsMatch.every(Boolean));
    const builders: Record<string, Record<string, unknown>> = { identity, governance, settlement, evidence };
    for (const module of createKernel().modules) {
      if (!(module.name in builders)) continue;
      const commands = module.commands.map((c) => c.name).sort();
      assert.deepEqual(Object.keys(builders[module.name] ?? {}).sort(), commands, module.name);
    }
  });

  it('builders make the call of their command, dropping absent optional params', () => {
    const call = settlement.transfer({ to: 'hl'.padEnd(42, '0'), amount: 5, memo: undefined });
    assert.deepEqual(call, {
      module: 'settlement',
      command: 'transfer',
      params: { to: 'hl'.padEnd(42, '0'), amount: 5 },
    });
    assert.deepEqual(
      identity.certifyIdentity({
        publicKey: new Uint8Array(32),
        kind: 'service',
        permissions: ['transact', 'admin'],
      }).params,
      {
        publicKey: new Uint8Array(32),
        kind: 'service',
        permissions: ['admin', 'transact'],
      },
    );
  });

  it('transfers settlement units: fetches nonce and expiry, waits for the commit', async () => {
    const signer = memberSigner(chain.key('bookstore/ops'));
    const to = addressFromPublicKey(chain.key('bookpress/ops').publicKey);
    const first: SignAndSubmitReturnType = await signAndSubmit(client, {
      signer,
      ...settlement.transfer({ to, amount: 250 }),
    });
    assert.equal(first.status.status, 'committed');
    assert.equal(first.nonce, 0);
    const second = await signAndSubmit(client, { signer, ...settlement.transfer({ to, amount: 250 }) });
    assert.equal(second.nonce, 1);
    const status = await client.getStatus();
    assert.ok(second.expiresAt > status.height && second.expiresAt <= status.height + 1_000);
    const { result } = await client.query<{ amount: number }>({
      module: 'settlement',
      name: 'balance',
      params: { address: to },
    });
    assert.equal(result.amount, 100_000_500);
  });

  it("a consumer's one-time order key pays as a co-signing actor; without its signature the payment fails", async () => {
    const member = memberSigner(chain.key('paybank-a/ops'));
    const wallet = generateWallet();
    const orderKey = wallet.orderKey(0);
    const merchant = addressFromPublicKey(chain.key('bookstore/ops').publicKey);
    await signAndSubmit(client, {
      signer: member,
      ...settlement.transfer({ to: orderKey.address, amount: 1_000 }),
    });
    await signAndSubmit(client, {
      signer: member,
      actors: [orderKey],
      ...settlement.transfer({ from: orderKey.address, to: merchant, amount: 600 }),
    });
    const { result } = await client.query<{ amount: number }>({
      module: 'settlement',
      name: 'balance',
      params: { address: orderKey.address },
    });
    assert.equal(result.amount, 400);
    const error = await rejectsWithCode(
      signAndSubmit(client, {
        signer: member,
        ...settlement.transfer({ from: orderKey.address, to: merchant, amount: 1 }),
      }),
      'TX_NOT_SIGNER',
    );
    assert.equal(error.details?.committed, true);
  });

  it("a failed command throws its own code; a refused nonce throws the node's", async () => {
    const signer = memberSigner(chain.key('carrier-a/ops'));
    const to = addressFromPublicKey(chain.key('bookstore/ops').publicKey);
    await rejectsWithCode(
      signAndSubmit(client, { signer, ...settlement.transfer({ to, amount: 10_000_000_000 }) }),
      'SETTLEMENT_INSUFFICIENT_BALANCE',
    );
    // The failed transaction consumed nonce 0.
    await rejectsWithCode(
      signAndSubmit(client, { signer, nonce: 0, ...settlement.transfer({ to, amount: 1 }) }),
      'TX_NONCE_TOO_LOW',
    );
  });

  it('governance and identity builders are accepted by the node', async () => {
    const admin = memberSigner(chain.key('bookstore/admin'));
    const service = generateWallet().orderKey(0);
    await signAndSubmit(client, {
      signer: admin,
      ...identity.certifyIdentity({
        publicKey: service.publicKey,
        kind: 'service',
        permissions: ['transact'],
      }),
    });
    const submitted = await signAndSubmit(client, {
      signer: admin,
      ...governance.submitProposal({
        title: 'Shorter voting',
        action: { type: 'setParameters', votingPeriodBlocks: 500 },
      }),
    });
    assert.equal(submitted.status.status, 'committed');
    // The proposer's organisation has voted yes by proposing; another organisation votes.
    await signAndSubmit(client, {
      signer: memberSigner(chain.key('bookpress/admin')),
      ...governance.vote({ proposalId: 1, vote: 'yes' }),
    });
  });

  it('without waiting, submission answers pending and waitForTransaction sees the commit', async () => {
    const signer = memberSigner(chain.key('platform-a/ops'));
    const to = addressFromPublicKey(chain.key('bookstore/ops').publicKey);
    const sent = await signAndSubmit(client, {
      signer,
      waitForCommit: false,
      ...settlement.transfer({ to, amount: 1 }),
    });
    assert.equal(sent.status.status, 'pending');
    const final = await client.waitForTransaction({ txId: sent.txId, timeoutMs: 10_000 });
    assert.equal(final.status, 'committed');
  });
});

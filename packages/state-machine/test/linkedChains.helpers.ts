/** Two chains in memory linked by governance, and a hand-played relayer between them. */
import assert from 'node:assert/strict';
import { HanglianError, RESULT_OK, type TxResult } from '@hanglian/core';
import {
  createKernel,
  type GenesisBuilder,
  type HeaderSigner,
  type InterchainApp,
  type Packet,
  type Receipt,
  type SignedHeader,
  standardTestNetwork,
  TEST_GENESIS_TIME,
  TestChain,
  testKey,
} from '../src/index.js';

export const REMOTE_SET = ['remote/v1', 'remote/v2', 'remote/v3', 'remote/v4'];
export const admin = (org: string) => testKey(`${org}/admin`);

/** A chain of the standard test network with its own id; `apps` take interchain messages. */
export function newChain(
  chainId: string,
  apps: Record<string, InterchainApp> = {},
  extend: (builder: GenesisBuilder) => GenesisBuilder = (b) => b,
): TestChain {
  return new TestChain(extend(standardTestNetwork({ chainId })).build(), {
    kernel: createKernel({ interchainApps: apps }),
  });
}

const STANDARD_ORGS = ['brand', 'shop', 'pay', 'reg'];

/** Passes a governance proposal on `chain`: the first organisation proposes, the others vote yes until it closes. */
export function passProposal(
  chain: TestChain,
  action: object,
  orgs: readonly string[] = STANDARD_ORGS,
): TxResult {
  const submitted = chain.submit(admin(orgs[0]!), 'governance', 'submitProposal', { title: 'link', action });
  assert.equal(submitted.code, RESULT_OK, submitted.message);
  const id = (submitted.events[0]!.data as { id: number }).id;
  for (const org of orgs.slice(1)) {
    const vote = chain.submit(admin(org), 'governance', 'vote', { proposalId: id, vote: 'yes' });
    assert.equal(vote.code, RESULT_OK, vote.message);
    if (vote.events.some((e) => e.name === 'proposalClosed')) return vote;
  }
  assert.fail('the proposal did not close');
}

/** `local` admits a light client of `remote` from its genesis, signed by `signer`'s set. */
export function admit(
  local: TestChain,
  remote: TestChain,
  signer: HeaderSigner,
  trustingPeriodMs = 86_400_000,
  orgs: readonly string[] = STANDARD_ORGS,
) {
  const result = passProposal(
    local,
    {
      type: 'admitLightClient',
      chainId: remote.genesis.chainId,
      trustingPeriodMs,
      height: 0,
      time: TEST_GENESIS_TIME,
      validators: signer.validators(),
    },
    orgs,
  );
  const closed = result.events.find((e) => e.name === 'proposalClosed')!.data as { status: string };
  assert.equal(closed.status, 'approved', JSON.stringify(closed));
}

/** Submits `signed` to `local`'s client of its chain, from `trustedHeight`. */
export function update(
  local: TestChain,
  signed: SignedHeader,
  trustedHeight: number,
  extra: object = {},
): TxResult {
  return local.submit(testKey('reg/clerk'), 'lightclients', 'update', {
    chainId: signed.header.chainId,
    trustedHeight,
    signed,
    ...extra,
  });
}

/** Relays packet `sequence` from `source` to `dest`: header first, then the packet with its proof. */
export function relayPacket(
  source: HeaderSigner,
  dest: TestChain,
  sequence: number,
  trustedHeight: number,
  tamper: (p: Packet) => Packet = (p) => p,
): { update: TxResult; receive: TxResult; proofHeight: number } {
  const destId = dest.genesis.chainId;
  const key = `${destId}/${sequence.toString().padStart(15, '0')}`;
  const [entry] = source.chain.query<Array<{ packet: Packet }>>('interchain', 'outbox', {
    chainId: destId,
    after: sequence - 1,
    limit: 1,
  });
  assert.ok(entry, `packet ${sequence} was sent`);
  const proof = source.prove(`interchain/outbox/${key}`);
  const signed = source.sign();
  const updated = update(dest, signed, trustedHeight);
  const receive = dest.submit(testKey('reg/clerk'), 'interchain', 'receive', {
    packet: tamper(entry.packet),
    proofHeight: signed.header.height,
    proof,
  });
  return { update: updated, receive, proofHeight: signed.header.height };
}

/** Proves `dest`'s receipt of `sequence` back to `source` (which must have a client of `dest`). */
export function relayReceipt(
  destSigner: HeaderSigner,
  source: TestChain,
  sequence: number,
  trustedHeight: number,
): { update: TxResult; acknowledge: TxResult } {
  const dest = destSigner.chain;
  const sourceId = source.genesis.chainId;
  const receipt = dest.query<Receipt | null>('interchain', 'receipt', { chainId: sourceId, sequence });
  assert.ok(receipt, 'the destination has a receipt');
  const proof = destSigner.prove(`interchain/receipts/${sourceId}/${sequence.toString().padStart(15, '0')}`);
  const signed = destSigner.sign();
  const updated = update(source, signed, trustedHeight);
  const acknowledge = source.submit(testKey('reg/clerk'), 'interchain', 'acknowledge', {
    destChain: dest.genesis.chainId,
    sequence,
    receipt,
    proofHeight: signed.header.height,
    proof,
  });
  return { update: updated, acknowledge };
}

export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof HanglianError) return error.code;
    throw error;
  }
  return RESULT_OK;
}

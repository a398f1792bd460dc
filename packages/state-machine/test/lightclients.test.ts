/**
 * Light clients of other chains: admitted by governance; headers verified by commit certificates from a
 * trusted base (adjacent and skipping); forged headers, too few signatures, a set that was not announced
 * and an expired trust are each refused with their code; two valid headers of one height freeze it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToHex, sha256, utf8 } from '@hanglian/core';
import {
  type ClientState,
  type ConsensusState,
  HeaderSigner,
  LightClientErrors,
  testKey,
} from '../src/index.js';
import { assertFails, assertOk } from './helpers.js';
import { admit, newChain, REMOTE_SET, update } from './linkedChains.helpers.js';

function linked() {
  const logistics = newChain('logistics');
  const commerce = newChain('commerce');
  const signer = new HeaderSigner(logistics, REMOTE_SET);
  admit(commerce, logistics, signer);
  return { logistics, commerce, signer };
}

const client = (chain: ReturnType<typeof newChain>, chainId = 'logistics') =>
  chain.query<ClientState | null>('lightclients', 'client', { chainId });

describe('lightclients: admission', () => {
  it('governance admits a chain from its genesis validator set', () => {
    const { commerce } = linked();
    const admitted = client(commerce)!;
    assert.equal(admitted.status, 'active');
    assert.equal(admitted.latestHeight, 0);
    assert.equal(
      commerce
        .query<ClientState[]>('lightclients', 'clients')
        .map((c) => c.chainId)
        .join(),
      'logistics',
    );
  });

  it('a second admission of the same chain fails the proposal with LIGHTCLIENT_EXISTS', () => {
    const { commerce, logistics, signer } = linked();
    // Refused when submitted: governance tries the action first.
    const result = commerce.submit(testKey('brand/admin'), 'governance', 'submitProposal', {
      title: 'again',
      action: {
        type: 'admitLightClient',
        chainId: logistics.genesis.chainId,
        trustingPeriodMs: 86_400_000,
        height: 0,
        time: 0,
        validators: signer.validators(),
      },
    });
    assertFails(result, LightClientErrors.LIGHTCLIENT_EXISTS);
  });

  it('a trusting period beyond the parameter is refused', () => {
    const commerce = newChain('commerce');
    const signer = new HeaderSigner(newChain('logistics'), REMOTE_SET);
    const result = commerce.submit(testKey('brand/admin'), 'governance', 'submitProposal', {
      title: 'too long',
      action: {
        type: 'admitLightClient',
        chainId: 'logistics',
        trustingPeriodMs: 400 * 86_400_000,
        height: 0,
        time: 0,
        validators: signer.validators(),
      },
    });
    assertFails(result, LightClientErrors.LIGHTCLIENT_BAD_ADMISSION);
  });
});

describe('lightclients: update', () => {
  it('verifies an adjacent header and stores its state root', () => {
    const { logistics, commerce, signer } = linked();
    logistics.advance();
    const signed = signer.sign();
    const result = assertOk(update(commerce, signed, 0));
    assert.equal(result.events[0]!.name, 'updated');
    const cs = commerce.query<ConsensusState>('lightclients', 'consensusState', {
      chainId: 'logistics',
      height: 1,
    });
    assert.equal(bytesToHex(cs.stateRoot), bytesToHex(signed.header.stateRoot));
    assert.equal(client(commerce)!.latestHeight, 1);
    assertFails(update(commerce, signed, 0), LightClientErrors.LIGHTCLIENT_HEADER_KNOWN);
  });

  it('refuses a forged header: changed after signing, the commit is for another block', () => {
    const { logistics, commerce, signer } = linked();
    logistics.advance();
    const forged = signer.sign({ tamper: (h) => ({ ...h, stateRoot: sha256(utf8('forged')) }) });
    assertFails(update(commerce, forged, 0), LightClientErrors.LIGHTCLIENT_COMMIT_INVALID);
    assert.equal(client(commerce)!.latestHeight, 0, 'nothing was stored');
  });

  it('refuses a header signed by 2/3 or less of the power', () => {
    const { logistics, commerce, signer } = linked();
    logistics.advance();
    const weak = signer.sign({ signers: REMOTE_SET.slice(0, 2) });
    assertFails(update(commerce, weak, 0), LightClientErrors.LIGHTCLIENT_COMMIT_INVALID);
  });

  it('refuses a header of a validator set that was not announced, and validators that are not its set', () => {
    const { logistics, commerce } = linked();
    logistics.advance();
    const impostors = ['evil/1', 'evil/2', 'evil/3', 'evil/4'];
    const other = new HeaderSigner(logistics, impostors);
    assertFails(update(commerce, other.sign(), 0), LightClientErrors.LIGHTCLIENT_VALIDATOR_SET_MISMATCH);
    const honest = new HeaderSigner(logistics, REMOTE_SET).sign();
    const wrongList = { ...honest, validators: other.validators() };
    assertFails(update(commerce, wrongList, 0), LightClientErrors.LIGHTCLIENT_VALIDATOR_SET_MISMATCH);
  });

  it('refuses a header of another chain and one not newer than the base', () => {
    const { logistics, commerce, signer } = linked();
    logistics.advance();
    assertOk(update(commerce, signer.sign(), 0));
    const stranger = newChain('stranger');
    stranger.advance(2);
    const foreign = new HeaderSigner(stranger, REMOTE_SET).sign();
    const asLogistics = commerce.submit(testKey('reg/clerk'), 'lightclients', 'update', {
      chainId: 'logistics',
      trustedHeight: 1,
      signed: foreign,
    });
    assertFails(asLogistics, LightClientErrors.LIGHTCLIENT_BAD_HEADER);
    assertFails(
      update(commerce, new HeaderSigner(logistics, REMOTE_SET).sign(), 1),
      LightClientErrors.LIGHTCLIENT_BAD_HEADER,
    );
  });

  it('refuses to build on a trusted header older than the trusting period', () => {
    const logistics = newChain('logistics');
    const commerce = newChain('commerce');
    const signer = new HeaderSigner(logistics, REMOTE_SET);
    admit(commerce, logistics, signer, 60_000);
    commerce.advance(60); // block time now passes genesis + 60 s
    logistics.advance();
    assertFails(update(commerce, signer.sign(), 0), LightClientErrors.LIGHTCLIENT_TRUST_EXPIRED);
  });

  it('follows a validator-set change adjacent and skipping; refuses a skip the trusted set does not back', () => {
    const { logistics, commerce, signer } = linked();
    const newSet = ['remote/v1', 'remote/v2', 'remote/v5', 'remote/v6'];
    logistics.advance();
    // Header 1 announces the new set, which signs from header 2 on.
    assertOk(update(commerce, signer.sign({ nextSet: newSet }), 0));
    logistics.advance();
    assertOk(update(commerce, signer.sign(), 1));
    assert.deepEqual(signer.set, newSet);
    // Skipping from height 1 (whose next set is newSet) to 5: the trusted set signs in full.
    logistics.advance(3);
    assertOk(update(commerce, signer.sign(), 1));
    // A skip from the genesis base (set v1-v4) to a header of a set sharing only v1 and v2 of it:
    // v1+v2 = 2 of 4 > 1/3 passes; a set sharing one validator does not.
    const thin = ['remote/v1', 'remote/v7', 'remote/v8', 'remote/v9'];
    logistics.advance();
    const thinSigner = new HeaderSigner(logistics, thin);
    assertFails(update(commerce, thinSigner.sign(), 0), LightClientErrors.LIGHTCLIENT_TRUST_INSUFFICIENT);
  });

  it('two valid headers of one height freeze the client, kept as evidence; a frozen client refuses updates', () => {
    const { logistics, commerce, signer } = linked();
    logistics.advance();
    const fork = signer.sign({ stateRoot: sha256(utf8('the other branch')) });
    const honest = signer.sign();
    assertOk(update(commerce, honest, 0));
    const frozen = assertOk(update(commerce, fork, 0));
    assert.equal(frozen.events[0]!.name, 'frozen');
    assert.equal(client(commerce)!.status, 'frozen');
    assert.equal(
      commerce.query<unknown[]>('lightclients', 'misbehaviour', { chainId: 'logistics' }).length,
      1,
    );
    logistics.advance();
    assertFails(update(commerce, signer.sign(), 1), LightClientErrors.LIGHTCLIENT_FROZEN);
  });

  it('submitMisbehaviour freezes from a pair never submitted before; the same block twice is no misbehaviour', () => {
    const { logistics, commerce, signer } = linked();
    logistics.advance(2);
    const fork = signer.sign({ stateRoot: sha256(utf8('fork')) });
    const honest = signer.sign();
    const submit = (first: unknown, second: unknown) =>
      commerce.submit(testKey('reg/clerk'), 'lightclients', 'submitMisbehaviour', {
        chainId: 'logistics',
        trustedHeight: 0,
        first,
        second,
      });
    assertFails(submit(honest, honest), LightClientErrors.LIGHTCLIENT_NOT_MISBEHAVIOUR);
    assertOk(submit(honest, fork));
    assert.equal(client(commerce)!.status, 'frozen');
  });

  it('anyone may relay; but the submitter must be a member (authentication)', () => {
    const { logistics, commerce, signer } = linked();
    logistics.advance();
    assert.throws(() =>
      commerce.submit(testKey('outsider'), 'lightclients', 'update', {
        chainId: 'logistics',
        trustedHeight: 0,
        signed: signer.sign(),
      }),
    );
  });
});

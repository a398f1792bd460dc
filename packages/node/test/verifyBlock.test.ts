// A proposal is re-executed before anyone votes for it: `Chain.verifyBlock` must refuse, with
// BLOCK_INVALID, a block whose state root or transaction root is wrong, that holds a transaction with a bad
// signature, that lacks (or carries a forged) commit of the previous block, or whose time does not move
// forward, and must write nothing when it refuses. The untampered block verifies and commits, so each
// refusal is the tampering's doing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addressFromPublicKey,
  type Block,
  bytesToHex,
  commitHash,
  decodeTx,
  ed25519Sha256,
  merkleListRoot,
  type SigningKey,
  signTx,
  type TxBody,
  VOTE_PRECOMMIT,
  voteSignBytes,
} from '@hanglian/core';
import { Chain, commitSignedBy, createApplication, networkPaths } from '../src/index.js';
import { createTestNetwork, makeTx, type TestNetwork } from './helpers.js';

const clone = (block: Block): Block => ({
  header: { ...block.header },
  txs: [...block.txs],
  lastCommit:
    block.lastCommit === null
      ? null
      : { ...block.lastCommit, signatures: block.lastCommit.signatures.map((s) => ({ ...s })) },
});

describe('Chain.verifyBlock refuses tampered proposals', () => {
  let net: TestNetwork;
  let chain: Chain;
  let good: Block;
  let validator: SigningKey;

  before(async () => {
    net = createTestNetwork({ validators: 1 });
    validator = net.key('node0');
    const app = createApplication({ chainId: net.genesis.chainId, suite: ed25519Sha256 });
    chain = Chain.open({
      dataDir: networkPaths.nodeData(net.dir, 'node0'),
      genesis: net.genesis,
      stateMachine: app.stateMachine,
      suite: ed25519Sha256,
      validators: app.validators,
    });
    // Height 1, committed with the validator's precommit; height 2 (with transfers) is the proposal.
    const first = chain.prepareProposal({
      time: chain.latestTime + 1_000,
      proposer: validator.publicKey,
      txs: [],
      lastCommit: null,
    });
    chain.commitBlock(first, commitSignedBy(first, [validator], chain.chainId));
    const sink = addressFromPublicKey(net.key('host-a/ops').publicKey);
    const txs = ['bookstore/ops', 'bookpress/ops'].map((label) =>
      decodeTx(
        makeTx(net.key(label), {
          module: 'settlement',
          command: 'transfer',
          params: { to: sink, amount: 5 },
          nonce: 0,
        }),
        chain.chainId,
      ),
    );
    const second = chain.prepareProposal({
      time: chain.latestTime + 1_000,
      proposer: validator.publicKey,
      txs,
      lastCommit: chain.getCommit(1)!,
    });
    assert.equal(second.block.txs.length, 2);
    good = second.block;
    second.overlay.discard();
  });

  after(async () => {
    await chain?.close();
    net?.remove();
  });

  function assertRefused(block: Block, reason: RegExp, code = 'BLOCK_INVALID'): void {
    const height = chain.height;
    const root = bytesToHex(chain.stateRoot);
    assert.throws(
      () => chain.verifyBlock(block),
      (error: any) => error.code === code && reason.test(error.message),
    );
    // Nothing was written: same height, same state root, no block at the proposed height.
    assert.equal(chain.height, height);
    assert.equal(bytesToHex(chain.stateRoot), root);
    assert.equal(chain.getBlock(height + 1), undefined);
  }

  it('refuses a wrong state root', () => {
    const block = clone(good);
    block.header = { ...block.header, stateRoot: new Uint8Array(32).fill(7) };
    assertRefused(block, /stateRoot/);
  });

  it('refuses a wrong transaction root', () => {
    const block = clone(good);
    block.header = { ...block.header, txRoot: merkleListRoot([block.txs[0]!]) };
    assertRefused(block, /txRoot/);
  });

  it('refuses a transaction with a bad signature (roots made consistent)', () => {
    const block = clone(good);
    const original = decodeTx(block.txs[1]!, chain.chainId);
    // The same body, signed by another key than its submitter's.
    const forged = signTx(original.body as TxBody, net.key('regulator/ops'));
    block.txs[1] = forged;
    block.header = { ...block.header, txRoot: merkleListRoot(block.txs) };
    // Found in execution, the refusal carries the state machine's code for it (its cause says why).
    assertRefused(
      block,
      /failed authentication: the submitter signature does not verify/,
      'BLOCK_TX_INVALID',
    );
  });

  it('refuses a missing commit of the previous block', () => {
    const block = clone(good);
    block.lastCommit = null;
    block.header = { ...block.header, lastCommitHash: commitHash(null) };
    assertRefused(block, /missing the commit/);
  });

  it('refuses a forged commit of the previous block', () => {
    const block = clone(good);
    const signature = Uint8Array.from(block.lastCommit!.signatures[0]!.signature);
    signature[0]! ^= 0xff;
    block.lastCommit!.signatures[0]!.signature = signature;
    block.header = { ...block.header, lastCommitHash: commitHash(block.lastCommit) };
    assertRefused(block, /commit does not verify/);

    // A well-signed commit, but by a key that is not a validator.
    const stranger = clone(good);
    const other = ed25519Sha256.generateSigningKey();
    const previous = good.lastCommit!;
    stranger.lastCommit = {
      ...previous,
      signatures: [
        {
          validator: other.publicKey,
          signature: other.sign(
            voteSignBytes({
              chainId: chain.chainId,
              type: VOTE_PRECOMMIT,
              height: previous.height,
              round: previous.round,
              blockHash: previous.blockHash,
            }),
          ),
        },
      ],
    };
    stranger.header = { ...stranger.header, lastCommitHash: commitHash(stranger.lastCommit) };
    assertRefused(stranger, /commit does not verify/);
  });

  it('refuses a time that does not move forward', () => {
    const block = clone(good);
    block.header = { ...block.header, time: chain.latestTime };
    assertRefused(block, /time/);
  });

  it('accepts and commits the untampered block', () => {
    const prepared = chain.verifyBlock(good);
    chain.commitBlock(prepared, commitSignedBy(prepared, [validator], chain.chainId));
    assert.equal(chain.height, 2);
    assert.equal(chain.getBlock(2)?.txs.length, 2);
  });
});

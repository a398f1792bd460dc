// One decode and one signature check per transaction per node (issue 14): a block's verification takes
// the transactions this node admitted from its mempool, by the hash of their exact signed bytes, already
// decoded and authenticated, and the signature cache knows those objects without hashing them again.
// Bytes the mempool does not hold (another signature over the same body, a transaction never admitted)
// are decoded and verified as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addressFromPublicKey,
  type Block,
  decodeTx,
  ed25519Sha256,
  merkleListRoot,
  type SigningKey,
  signTx,
  type TxBody,
} from '@hanglian/core';
import {
  Chain,
  commitSignedBy,
  createApplication,
  Mempool,
  networkPaths,
  SignatureCache,
} from '../src/index.js';
import { createTestNetwork, makeTx, type TestNetwork } from './helpers.js';

describe('a block verifies with the mempool’s decoded transactions', () => {
  let net: TestNetwork;
  let chain: Chain;
  let mempool: Mempool;
  let signatures: SignatureCache;
  let proposal: Block;
  let validator: SigningKey;

  before(() => {
    net = createTestNetwork({ validators: 1 });
    validator = net.key('node0');
    signatures = new SignatureCache(ed25519Sha256);
    const app = createApplication({
      chainId: net.genesis.chainId,
      suite: ed25519Sha256,
      verifySignatures: (tx) => signatures.verify(tx),
    });
    chain = Chain.open({
      dataDir: networkPaths.nodeData(net.dir, 'node0'),
      genesis: net.genesis,
      stateMachine: app.stateMachine,
      suite: ed25519Sha256,
      validators: app.validators,
    });
    const first = chain.prepareProposal({
      time: chain.latestTime + 1_000,
      proposer: validator.publicKey,
      txs: [],
      lastCommit: null,
    });
    chain.commitBlock(first, commitSignedBy(first, [validator], chain.chainId));
    mempool = new Mempool(app.stateMachine, chain.chainId);
    const sink = addressFromPublicKey(net.key('host-a/ops').publicKey);
    for (const label of ['bookstore/ops', 'bookpress/ops']) {
      const bytes = makeTx(net.key(label), {
        module: 'settlement',
        command: 'transfer',
        params: { to: sink, amount: 5 },
        nonce: 0,
      });
      mempool.add(bytes, chain.reader(), { height: 2, time: chain.latestTime + 1 });
    }
    assert.equal(signatures.misses, 2, 'admission verified each transaction once');
    const prepared = chain.prepareProposal({
      time: chain.latestTime + 1_000,
      proposer: validator.publicKey,
      txs: mempool.reap(chain.reader(), { maxTxs: 100, maxBytes: 1 << 20 }),
      lastCommit: chain.getCommit(1)!,
    });
    assert.equal(prepared.block.txs.length, 2);
    proposal = prepared.block;
    prepared.overlay.discard();
  });

  after(async () => {
    await chain?.close();
    net?.remove();
  });

  it('takes each admitted transaction as the mempool holds it, verifying no signature again', () => {
    const misses = signatures.misses;
    const hits = signatures.hits;
    // Bytes equal to the mempool's, but not the same array: as a block arrives from a peer.
    const block: Block = { ...proposal, txs: proposal.txs.map((bytes) => Uint8Array.from(bytes)) };
    const prepared = chain.verifyBlock(block, (bytes) => mempool.decoded(bytes));
    for (let i = 0; i < block.txs.length; i++)
      assert.equal(prepared.txs[i], mempool.decoded(block.txs[i]!), `transaction ${i} was decoded again`);
    assert.equal(signatures.misses, misses, 'no signature was verified again');
    assert.equal(signatures.hits, hits + 2);
    prepared.overlay.discard();
  });

  it('decodes what the mempool does not hold, as before', () => {
    const prepared = chain.verifyBlock(proposal);
    for (let i = 0; i < proposal.txs.length; i++) {
      assert.notEqual(prepared.txs[i], mempool.decoded(proposal.txs[i]!));
      assert.deepEqual(prepared.txs[i]!.id, mempool.decoded(proposal.txs[i]!)!.id);
    }
    prepared.overlay.discard();
  });

  it('never takes another signature over an admitted body for the admitted transaction', () => {
    const original = decodeTx(proposal.txs[1]!, chain.chainId);
    const forged = signTx(original.body as TxBody, net.key('regulator/ops'));
    assert.equal(mempool.decoded(forged), undefined);
    const txs = [proposal.txs[0]!, forged];
    const block: Block = {
      ...proposal,
      txs,
      header: { ...proposal.header, txRoot: merkleListRoot(txs) },
    };
    assert.throws(
      () => chain.verifyBlock(block, (bytes) => mempool.decoded(bytes)),
      (error: any) =>
        error.code === 'BLOCK_TX_INVALID' && /submitter signature does not verify/.test(error.message),
    );
  });

  it('forgets a transaction once a block included it', () => {
    const prepared = chain.verifyBlock(proposal, (bytes) => mempool.decoded(bytes));
    chain.commitBlock(prepared, commitSignedBy(prepared, [validator], chain.chainId));
    mempool.update(prepared.txs, chain.reader(), chain.height);
    assert.equal(mempool.size, 0);
    for (const bytes of proposal.txs) assert.equal(mempool.decoded(bytes), undefined);
  });
});

// The growth benchmark's history pre-fill (issue 14): `Chain.openPrefilled` with `history` writes blocks
// 1..N directly, with the state imported at N. What the node keeps of a block must then read back through
// its own code as for a committed block (the block, its results, its commit, its validators, the
// transaction index), the encodings must be canonical and the roots real, and the chain must continue at
// N + 1: a block proposed on top verifies (its previous commit, block N's, is signed for real) and commits,
// and the ledger reopens as an ordinary one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addressFromPublicKey,
  blockCodec,
  blockHash,
  blockResultsCodec,
  bytesToHex,
  commitCodec,
  commitHash,
  decodeTx,
  ed25519Sha256,
  merkleListProof,
  merkleListRoot,
  type SigningKey,
  verifyCommit,
  verifyListInclusion,
} from '@hanglian/core';
import { growthKey, prefillState } from '@hanglian/storage';
import { SyntheticHistory } from '../src/chain/historyPrefill.js';
import { Chain, commitSignedBy, createApplication, networkPaths, resultsRootOf } from '../src/index.js';
import { createTestNetwork, makeTx, type TestNetwork } from './helpers.js';

const BLOCKS = 2_000;
const PER_BLOCK = 20;
const KEYS = 1_000;
const VALUE = new Uint8Array(100).fill(0xab);

describe('history pre-fill (Chain.openPrefilled with history)', () => {
  let net: TestNetwork;
  let validator: SigningKey;
  let application: ReturnType<typeof createApplication>;
  let chain: Chain;
  let dataDir: string;
  const written: Array<{ blocks: number; transactions: number; seconds: number; recordBytes: number }> = [];
  const lines: string[] = [];

  const open = () => ({
    dataDir,
    genesis: net.genesis,
    stateMachine: application.stateMachine,
    suite: ed25519Sha256,
    validators: application.validators,
  });

  before(() => {
    net = createTestNetwork({ validators: 1 });
    validator = net.key('node0');
    application = createApplication({ chainId: net.genesis.chainId, suite: ed25519Sha256 });
    dataDir = networkPaths.nodeData(net.dir, 'node0');
    chain = Chain.openPrefilled(
      open(),
      (state, genesis) => prefillState(state, KEYS, VALUE, undefined, genesis),
      {
        blocks: BLOCKS,
        transactionsPerBlock: PER_BLOCK,
        signers: [validator],
        // Three threads make the bodies, whatever the cores: the blocks must still chain in order.
        workers: 3,
        progressEvery: 500,
        onProgress: (line) => lines.push(line),
        onWritten: (figures) => written.push(figures),
      },
    );
  });

  after(async () => {
    await chain?.close();
    await application?.close();
    net?.remove();
  });

  it('puts the chain at the last block, with the pre-filled state and the genesis state', () => {
    assert.equal(chain.height, BLOCKS);
    assert.equal(chain.latestTime, net.genesis.genesisTime + BLOCKS * 1_000);
    assert.deepEqual(chain.latestHeader?.stateRoot, chain.stateRoot);
    assert.deepEqual(chain.storage.state.get(growthKey(KEYS - 1)), VALUE);
    assert.equal(chain.storage.state.get(growthKey(KEYS)), undefined);
    // The genesis state is there too: the validator set comes from it.
    assert.deepEqual(
      chain.currentValidators().map((v) => bytesToHex(v.publicKey)),
      [bytesToHex(validator.publicKey)],
    );
    // No state below the imported one, as after state sync.
    assert.equal(chain.hasStateAt(BLOCKS - 1), false);
    assert.equal(chain.hasStateAt(BLOCKS), true);
    assert.equal(written.length, 1);
    assert.equal(written[0]!.blocks, BLOCKS);
    assert.equal(written[0]!.transactions, BLOCKS * PER_BLOCK);
    assert.ok(written[0]!.recordBytes > BLOCKS * PER_BLOCK * 250, JSON.stringify(written[0]));
    assert.ok(
      lines.some((line) => /history: [\d,]+ of 2,000 blocks/.test(line)),
      lines.join('\n'),
    );
  });

  it("reads old blocks, results, commits and validators through the node's own reads", () => {
    const seen = new Set<string>();
    for (const k of [1, 2, 777, 1_999, BLOCKS]) {
      const raw = chain.storage.blocks.getBlock(k)!;
      // Canonical (the full decode re-encodes and compares) and schema-valid.
      const block = blockCodec.decode(raw);
      assert.deepEqual(chain.getBlock(k), block);
      const { header } = block;
      assert.equal(header.height, k);
      assert.equal(header.chainId, chain.chainId);
      assert.equal(header.txCount, PER_BLOCK);
      assert.equal(block.txs.length, PER_BLOCK);
      assert.deepEqual(header.txRoot, merkleListRoot(block.txs));
      assert.equal(chain.storage.blocks.heightOf(blockHash(header)), k);

      const results = chain.getResults(k)!;
      assert.deepEqual(blockResultsCodec.decode(chain.storage.blocks.getResults(k)!), results);
      assert.equal(results.height, k);
      assert.deepEqual(header.resultsRoot, resultsRootOf(results.txResults, results.blockEvents));

      block.txs.forEach((bytes, i) => {
        const tx = decodeTx(bytes, chain.chainId);
        assert.ok(bytes.length > 250 && bytes.length < 320, `${bytes.length} bytes`);
        assert.equal(tx.body.module, 'settlement');
        assert.equal(tx.body.command, 'transfer');
        const result = results.txResults[i]!;
        assert.deepEqual(result.txId, tx.id);
        assert.equal(result.code, 'OK');
        assert.deepEqual(result.events[0]!.data, {
          from: tx.submitter,
          to: (tx.body.params as { to: string }).to,
          amount: 1,
        });
        seen.add(bytesToHex(tx.id));
      });

      const commit = chain.getCommit(k)!;
      assert.deepEqual(commitCodec.decode(commitCodec.encode(commit)), commit);
      assert.equal(commit.height, k);
      assert.deepEqual(commit.blockHash, blockHash(header));
      assert.deepEqual(chain.validatorsAt(k), chain.currentValidators());
      assert.deepEqual(header.lastCommitHash, commitHash(block.lastCommit));
      if (k === 1) {
        assert.deepEqual(header.previousBlockHash, chain.genesisHash);
        assert.equal(block.lastCommit, null);
      } else {
        assert.deepEqual(header.previousBlockHash, blockHash(chain.getBlock(k - 1)!.header));
        assert.deepEqual(block.lastCommit, chain.getCommit(k - 1));
      }
      if (k > 1) assert.ok(header.time > chain.getBlock(k - 1)!.header.time);
    }
    assert.equal(seen.size, 5 * PER_BLOCK, 'every transaction has its own id');
    // The last block's commit is signed for real by the validator: the next block carries it.
    const last = chain.getBlock(BLOCKS)!;
    assert.deepEqual(last.header.stateRoot, chain.stateRoot);
    const check = verifyCommit(
      chain.getCommit(BLOCKS)!,
      chain.chainId,
      blockHash(last.header),
      chain.validatorsAt(BLOCKS)!,
      ed25519Sha256,
    );
    assert.ok(check.ok, check.reason);
  });

  it('writes the blocks the generator makes, the same on every run (bodies made by worker threads)', () => {
    const validators = chain.currentValidators();
    const synthetic = new SyntheticHistory({
      chainId: chain.chainId,
      genesisHash: chain.genesisHash,
      genesisTime: net.genesis.genesisTime,
      blockMillis: 1_000,
      transactionsPerBlock: PER_BLOCK,
      validators,
      nextValidators: validators,
      lastHeight: BLOCKS,
    });
    for (let height = 1; height < BLOCKS; height++) {
      const made = synthetic.next();
      if (height % 333 !== 0 && height !== BLOCKS - 1) continue;
      assert.deepEqual(made.block, chain.storage.blocks.getBlock(height), `block ${height}`);
      assert.deepEqual(made.results, chain.storage.blocks.getResults(height), `results ${height}`);
      assert.deepEqual(commitCodec.decode(made.commit), chain.getCommit(height), `commit ${height}`);
    }
  });

  it('encodes every length of nonce canonically, up to the longest a million blocks reach', () => {
    const validators = chain.currentValidators();
    const options = {
      chainId: chain.chainId,
      genesisHash: chain.genesisHash,
      genesisTime: net.genesis.genesisTime,
      blockMillis: 1_000,
      transactionsPerBlock: 64,
      validators,
      nextValidators: validators,
      lastHeight: 10,
    };
    const synthetic = new SyntheticHistory(options);
    // With 64 transactions a block, each of the 64 submitters has one, its nonce the height less one:
    // these heights cross from one length of encoding to the next (23 → 24, 255 → 256, 65,535 → 65,536).
    for (const height of [1, 24, 25, 256, 257, 65_536, 65_537, 4_000_001]) {
      const body = synthetic.body(height);
      const submitters = new Set<string>();
      for (const bytes of body.txs) {
        const tx = decodeTx(bytes, chain.chainId);
        assert.equal(tx.body.nonce, height - 1, `height ${height}`);
        submitters.add(tx.submitter);
      }
      assert.equal(submitters.size, 64);
      // The same body whatever was made before: it depends on the height alone.
      assert.deepEqual(new SyntheticHistory(options).body(height).txs, body.txs);
    }
  });

  it('finds an old transaction by its id, with its result and a proof of inclusion', () => {
    const block = chain.getBlock(777)!;
    const tx = decodeTx(block.txs[5]!, chain.chainId);
    // As the node's transaction status does (`HanglianNode.txStatus`): the index, then the results.
    const location = chain.locateTx(tx.id);
    assert.deepEqual(location, { height: 777, index: 5 });
    assert.deepEqual(chain.getResults(location!.height)!.txResults[location!.index]!.txId, tx.id);
    assert.ok(verifyListInclusion(block.header.txRoot, block.txs[5]!, merkleListProof(block.txs, 5)));
    assert.equal(chain.locateTx(new Uint8Array(32).fill(1)), undefined);
  });

  it('continues at the next height: a block on top verifies, commits and reopens', async () => {
    const sink = addressFromPublicKey(net.key('host-a/ops').publicKey);
    const ops = net.key('bookstore/ops');
    const tx = decodeTx(
      makeTx(ops, {
        module: 'settlement',
        command: 'transfer',
        params: { to: sink, amount: 5 },
        nonce: chain.nextNonce(addressFromPublicKey(ops.publicKey)),
        expiresAt: chain.height + 100,
      }),
      chain.chainId,
    );
    const proposed = chain.prepareProposal({
      time: chain.latestTime + 1_000,
      proposer: validator.publicKey,
      txs: [tx],
      lastCommit: chain.getCommit(BLOCKS)!,
    });
    proposed.overlay.discard();
    // As another validator receives it: the previous block's commit, its time, hash and roots checked.
    const verified = chain.verifyBlock(proposed.block);
    assert.equal(verified.results.txResults[0]!.code, 'OK');
    chain.commitBlock(verified, commitSignedBy(verified, [validator], chain.chainId));
    assert.equal(chain.height, BLOCKS + 1);
    await chain.close();

    chain = Chain.open(open());
    assert.equal(chain.height, BLOCKS + 1);
    const top = chain.getBlock(BLOCKS + 1)!;
    assert.deepEqual(top.header.previousBlockHash, blockHash(chain.getBlock(BLOCKS)!.header));
    assert.deepEqual(chain.locateTx(tx.id), { height: BLOCKS + 1, index: 0 });
    assert.deepEqual(chain.storage.state.get(growthKey(3)), VALUE);
  });

  it('refuses signers that are not the validators', () => {
    const other = createTestNetwork({ validators: 1 });
    try {
      assert.throws(
        () =>
          Chain.openPrefilled(
            {
              ...open(),
              dataDir: networkPaths.nodeData(other.dir, 'node0'),
            },
            (state, genesis) => prefillState(state, 10, VALUE, undefined, genesis),
            { blocks: 10, signers: [net.key('bookstore/ops')] },
          ),
        { code: 'CONFIG_INVALID' },
      );
    } finally {
      other.remove();
    }
  });
});

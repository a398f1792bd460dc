/**
 * One block through a node's own code, as the growth benchmarks run it on a one-validator chain in this
 * process: admission (each transaction decoded and its signatures checked once, as a node admits it), the
 * proposal (execution and the new state root), and the commit with a signed precommit (state values, tree
 * nodes, block, results, transaction index: one LMDB write transaction). The CPU of this process (every
 * thread, the contract worker's included) is taken per phase, so a ledger's extra cost can be told apart:
 * execution and the tree's hashing in the proposal, LMDB's page writes in the commit.
 */
import { type Commit, decodeTx, type SigningKey } from '@hanglian/core';
import { type Chain, commitSignedBy, type SignatureCache } from '@hanglian/node';

/** CPU per phase of a block, in µs. */
export interface PhaseMicros {
  readonly admission: number;
  readonly proposal: number;
  readonly commit: number;
}

export const NO_PHASES: PhaseMicros = { admission: 0, proposal: 0, commit: 0 };

export function addPhases(a: PhaseMicros, b: PhaseMicros): PhaseMicros {
  return {
    admission: a.admission + b.admission,
    proposal: a.proposal + b.proposal,
    commit: a.commit + b.commit,
  };
}

export function scalePhases(a: PhaseMicros, by: number): PhaseMicros {
  return { admission: a.admission / by, proposal: a.proposal / by, commit: a.commit / by };
}

export interface GrowthBlockRunner {
  /**
   * Runs `txs` as the next block; throws unless every one is included with OK (`what` names the block in
   * the error). Returns the block's CPU by phase and the tree records it read from LMDB.
   */
  run(txs: readonly Uint8Array[], what: string): { phases: PhaseMicros; micros: number; reads: number };
}

export function growthBlockRunner(args: {
  chain: Chain;
  chainId: string;
  validator: SigningKey;
  signatures: SignatureCache;
}): GrowthBlockRunner {
  const { chain, chainId, validator, signatures } = args;
  let lastCommit: Commit | null = null;
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  return {
    run(txs, what) {
      const readsBefore = chain.storage.state.treeRecordsRead();
      const t0 = cpu();
      const decoded = txs.map((bytes) => {
        const tx = decodeTx(bytes, chainId);
        signatures.verify(tx);
        return tx;
      });
      const t1 = cpu();
      const prepared = chain.prepareProposal({
        time: chain.latestTime + 1_000,
        proposer: validator.publicKey,
        txs: decoded,
        lastCommit,
      });
      const t2 = cpu();
      const commit = commitSignedBy(prepared, [validator], chainId);
      chain.commitBlock(prepared, commit);
      const t3 = cpu();
      const failed = prepared.results.txResults.find((r) => r.code !== 'OK');
      if (prepared.txs.length !== txs.length || failed !== undefined)
        throw new Error(
          `${what}: ${prepared.txs.length} of ${txs.length} included, ${failed === undefined ? prepared.excluded[0]?.error.message : `${failed.code}: ${failed.message}`}`,
        );
      lastCommit = commit;
      return {
        phases: { admission: t1 - t0, proposal: t2 - t1, commit: t3 - t2 },
        micros: t3 - t0,
        reads: chain.storage.state.treeRecordsRead() - readsBefore,
      };
    },
  };
}

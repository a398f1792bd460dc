/**
 * Replays a stored chain into a fresh ledger: every block is verified and re-executed from the genesis,
 * exactly as a syncing node would, and must reproduce every header's state and results roots. This is
 * how an operator (or a test) proves that what is on disk is what the blocks say.
 */
import { bytesEqual, bytesToHex, ed25519Sha256, HanglianError } from '@hanglian/core';
import { createApplication } from '../application.js';
import { NodeErrors } from '../errors.js';
import { Chain } from './chain.js';

export interface ReplayReport {
  readonly height: number;
  readonly stateRoot: string;
}

export function replayChain(args: {
  source: Chain;
  targetDir: string;
  onProgress?: (height: number) => void;
}): ReplayReport {
  const { source } = args;
  const application = createApplication({ chainId: source.chainId, suite: ed25519Sha256 });
  const target = Chain.open({
    dataDir: args.targetDir,
    genesis: source.genesis,
    stateMachine: application.stateMachine,
    suite: ed25519Sha256,
    validators: application.validators,
    durability: 'process-crash',
  });
  try {
    for (let height = 1; height <= source.height; height++) {
      const block = source.getBlock(height);
      const commit = source.getCommit(height);
      if (block === undefined || commit === undefined) {
        throw new HanglianError(NodeErrors.STORED_BLOCK_INVALID, `block or commit ${height} is missing`);
      }
      let prepared: ReturnType<Chain['verifyBlock']>;
      try {
        prepared = target.verifyBlock(block);
      } catch (error) {
        throw new HanglianError(
          NodeErrors.STORED_BLOCK_INVALID,
          `stored block ${height} does not replay: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      target.commitBlock(prepared, commit);
      args.onProgress?.(height);
    }
    if (!bytesEqual(target.stateRoot, source.stateRoot)) {
      throw new HanglianError(
        NodeErrors.STORED_BLOCK_INVALID,
        'replayed state root differs from the stored one',
        {
          details: { replayed: bytesToHex(target.stateRoot), stored: bytesToHex(source.stateRoot) },
        },
      );
    }
    return { height: target.height, stateRoot: bytesToHex(target.stateRoot) };
  } finally {
    void target.close();
  }
}

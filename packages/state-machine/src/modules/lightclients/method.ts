/** What other modules may read of the light clients: pure functions of a state. */
import { HanglianError } from '@hanglian/core';
import type { StateReader } from '../../framework/state.js';
import { LightClientErrors } from './errors.js';
import {
  type ClientState,
  type ConsensusState,
  clientStore,
  consensusKey,
  consensusStore,
} from './stores.js';

export class LightClientMethod {
  getClient(state: StateReader, chainId: string): ClientState | undefined {
    return clientStore.get(state, chainId);
  }

  /**
   * The verified consensus state of `chainId` at `height`, to check a proof of its state against; throws
   * LIGHTCLIENT_UNKNOWN, LIGHTCLIENT_FROZEN or LIGHTCLIENT_UNKNOWN_HEIGHT.
   */
  requireConsensusState(state: StateReader, chainId: string, height: number): ConsensusState {
    const client = clientStore.get(state, chainId);
    if (client === undefined) {
      throw new HanglianError(LightClientErrors.LIGHTCLIENT_UNKNOWN, `no light client of chain ${chainId}`);
    }
    if (client.status === 'frozen') {
      throw new HanglianError(
        LightClientErrors.LIGHTCLIENT_FROZEN,
        `the light client of ${chainId} is frozen (misbehaviour at height ${client.misbehaviourHeight})`,
      );
    }
    const consensus = consensusStore.get(state, consensusKey(chainId, height));
    if (consensus === undefined) {
      throw new HanglianError(
        LightClientErrors.LIGHTCLIENT_UNKNOWN_HEIGHT,
        `no verified header of ${chainId} at height ${height}`,
      );
    }
    return consensus;
  }
}

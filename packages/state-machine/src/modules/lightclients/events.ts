/** Events of the lightclients module (topics in the README). */
export const LightClientEvents = {
  updated: 'updated',
  frozen: 'frozen',
} as const;

export interface UpdatedData {
  chainId: string;
  height: number;
  /** Hex of the header's hash. */
  blockHash: string;
  /** Hex of the state root proofs at this height are checked against. */
  stateRoot: string;
}
export interface FrozenData {
  chainId: string;
  height: number;
  /** Hex of the two conflicting block hashes, sorted. */
  blockHashes: string[];
}

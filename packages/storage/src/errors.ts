/**
 * Stable error codes of the storage package. Callers (the node, the API) branch on these strings, so a
 * code never changes meaning once released; add new ones instead.
 */
export const StorageErrorCode = {
  /** The environment or store was closed before the call. */
  Closed: 'STORAGE_CLOSED',
  /** Stored bytes do not match what they must be (hash mismatch, bad record layout). */
  Corrupt: 'STORAGE_CORRUPT',
  /** A tree node reachable from the given root is not stored (unknown root, or lost data). */
  NodeMissing: 'STORAGE_NODE_MISSING',
  /** The caller passed an argument the store cannot accept (empty key, unknown sub-database, bad version). */
  InvalidArgument: 'STORAGE_INVALID_ARGUMENT',
  /** A commit's version does not follow the latest stored version, or the state moved under an overlay. */
  VersionConflict: 'STORAGE_VERSION_CONFLICT',
  /** The overlay was already committed or discarded. */
  OverlayFinished: 'STORAGE_OVERLAY_FINISHED',
  /** No root is stored for the requested version. */
  UnknownVersion: 'STORAGE_UNKNOWN_VERSION',
  /** The version was committed, but this store keeps only recent versions and snapshots (pruning). */
  Pruned: 'STORAGE_PRUNED',
} as const;

export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

/** The one error class this package throws on purpose; `code` says what went wrong. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

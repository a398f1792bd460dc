import type { Height } from '../types.js';
import type { WalRecord } from './records.js';

/**
 * The write-ahead log contract. `append` may buffer; only records covered by a completed `sync` survive a
 * crash. The driver syncs before it sends anything that follows a `wal-write` output, which is what makes
 * "never sign a conflicting vote" hold across crashes.
 */
export interface WriteAheadLog {
  append(record: WalRecord): void;
  /** Makes every appended record durable (fsync in the node). */
  sync(): void | Promise<void>;
  /** The durable records, oldest first. */
  replay(): readonly WalRecord[] | Promise<readonly WalRecord[]>;
  /** Drops records of heights below `height` (they are decided; the block store holds the result). */
  truncateBelow(height: Height): void | Promise<void>;
}

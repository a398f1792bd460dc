import type { Height } from '../types.js';
import type { WriteAheadLog } from './interface.js';
import type { WalRecord } from './records.js';

/**
 * An in-memory WAL for the simulator and tests that models durability: `crash()` throws away whatever was
 * appended but not synced, exactly what a power cut does to a file without fsync.
 */
export class MemoryWal implements WriteAheadLog {
  private durable: WalRecord[] = [];
  private pending: WalRecord[] = [];
  syncCount = 0;

  append(record: WalRecord): void {
    this.pending.push(record);
  }

  sync(): void {
    if (this.pending.length === 0) return;
    this.durable.push(...this.pending);
    this.pending = [];
    this.syncCount++;
  }

  replay(): readonly WalRecord[] {
    return [...this.durable];
  }

  truncateBelow(height: Height): void {
    this.durable = this.durable.filter((r) => r.height >= height);
  }

  /** Loses the unsynced tail, as a crash would. */
  crash(): void {
    this.pending = [];
  }

  get unsyncedCount(): number {
    return this.pending.length;
  }
}

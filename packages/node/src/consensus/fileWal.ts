/**
 * The consensus write-ahead log on disk. Each record is framed as
 *   u32 length (big-endian) ‖ first 4 bytes of SHA-256(record) ‖ record (canonical CBOR)
 * and `sync()` fsyncs the file, so the driver can make its own votes durable before they leave the node.
 * Replay stops at the first torn or corrupt frame (a crash mid-append) and cuts the file there.
 * It lives beside the ledger, not inside it: wiping a node's ledger must not forget what it signed.
 * The records are read once when the file is opened and mirrored in memory, because the driver asks for
 * them at every height it starts.
 *
 * `truncateBelow` drops the decided heights from memory at once but rewrites the file only once it has
 * grown past `compactAtBytes`. The rewrite (a temporary file, two fsyncs and a rename) ran at every commit
 * before, on the event loop between a block's commit and the next height's start; records of decided heights
 * left in the file are harmless, since a height's recovery takes only that height's records.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WalRecord, WriteAheadLog } from '@hanglian/consensus';
import { bytesEqual, decodeCanonical, encodeCanonical, sha256 } from '@hanglian/core';

const HEADER_BYTES = 8;
const MAX_RECORD_BYTES = 32 * 1024 * 1024;
/** Default size past which `truncateBelow` rewrites the file: hundreds of quiet heights, a few busy ones. */
export const DEFAULT_WAL_COMPACT_AT_BYTES = 1024 * 1024;

export interface FileWalOptions {
  /** The file is rewritten without decided heights once it is at least this large (default 1 MiB). */
  readonly compactAtBytes?: number;
}

function frame(record: WalRecord): Buffer {
  const body = encodeCanonical(record);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(body.byteLength, 0);
  Buffer.from(sha256(body).subarray(0, 4)).copy(header, 4);
  return Buffer.concat([header, body]);
}

export class FileWal implements WriteAheadLog {
  readonly path: string;
  #fd: number;
  #closed = false;
  /**
   * The file's records, read once at opening, then kept in step with appends and truncations (without the
   * decided heights the file may still hold until it is compacted).
   */
  #records: WalRecord[];
  /** The file's size: what decides when `truncateBelow` rewrites it. */
  #fileBytes = 0;
  readonly #compactAtBytes: number;
  /** Times the file was rewritten (for tests). */
  #compactions = 0;

  constructor(path: string, options: FileWalOptions = {}) {
    this.path = path;
    this.#compactAtBytes = options.compactAtBytes ?? DEFAULT_WAL_COMPACT_AT_BYTES;
    this.#fd = openSync(path, 'a+');
    this.#records = this.#read();
  }

  /** Bytes in the file now, decided heights included until the next compaction. */
  get fileBytes(): number {
    return this.#fileBytes;
  }

  get compactions(): number {
    return this.#compactions;
  }

  append(record: WalRecord): void {
    const framed = frame(record);
    writeSync(this.#fd, framed);
    this.#fileBytes += framed.byteLength;
    this.#records.push(record);
  }

  sync(): void {
    fsyncSync(this.#fd);
  }

  replay(): readonly WalRecord[] {
    return [...this.#records];
  }

  #read(): WalRecord[] {
    const bytes = readFileSync(this.path);
    const records: WalRecord[] = [];
    let offset = 0;
    while (offset + HEADER_BYTES <= bytes.byteLength) {
      const length = bytes.readUInt32BE(offset);
      const end = offset + HEADER_BYTES + length;
      if (length > MAX_RECORD_BYTES || end > bytes.byteLength) break;
      const body = bytes.subarray(offset + HEADER_BYTES, end);
      if (!bytesEqual(sha256(body).subarray(0, 4), bytes.subarray(offset + 4, offset + 8))) break;
      try {
        records.push(decodeCanonical(body) as WalRecord);
      } catch {
        break;
      }
      offset = end;
    }
    if (offset < bytes.byteLength) {
      // A torn tail from a crash mid-append: drop it so later appends follow a whole record.
      ftruncateSync(this.#fd, offset);
      fsyncSync(this.#fd);
    }
    this.#fileBytes = offset;
    return records;
  }

  /**
   * Keeps only records of `height` and above. In memory at once; on disk when the file has grown past
   * `compactAtBytes`: rewritten to a temporary file, fsynced, then renamed.
   */
  truncateBelow(height: number): void {
    const keep = this.#records.filter((r) => r.height >= height);
    this.#records = keep;
    if (this.#fileBytes < this.#compactAtBytes) return;
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w');
    let bytes = 0;
    for (const record of keep) bytes += writeSync(fd, frame(record));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, this.path);
    const dirFd = openSync(dirname(this.path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
    closeSync(this.#fd);
    this.#fd = openSync(this.path, 'a+');
    this.#fileBytes = bytes;
    this.#compactions++;
  }

  /** Closes the file; a second call does nothing (a descriptor number closed twice may be another file's). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

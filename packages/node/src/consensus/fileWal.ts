/**
 * The consensus write-ahead log on disk. Each record is framed as
 *   u32 length (big-endian) ‖ first 4 bytes of SHA-256(record) ‖ record (canonical CBOR)
 * and `sync()` fsyncs the file, so the driver can make its own votes durable before they leave the node.
 * Replay stops at the first torn or corrupt frame (a crash mid-append) and cuts the file there.
 * It lives beside the ledger, not inside it: wiping a node's ledger must not forget what it signed.
 * The records are mirrored in memory once read, because the driver asks for them at every height it
 * starts; the file is rewritten on `truncateBelow` only when it holds a record to drop.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { WalRecord, WriteAheadLog } from '@hanglian/consensus';
import { bytesEqual, decodeCanonical, encodeCanonical, sha256 } from '@hanglian/core';

const HEADER_BYTES = 8;
const MAX_RECORD_BYTES = 32 * 1024 * 1024;

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
  /** The file's records once read (then kept in step with appends). */
  #records: WalRecord[] | undefined;

  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, 'a+');
  }

  append(record: WalRecord): void {
    writeSync(this.#fd, frame(record));
    this.#records?.push(record);
  }

  sync(): void {
    fsyncSync(this.#fd);
  }

  replay(): readonly WalRecord[] {
    if (this.#records === undefined) this.#records = this.#read();
    return [...this.#records];
  }

  #read(): WalRecord[] {
    if (!existsSync(this.path)) return [];
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
    return records;
  }

  /** Keeps only records of `height` and above: rewritten to a temporary file, fsynced, then renamed. */
  truncateBelow(height: number): void {
    const all = this.replay();
    const keep = all.filter((r) => r.height >= height);
    if (keep.length === all.length) return;
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w');
    for (const record of keep) writeSync(fd, frame(record));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, this.path);
    const dirFd = openSync(dirname(this.path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
    closeSync(this.#fd);
    this.#fd = openSync(this.path, 'a+');
    this.#records = keep;
  }

  /** Closes the file; a second call does nothing (a descriptor number closed twice may be another file's). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

/**
 * The validator signer's memory, on disk beside its key: the last height, round and step it signed, the
 * block (and proof-of-lock round) it signed for, and the signature. It is what lets the signer refuse a
 * conflicting signature whatever happened to the ledger or the WAL (a wipe, a restore from an old backup),
 * in the manner of CometBFT's private-validator state file.
 *
 * Layout: two fixed slots of SLOT_BYTES, written alternately, each
 *   u32 length (big-endian) ‖ first 4 bytes of SHA-256(body) ‖ body (JSON)
 * A write goes to the slot not holding the newest record and is fdatasynced before the signature is
 * returned, so a torn write (power cut mid-write) leaves the other, older slot intact: the newest whole
 * slot (highest `seq`) is the state. One fsync per signature, no rename.
 *
 * A lock file (`<path>.lock`) stops a second process on this machine from signing with the same state at
 * the same time. It names its holder by pid and, on Linux, by the process's start time (/proc/<pid>/stat):
 * a pid alone is reused, and a validator that crashed would then refuse to start again for as long as some
 * other process happened to get its old pid (seen: SIGNER_IN_USE "held by process 24074" on a copied data
 * directory). A lock whose holder is gone, or whose pid now belongs to a process started at another time,
 * is taken over. The lock is created exclusively, so two processes starting at once cannot both take it.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { LastSigned, SignStep } from '@hanglian/consensus';
import { bytesEqual, bytesToHex, HanglianError, hexToBytes, sha256, utf8 } from '@hanglian/core';
import { NodeErrors } from '../errors.js';

const SLOT_BYTES = 1024;
const HEADER_BYTES = 8;

// The signing order and what a signature is kept with are the consensus package's (one rule for the node
// and the simulator).
export { type LastSigned, SIGN_STEP_ORDER, type SignStep } from '@hanglian/consensus';

interface SlotBody {
  readonly v: 1;
  readonly chainId: string;
  readonly validator: string;
  readonly seq: number;
  readonly height: number;
  readonly round: number;
  readonly step: SignStep;
  readonly blockHash: string | null;
  readonly polRound?: number;
  readonly signature: string;
}

/** Locks held by this process, so a lock file naming our own pid is told apart from one we hold now. */
const heldHere = new Set<string>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined where
 * that cannot be read (not Linux, or the process is gone).
 */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/**
 * The lock's own place, through any symbolic link on the way: two processes reaching one state file by
 * different paths name the same place, and a lock copied with its directory names the place it came from.
 */
function lockPlace(lock: string): string {
  try {
    return join(realpathSync(dirname(lock)), basename(lock));
  } catch {
    return resolve(lock);
  }
}

/**
 * What a lock file says of its holder: a first line `pid` or `pid start` (older locks hold the pid only),
 * and a second line with the lock's place when it was taken (older locks have none).
 */
function readLockHolder(lock: string): { pid: number; start?: string; place?: string } | undefined {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8');
  } catch {
    return undefined;
  }
  const [first = '', place] = text.split('\n');
  const [pidText, start] = first.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return {
    pid,
    ...(start === undefined || start === '' ? {} : { start }),
    ...(place === undefined || place.trim() === '' ? {} : { place: place.trim() }),
  };
}

/** The pid of the live process other than this one that holds `lock`, or undefined if none does. */
function liveLockHolder(lock: string): number | undefined {
  const holder = readLockHolder(lock);
  if (holder === undefined || holder.pid === process.pid || !pidAlive(holder.pid)) return undefined;
  // Taken for another place: the directory was copied (a backup, a test fixture) with its lock, and the
  // process that holds the original, however alive, does not hold this copy.
  if (holder.place !== undefined && holder.place !== lockPlace(lock)) return undefined;
  if (holder.start !== undefined) {
    const now = processStartTime(holder.pid);
    // The pid lives, but it is another process than the one that took the lock.
    if (now !== undefined && now !== holder.start) return undefined;
  }
  return holder.pid;
}

/** Takes `lock` for this process: exclusive create; a stale lock is removed and the create tried again. */
function takeLock(path: string, lock: string): void {
  const content = `${`${process.pid} ${processStartTime(process.pid) ?? ''}`.trim()}\n${lockPlace(lock)}`;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, `${content}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
    }
    const pid = liveLockHolder(lock);
    if (pid !== undefined) {
      throw new HanglianError(
        NodeErrors.SIGNER_IN_USE,
        `the signer state ${path} is held by process ${pid}: one key, one running validator`,
        { details: { pid } },
      );
    }
    rmSync(lock, { force: true });
  }
}

function fsyncDir(path: string): void {
  const fd = openSync(dirname(path), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class SignerStateFile {
  readonly path: string;
  readonly #chainId: string;
  readonly #validator: string;
  #fd: number;
  #seq: number;
  #last: LastSigned | undefined;
  #closed = false;

  private constructor(
    path: string,
    fd: number,
    identity: { chainId: string; validator: string },
    newest: SlotBody | undefined,
  ) {
    this.path = path;
    this.#fd = fd;
    this.#chainId = identity.chainId;
    this.#validator = identity.validator;
    this.#seq = newest?.seq ?? 0;
    this.#last =
      newest === undefined
        ? undefined
        : {
            height: newest.height,
            round: newest.round,
            step: newest.step,
            blockHash: newest.blockHash,
            ...(newest.polRound === undefined ? {} : { polRound: newest.polRound }),
            signature: hexToBytes(newest.signature),
          };
  }

  /**
   * Opens (or creates) the state of `validator` (hex public key) on `chainId`. Refuses with SIGNER_IN_USE
   * when a live process holds it, and with SIGNER_STATE_INVALID when it belongs to another key or chain.
   */
  static open(path: string, identity: { chainId: string; validator: string }): SignerStateFile {
    const lock = `${path}.lock`;
    if (heldHere.has(lock)) {
      throw new HanglianError(NodeErrors.SIGNER_IN_USE, `the signer state ${path} is in use in this process`);
    }
    takeLock(path, lock);
    heldHere.add(lock);
    try {
      const created = !existsSync(path);
      const fd = openSync(path, created ? 'w+' : 'r+');
      if (created) fsyncDir(path);
      let newest: SlotBody | undefined;
      for (let slot = 0; slot < 2; slot++) {
        const body = readSlot(fd, slot);
        if (body === undefined) continue;
        if (body.chainId !== identity.chainId || body.validator !== identity.validator) {
          closeSync(fd);
          throw new HanglianError(
            NodeErrors.SIGNER_STATE_INVALID,
            `the signer state ${path} belongs to another key or chain`,
            { details: { chainId: body.chainId, validator: body.validator } },
          );
        }
        if (newest === undefined || body.seq > newest.seq) newest = body;
      }
      return new SignerStateFile(path, fd, identity, newest);
    } catch (error) {
      heldHere.delete(lock);
      rmSync(lock, { force: true });
      throw error;
    }
  }

  /** The last thing signed, or undefined if this key never signed with this state. */
  get last(): LastSigned | undefined {
    return this.#last;
  }

  /** Makes `signed` the last signed message, durably (fdatasync) before it returns. */
  record(signed: LastSigned): void {
    if (this.#closed) throw new HanglianError(NodeErrors.SIGNER_IN_USE, 'the signer state is closed');
    const seq = this.#seq + 1;
    const body: SlotBody = {
      v: 1,
      chainId: this.#chainId,
      validator: this.#validator,
      seq,
      height: signed.height,
      round: signed.round,
      step: signed.step,
      blockHash: signed.blockHash,
      ...(signed.polRound === undefined ? {} : { polRound: signed.polRound }),
      signature: bytesToHex(signed.signature),
    };
    const json = utf8(JSON.stringify(body));
    if (json.byteLength > SLOT_BYTES - HEADER_BYTES) throw new Error('signer state record too large');
    const slot = Buffer.alloc(SLOT_BYTES);
    slot.writeUInt32BE(json.byteLength, 0);
    Buffer.from(sha256(json).subarray(0, 4)).copy(slot, 4);
    Buffer.from(json).copy(slot, HEADER_BYTES);
    writeSync(this.#fd, slot, 0, SLOT_BYTES, (seq % 2) * SLOT_BYTES);
    fdatasyncSync(this.#fd);
    this.#seq = seq;
    this.#last = signed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
    const lock = `${this.path}.lock`;
    heldHere.delete(lock);
    rmSync(lock, { force: true });
  }
}

function readSlot(fd: number, slot: number): SlotBody | undefined {
  const buffer = Buffer.alloc(SLOT_BYTES);
  const read = readSync(fd, buffer, 0, SLOT_BYTES, slot * SLOT_BYTES);
  if (read < HEADER_BYTES) return undefined;
  const length = buffer.readUInt32BE(0);
  if (length === 0 || length > SLOT_BYTES - HEADER_BYTES || HEADER_BYTES + length > read) return undefined;
  const json = buffer.subarray(HEADER_BYTES, HEADER_BYTES + length);
  if (!bytesEqual(sha256(json).subarray(0, 4), buffer.subarray(4, 8))) return undefined;
  try {
    const body = JSON.parse(json.toString('utf8')) as SlotBody;
    return body.v === 1 && Number.isSafeInteger(body.seq) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** The key (hex) whose signer state `path` holds, read without taking its lock; undefined if none written. */
export function signerStateOwner(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    let newest: SlotBody | undefined;
    for (let slot = 0; slot < 2; slot++) {
      const body = readSlot(fd, slot);
      if (body !== undefined && (newest === undefined || body.seq > newest.seq)) newest = body;
    }
    return newest?.validator;
  } finally {
    closeSync(fd);
  }
}

/** True when a running process (this one included) holds the signer state at `path`. */
export function signerStateHeld(path: string): boolean {
  const lock = `${path}.lock`;
  if (heldHere.has(lock)) return true;
  return liveLockHolder(lock) !== undefined;
}

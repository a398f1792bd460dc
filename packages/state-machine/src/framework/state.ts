/**
 * The state a module sees: a byte-keyed, byte-valued map with ordered prefix iteration. The storage
 * package's block overlay implements it over LMDB; `MemoryState` implements it in memory for tests,
 * and `StateOverlay` layers one transaction's writes over a block's so that a failed transaction is
 * reverted by dropping its layer.
 */
import { bytesToHex, compareBytes } from '@hanglian/core';

/** One key and its value; the same shape the storage package yields. */
export interface StateEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Entries whose key starts with `prefix`, in byte-wise key order. */
  iterate(prefix: Uint8Array): Iterable<StateEntry>;
}

export interface StateWriter extends StateReader {
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/** Core's hex: Node's Buffer where it exists, plain code in a browser (a wallet runs calls over these). */
function hexKey(key: Uint8Array): string {
  return bytesToHex(key);
}

function hasPrefix(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.byteLength < prefix.byteLength) return false;
  for (let i = 0; i < prefix.byteLength; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/**
 * Buffered writes over a parent state. Reads see the buffer first. `changes()` lists what would be
 * written; `commitTo(parent)` applies them. Nothing touches the parent before that.
 */
export class StateOverlay implements StateWriter {
  readonly #parent: StateReader;
  // hex(key) -> [key, value or null for a deletion]
  readonly #writes = new Map<string, [Uint8Array, Uint8Array | null]>();
  #bytesWritten = 0;

  constructor(parent: StateReader) {
    this.#parent = parent;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const w = this.#writes.get(hexKey(key));
    if (w !== undefined) return w[1] ?? undefined;
    return this.#parent.get(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#bytesWritten += key.byteLength + value.byteLength;
    this.#writes.set(hexKey(key), [key, value]);
  }

  delete(key: Uint8Array): void {
    this.#bytesWritten += key.byteLength;
    this.#writes.set(hexKey(key), [key, null]);
  }

  *iterate(prefix: Uint8Array): Iterable<StateEntry> {
    const own = [...this.#writes.values()]
      .filter(([k]) => hasPrefix(k, prefix))
      .sort((a, b) => compareBytes(a[0], b[0]));
    const parent = this.#parent.iterate(prefix)[Symbol.iterator]();
    try {
      let p = parent.next();
      let i = 0;
      // Merge two sorted sequences; the overlay wins on equal keys.
      while (!p.done || i < own.length) {
        const o = own[i];
        if (o !== undefined && (p.done || compareBytes(o[0], p.value.key) <= 0)) {
          if (!p.done && compareBytes(o[0], p.value.key) === 0) p = parent.next();
          i++;
          if (o[1] !== null) yield { key: o[0], value: o[1] };
        } else if (!p.done) {
          yield p.value;
          p = parent.next();
        }
      }
    } finally {
      // A caller that stops early (a `break`, a limit) must close the parent's iteration too: over
      // LMDB it holds a read transaction, and leaked ones exhaust the environment's reader slots
      // (MDB_READERS_FULL) under load.
      parent.return?.();
    }
  }

  /** The buffered writes in key order (deletions carry null). */
  changes(): Array<[Uint8Array, Uint8Array | null]> {
    return [...this.#writes.values()].sort((a, b) => compareBytes(a[0], b[0]));
  }

  /** Bytes written so far, for gas accounting. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  commitTo(target: StateWriter): void {
    for (const [key, value] of this.#writes.values()) {
      if (value === null) target.delete(key);
      else target.set(key, value);
    }
    this.#writes.clear();
  }
}

/** A whole state in memory, for tests and for replaying a chain without storage. */
export class MemoryState implements StateWriter {
  readonly #entries = new Map<string, [Uint8Array, Uint8Array]>();

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#entries.get(hexKey(key))?.[1];
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#entries.set(hexKey(key), [key, value]);
  }

  delete(key: Uint8Array): void {
    this.#entries.delete(hexKey(key));
  }

  *iterate(prefix: Uint8Array): Iterable<StateEntry> {
    const matching = [...this.#entries.values()].filter(([k]) => hasPrefix(k, prefix));
    matching.sort((a, b) => compareBytes(a[0], b[0]));
    for (const [key, value] of matching) yield { key, value };
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * The public-read rule (docs/privacy.md): a read answered to someone who is not a member never returns
 * what a members-only store holds. Declarations say what each query reads (`Query.reads`); this view is
 * what makes a wrong declaration fail instead of leak: a query answered to the public reads through it,
 * and touching a members-only store's key refuses the whole query with QUERY_READ_DENIED.
 */
import { HanglianError } from '@hanglian/core';
import { ExecutionErrors } from './errors.js';
import type { ReadAccess } from './module.js';
import type { StateEntry, StateReader } from './state.js';

const decoder = new TextDecoder();

/** Who may read a key (text): the state machine answers per store. */
export type KeyAccess = (key: string) => ReadAccess;

function denied(query: string, key: string): HanglianError {
  const store = key.split('/').slice(0, 2).join('/');
  return new HanglianError(
    ExecutionErrors.QUERY_READ_DENIED,
    `${query} is answered to the public but read ${store}, a members-only store`,
    { details: { query, store } },
  );
}

/** A state reader that refuses members-only keys: what a query answered to the public sees. */
export class PublicStateView implements StateReader {
  readonly #state: StateReader;
  readonly #access: KeyAccess;
  readonly #query: string;
  /**
   * The first refusal, kept: contract code reads through a host that cannot throw across the sandbox, so
   * the host answers "nothing" and the query (registry.callReadOnly) throws this once the call returns.
   */
  refused: HanglianError | undefined;

  constructor(state: StateReader, access: KeyAccess, query: string) {
    this.#state = state;
    this.#access = access;
    this.#query = query;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const text = decoder.decode(key);
    if (this.#access(text) !== 'public') throw this.#deny(text);
    return this.#state.get(key);
  }

  *iterate(prefix: Uint8Array): Iterable<StateEntry> {
    // A prefix inside a members-only store is refused even when nothing is stored under it, so that the
    // answer does not depend on whether the store is empty.
    const text = decoder.decode(prefix);
    if (text.split('/').length > 2 && this.#access(text) !== 'public') throw this.#deny(text);
    for (const entry of this.#state.iterate(prefix)) {
      const key = decoder.decode(entry.key);
      if (this.#access(key) !== 'public') throw this.#deny(key);
      yield entry;
    }
  }

  #deny(key: string): HanglianError {
    const error = denied(this.#query, key);
    this.refused ??= error;
    return error;
  }
}

/** A state reader that records which stores (`<module>/<store>`) were read: tests check declarations. */
export class RecordingStateView implements StateReader {
  readonly #state: StateReader;
  readonly stores = new Set<string>();

  constructor(state: StateReader) {
    this.#state = state;
  }

  #record(key: Uint8Array): void {
    const parts = decoder.decode(key).split('/');
    if (parts.length >= 2 && parts[1] !== '') this.stores.add(`${parts[0]}/${parts[1]}`);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.#record(key);
    return this.#state.get(key);
  }

  *iterate(prefix: Uint8Array): Iterable<StateEntry> {
    this.#record(prefix);
    for (const entry of this.#state.iterate(prefix)) {
      this.#record(entry.key);
      yield entry;
    }
  }
}

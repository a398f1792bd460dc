/**
 * A store is one typed table of a module. Its keys are laid out as `<module>/<store>/<id>` in UTF-8, so a
 * key read off disk or out of a proof says what it is; values are the canonical encoding of the store's
 * schema. Every module declares its stores up front, and its README lists their key layouts.
 */
import { type Codec, utf8 } from '@hanglian/core';
import type { StateReader, StateWriter } from './state.js';

export class Store<V> {
  readonly module: string;
  readonly name: string;
  readonly codec: Codec<V>;
  readonly prefix: Uint8Array;
  readonly #prefixText: string;

  constructor(module: string, name: string, codec: Codec<V>) {
    this.module = module;
    this.name = name;
    this.codec = codec;
    this.#prefixText = `${module}/${name}/`;
    this.prefix = utf8(this.#prefixText);
  }

  key(id: string): Uint8Array {
    return utf8(this.#prefixText + id);
  }

  idOf(key: Uint8Array): string {
    return Buffer.from(key.subarray(this.prefix.byteLength)).toString('utf8');
  }

  get(state: StateReader, id: string): V | undefined {
    const bytes = state.get(this.key(id));
    return bytes === undefined ? undefined : this.codec.decodeStored(bytes);
  }

  has(state: StateReader, id: string): boolean {
    return state.get(this.key(id)) !== undefined;
  }

  set(state: StateWriter, id: string, value: V): void {
    state.set(this.key(id), this.codec.encode(value));
  }

  delete(state: StateWriter, id: string): void {
    state.delete(this.key(id));
  }

  /** Entries whose id starts with `idPrefix`, in key order. */
  *entries(state: StateReader, idPrefix = ''): Iterable<[string, V]> {
    for (const { key, value } of state.iterate(utf8(this.#prefixText + idPrefix))) {
      yield [this.idOf(key), this.codec.decodeStored(value)];
    }
  }
}

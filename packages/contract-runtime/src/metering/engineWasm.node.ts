/**
 * Where the unmetered QuickJS binary comes from in Node: the file `@jitl/quickjs-wasmfile-release-sync`
 * ships, read once. Browsers get `engineWasm.browser.ts` instead (package.json `imports`, condition
 * `browser`), where the app hands the same bytes in.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let provided: Uint8Array | undefined;

/** Uses these bytes instead of the file (a browser build does; Node may too). Checked by hash at load. */
export function provideEngineWasm(bytes: Uint8Array): void {
  provided = bytes;
}

/** The QuickJS release build's WebAssembly bytes, before metering. */
export function originalEngineWasm(): Uint8Array {
  if (provided !== undefined) return provided;
  const require = createRequire(import.meta.url);
  return new Uint8Array(readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm')));
}

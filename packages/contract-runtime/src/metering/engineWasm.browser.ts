/**
 * Where the unmetered QuickJS binary comes from in a browser: the app fetches the file
 * `@jitl/quickjs-wasmfile-release-sync/wasm` (a bundler gives its URL: Vite's `?url` import) and hands the
 * bytes in before the first sandbox is created. They are metered and checked against the pinned hash like
 * on a node, so a browser runs exactly the engine the chain runs.
 */

let provided: Uint8Array | undefined;

export function provideEngineWasm(bytes: Uint8Array): void {
  provided = bytes;
}

export function originalEngineWasm(): Uint8Array {
  if (provided === undefined) {
    throw new Error(
      'no QuickJS engine binary: call provideEngineWasm(bytes of @jitl/quickjs-wasmfile-release-sync/wasm) first',
    );
  }
  return provided;
}

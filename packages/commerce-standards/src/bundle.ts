/**
 * Bundling a TypeScript contract into the one IIFE script the registry stores, with the options of
 * `hanglian contract build` (packages/cli/src/commands/contract.ts): esbuild, `format: 'iife'`, platform
 * neutral, ES2020, the module's default export assigned to the global `contract`. Two choices keep the
 * script, and so its code hash, the same on every machine and from every working directory:
 *   - paths in the bundle's comments are relative to this package (`absWorkingDir`), not to the shell's cwd;
 *   - the SDK is bundled from its TypeScript source when it is there, so the hash depends on committed files
 *     and the esbuild version only, not on how the SDK's `dist` was last compiled.
 */
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/** The package root (this file runs from `dist/src/`). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function contractSdkEntry(): string {
  const compiled = import.meta.resolve('@hanglian/contract-sdk');
  const source = fileURLToPath(new URL('../../src/index.ts', compiled));
  return existsSync(source) ? source : fileURLToPath(compiled);
}

/** Bundles the contract whose default export is `defineContract({...})`; returns the script. */
export function bundleContract(entryPath: string): string {
  const result = buildSync({
    stdin: {
      contents: `import methods from './${basename(entryPath)}';\nglobalThis.contract = methods;\n`,
      resolveDir: dirname(entryPath),
      loader: 'ts',
      sourcefile: 'contract-entry.ts',
    },
    absWorkingDir: PACKAGE_ROOT,
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es2020',
    alias: { '@hanglian/contract-sdk': contractSdkEntry() },
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

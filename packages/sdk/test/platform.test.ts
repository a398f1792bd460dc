// The SDK must bundle for browsers: no node: imports in its code, and under the `browser` condition
// (what bundlers resolve) it runs on core's @noble crypto and derives the same keys as on Node.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { walletFromSeed } from '../src/index.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

describe('platforms', () => {
  it('no file of the SDK imports a node: module', () => {
    const files = filesUnder(src);
    assert.ok(files.length > 10);
    for (const file of files) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /from ['"]node:|import\(['"]node:|require\(/, file);
    }
  });

  it('under the browser condition the SDK runs on @noble and derives the same order keys', () => {
    const index = join(src, 'index.js');
    const script = `
      const sdk = await import(${JSON.stringify(index)});
      const core = await import('@hanglian/core');
      const wallet = sdk.walletFromSeed(new Uint8Array(32).fill(5));
      console.log(JSON.stringify({ impl: core.CRYPTO_SIGNATURE_IMPLEMENTATION, address: wallet.orderKey(9).address }));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--conditions=browser', '--input-type=module', '-e', script], {
        cwd: src,
        encoding: 'utf8',
      }),
    );
    assert.equal(out.impl, '@noble/curves');
    assert.equal(out.address, walletFromSeed(new Uint8Array(32).fill(5)).orderKey(9).address);
  });
});

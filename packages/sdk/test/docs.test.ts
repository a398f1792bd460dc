/**
 * The SDK's promise to app developers (issue #6): every exported function has a doc comment with an
 * example. Scans the package's sources, so a new function without one fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('SDK documentation', () => {
  it('gives every exported function a doc comment with an @example', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^export (?:async )?function (\w+)/gm)) {
        seen++;
        const before = text.slice(0, match.index);
        const end = before.lastIndexOf('*/');
        const start = before.lastIndexOf('/**');
        // The comment must sit directly above the function.
        const doc =
          start >= 0 && end > start && before.slice(end + 2).trim() === '' ? before.slice(start, end) : '';
        if (!doc.includes('@example')) missing.push(`${relative(SRC, file)}: ${match[1]}`);
      }
    }
    assert.ok(seen > 40, `found only ${seen} exported functions: is the scan looking at the sources?`);
    assert.deepEqual(missing, [], `exported functions without an @example:\n${missing.join('\n')}`);
  });
});

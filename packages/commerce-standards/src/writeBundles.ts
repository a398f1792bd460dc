/**
 * `npm run bundles -w @hanglian/commerce-standards [outDir]`: writes each reference implementation's bundle
 * to `<outDir>/<id>.js` (default `dist/bundles`) with a `manifest.json` of ids, standards, organisations
 * and code hashes, for deploying with `hanglian contract deploy` or by hand. Generated, never committed:
 * the same sources and esbuild version give the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from './bundle.js';
import { buildReferenceImplementations } from './references.js';

const outDir = resolve(process.argv[2] ?? join(PACKAGE_ROOT, 'dist', 'bundles'));
mkdirSync(outDir, { recursive: true });
const manifest = buildReferenceImplementations().map((implementation) => {
  const file = `${implementation.id}.js`;
  writeFileSync(join(outDir, file), implementation.source);
  return {
    id: implementation.id,
    standard: implementation.standard,
    org: implementation.org,
    displayName: implementation.displayName,
    codeHash: implementation.codeHash,
    bytes: Buffer.byteLength(implementation.source),
    file,
  };
});
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const entry of manifest) {
  console.log(
    `${entry.id.padEnd(22)} ${entry.standard.padEnd(22)} ${entry.codeHash.slice(0, 16)}… ${entry.bytes} B`,
  );
}
console.log(`wrote ${manifest.length} bundles and manifest.json to ${outDir}`);

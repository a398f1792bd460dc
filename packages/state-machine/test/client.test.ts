// The client entry (`@hanglian/state-machine/client`) is what the SDK and the console import from the
// chain: it must stay safe to bundle for browsers, and its query table must be the chain's own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type {
  ChainModuleName,
  ChainQueryParams,
  ChainQueryResult,
  ChainResultSchemaMismatches,
} from '../src/client.js';
import { composeOrder } from '../src/client.js';
import type { ContractExecutionThread } from '../src/index.js';
import { createKernel, RegistryModule } from '../src/index.js';

const entry = fileURLToPath(new URL('../src/client.js', import.meta.url));

/** The runtime imports reached from `file`: relative ones followed, bare ones collected. */
function runtimeGraph(file: string, seen = new Set<string>(), bare = new Set<string>()) {
  if (seen.has(file)) return { seen, bare };
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  // Compiled ES modules: `import … from '…'`, `export … from '…'`, `import('…')`; type-only ones are gone.
  for (const match of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g,
  )) {
    const spec = match[1] ?? match[2] ?? match[3]!;
    if (spec.startsWith('.')) runtimeGraph(resolve(dirname(file), spec), seen, bare);
    else bare.add(spec);
  }
  return { seen, bare };
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe('the client entry', () => {
  it('reaches only core and TypeBox at run time (no contract runtime, storage or node: module)', () => {
    const { seen, bare } = runtimeGraph(entry);
    assert.ok(seen.size > 3, 'the graph was walked');
    assert.deepEqual([...bare].sort(), ['@hanglian/core', '@sinclair/typebox']);
    const rel = [...seen].map((f) => f.slice(join(dirname(entry), '..').length + 1));
    assert.ok(!rel.some((f) => f.includes('registry/') || f.includes('execution/')), rel.join(', '));
  });

  it('names exactly the modules of the kernel, and types a query end to end', (t) => {
    const registry = new RegistryModule();
    t.after(() => (registry.executor as ContractExecutionThread).close());
    const kernel = createKernel({ registry });
    const names: ChainModuleName[] = [
      'catalog',
      'distribution',
      'evidence',
      'governance',
      'identity',
      'insights',
      'interchain',
      'items',
      'lightclients',
      'orders',
      'privacy',
      'registry',
      'reviews',
      'settlement',
    ];
    assert.deepEqual(kernel.modules.map((m) => m.name).sort(), names.sort());
    // Compile-time: a schema or view change shows up here.
    const typed: [
      Same<ChainQueryParams<'catalog', 'listings'>['merchant'], string | undefined>,
      Same<ChainQueryResult<'catalog', 'listings'>[number]['stock'], number>,
      Same<ChainQueryResult<'orders', 'parameters'>['platformFeeBps'], number>,
      // Every declared result schema describes exactly what its query returns (the OpenAPI document's
      // promise): a mismatch names `module.query` here and breaks the build.
      Same<ChainResultSchemaMismatches, never>,
    ] = [true, true, true, true];
    assert.ok(typed.every(Boolean));
  });

  it('gives the composition rule the orders module applies', () => {
    const composition = composeOrder({
      price: 5_980,
      quantity: 2,
      shipping: 800,
      paymentFee: 64,
      platformFeeBps: 300,
      hostCommissionBps: 1_000,
    });
    assert.equal(composition.total, 12_760);
    assert.equal(
      composition.merchant +
        composition.carrier +
        composition.payment +
        composition.platform +
        composition.host,
      composition.total,
    );
  });
});

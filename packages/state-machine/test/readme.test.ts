// A module's README is its spec (framework/module.ts): every store a module declares (`stores`, with its key
// layout) is in its README's state table, so a store added in code without its documentation fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ContractExecutionThread, createKernel, RegistryModule } from '../src/index.js';

const modulesDir = fileURLToPath(new URL('../../src/modules/', import.meta.url));

describe('module READMEs', () => {
  it("name every store a module declares, by its key's module/store prefix", (t) => {
    const registry = new RegistryModule();
    t.after(() => (registry.executor as ContractExecutionThread).close());
    const missing: string[] = [];
    let stores = 0;
    for (const module of createKernel({ registry }).modules) {
      const readme = readFileSync(`${modulesDir}${module.name}/README.md`, 'utf8');
      for (const store of module.stores) {
        stores++;
        // The key layout written in the code, or at least its `<module>/<store>/` prefix (READMEs write the
        // variable parts in words: `<id, 12 digits>` for `<id:12 digits>`).
        assert.ok(store.keyLayout.startsWith(`${module.name}/${store.name}/`), store.keyLayout);
        if (!readme.includes(store.keyLayout) && !readme.includes(`\`${module.name}/${store.name}/`)) {
          missing.push(`${module.name}: ${store.keyLayout}`);
        }
      }
    }
    assert.ok(stores > 40, `only ${stores} stores: is the kernel complete?`);
    assert.deepEqual(missing, [], `stores missing from their module's README:\n${missing.join('\n')}`);
  });
});

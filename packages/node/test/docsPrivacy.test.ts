// docs/privacy.md stays true: every test it names exists, and its table of stores and their access is
// exactly what the modules declare (a store made public or members-only changes the page too).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ed25519Sha256 } from '@hanglian/core';
import { createKernel, StateMachine, standardTestNetwork } from '@hanglian/state-machine';

// dist/test/ → the repository root.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const page = readFileSync(join(root, 'docs', 'privacy.md'), 'utf8');

describe('docs/privacy.md', () => {
  it('names only tests that exist', () => {
    const named = [...page.matchAll(/`(packages\/[a-z-]+\/test\/[A-Za-z.]+\.test\.ts)`/g)].map((m) => m[1]!);
    assert.ok(named.length >= 5, 'the page names the tests that keep it true');
    for (const file of named) assert.ok(existsSync(join(root, file)), `${file} is named but does not exist`);
  });

  it('lists every store with the access its module declares', () => {
    const genesis = standardTestNetwork().build();
    const kernel = createKernel();
    const machine = new StateMachine({
      chainId: genesis.chainId,
      modules: kernel.modules,
      membership: kernel.membership,
      suite: ed25519Sha256,
    });
    const table = page.slice(page.indexOf('<!-- stores:begin -->'), page.indexOf('<!-- stores:end -->'));
    const listed = new Map(
      [...table.matchAll(/^\| `([a-zA-Z]+\/[a-zA-Z]+)` +\| (public|members) +\|$/gm)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    );
    assert.deepEqual(Object.fromEntries(listed), Object.fromEntries(machine.storeAccess()));
  });
});

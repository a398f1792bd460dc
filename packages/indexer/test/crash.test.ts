// Crash safety: `hanglian index` killed with SIGKILL at random moments while it follows a real node,
// restarted each time, ends with exactly the tables of an uninterrupted run to the same height, on
// both back-ends. The cursor moves in each block's own SQL transaction, so no kill can leave a block
// half written or a block written twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createClient } from '@hanglian/sdk';
import { Indexer, openIndexDb } from '../src/index.js';
import { backends, dumpTables } from './backends.js';
import { CLI, startTestChain, type TestChain } from './devnet.js';

let chain: TestChain;
let target: number;

before(async () => {
  chain = await startTestChain();
  target = (await createClient({ url: chain.api }).getStatus()).height;
});
after(async () => {
  await chain?.stop();
});

interface RunOutcome {
  /** The height the run resumed from (its "opened" line), if it got that far. */
  readonly openedAt: number | undefined;
  readonly killed: boolean;
  readonly code: number | null;
}

/** One run of the CLI to `target`, killed with SIGKILL `killAfterMs` after it opened (or not, if undefined). */
function runIndex(
  store: { url?: string; dir?: string },
  killAfterMs: number | undefined,
): Promise<RunOutcome> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'index',
      '--network',
      chain.dir,
      '--org',
      'regulator',
      '--once',
      '--to',
      String(target),
      '--port',
      '0',
      '--json',
      ...(store.url !== undefined ? ['--db', store.url] : ['--dir', store.dir!]),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let openedAt: number | undefined;
  let killed = false;
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as { event: string; height?: number };
      if (event.event === 'opened') {
        openedAt = event.height;
        if (killAfterMs !== undefined) {
          setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, killAfterMs).unref();
        }
      }
    }
  });
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ openedAt, killed: killed && signal === 'SIGKILL', code }));
  });
}

for (const backend of backends) {
  describe(`killed at random moments (${backend.name})`, { skip: backend.skip }, () => {
    it('ends with the tables of an uninterrupted run', async (t) => {
      const reference = await backend.create();
      // Made but not opened: the CLI's first run opens (and migrates) it.
      const crashed = await backend.place();
      try {
        const indexer = new Indexer({
          db: reference.db,
          api: chain.api,
          reader: chain.reader,
          genesis: chain.genesis,
        });
        const referenceRun = await indexer.catchUp(target);
        // Kills land within the time an uninterrupted catch-up takes, so they fall mid-way.
        let window = Math.max(50, Math.floor(referenceRun.ms * 0.7));
        const expected = await dumpTables(reference.db);

        // The CLI opens the database itself (PGlite is one process's): the test opens it only at the end.
        const store = {
          ...(crashed.url === undefined ? {} : { url: crashed.url }),
          ...(crashed.dir === undefined ? {} : { dir: crashed.dir }),
        };
        const resumedFrom: number[] = [];
        let kills = 0;
        // Bounded: at most 40 runs; each kill lands within `window` ms after the run opened its database.
        for (let run = 0; run < 40; run++) {
          // The first kill lands early, so every run of the test kills at least once.
          const delay = run === 0 ? Math.floor(window * 0.3) : Math.floor(Math.random() * window);
          const outcome = await runIndex(store, delay);
          if (outcome.openedAt !== undefined) {
            // A run that opens where the one before it opened shows that run wrote nothing before its
            // kill: a fresh process catches up slower than the warm in-process reference (cold code, a
            // loaded machine), so later kills wait longer. Without this, 40 kills on a loaded machine
            // could all land before a block was written and the test failed without a fault.
            if (resumedFrom.at(-1) === outcome.openedAt) window = Math.ceil(window * 1.5);
            resumedFrom.push(outcome.openedAt);
          }
          if (outcome.killed) kills++;
          else {
            assert.equal(outcome.code, 0, 'a run that was not killed finishes cleanly');
            break;
          }
        }
        t.diagnostic(
          `${kills} kills; runs resumed from ${resumedFrom.join(', ')} of ${target}; last window ${window} ms (reference catch-up ${Math.round(referenceRun.ms)} ms)`,
        );
        const last = await runIndex(store, undefined);
        assert.equal(last.code, 0);
        assert.equal(last.openedAt, target, 'the last run found everything written');
        assert.ok(kills >= 1, 'at least one run was killed');
        assert.ok(
          resumedFrom.some((h) => h > 0 && h < target),
          `some run resumed mid-way (resumed from ${resumedFrom.join(', ')})`,
        );
        const reopened = await openIndexDb(store);
        try {
          assert.deepEqual(await dumpTables(reopened), expected);
        } finally {
          await reopened.close();
        }
      } finally {
        await reference.dispose();
        await crashed.dispose();
      }
    });
  });
}

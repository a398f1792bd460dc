// The CLI loads only the file of the command it runs (main.ts, COMMAND_FILES): the table must name exactly
// the top-level commands each file registers, or a command would be missing when called by itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { buildProgram, COMMAND_FILES, main } from '../src/main.js';

describe('the command table', () => {
  it('names exactly the top-level commands each file registers', async () => {
    for (const file of COMMAND_FILES) {
      const program = new Command('hanglian');
      (await file.load())(program, {});
      assert.deepEqual(
        program.commands.map((c) => c.name()),
        [...file.names],
        `the file registering ${file.names.join(', ')}`,
      );
    }
  });

  it('builds one command alone, and every command for help or an unknown name', async () => {
    const all = COMMAND_FILES.flatMap((f) => f.names);
    assert.deepEqual(
      (await buildProgram({})).commands.map((c) => c.name()),
      all,
    );
    assert.deepEqual(
      (await buildProgram({}, 'order')).commands.map((c) => c.name()),
      ['order'],
    );
    assert.deepEqual(
      (await buildProgram({}, 'relay')).commands.map((c) => c.name()),
      ['link', 'relay'],
    );
    assert.deepEqual(
      (await buildProgram({}, 'no-such-command')).commands.map((c) => c.name()),
      all,
    );
    assert.equal(new Set(all).size, all.length, 'no name twice');
  });

  it('still refuses an unknown command with a usage error', async () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      assert.equal(await main(['ordr']), 1);
    } finally {
      process.stderr.write = write;
    }
    assert.match(written.join(''), /unknown command 'ordr'[\s\S]*order/);
  });
});

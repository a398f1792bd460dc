// The benchmark scripts refuse a flag value that is not a number before they start anything: exit code 2
// and what the flag takes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = (name: string) => fileURLToPath(new URL(`../src/bench/${name}`, import.meta.url));
const run = (name: string, ...args: string[]) =>
  spawnSync(process.execPath, [script(name), ...args], { encoding: 'utf8', timeout: 60_000 });

describe('benchmark flags', () => {
  for (const [name, args, message] of [
    ['commerceCli.js', ['--rates', '16,x'], /--rates takes offered lifecycles per second/],
    ['commerceCli.js', ['--rates', '8,-1'], /--rates takes offered lifecycles per second/],
    ['commerceCli.js', ['--seconds', '0'], /--seconds takes a number, at least 1/],
    ['chainCli.js', ['--network-only', '--rates', ''], /--rates takes offered transfers per second/],
    ['chainCli.js', ['--network-only', '--step-seconds', 'abc'], /--step-seconds takes a number, at least 1/],
    [
      'chainCli.js',
      ['--network-only', '--warmup-seconds', '-1'],
      /--warmup-seconds takes a number, at least 0/,
    ],
  ] as const) {
    it(`${name} ${args.join(' ')}: refused with exit code 2`, () => {
      const result = run(name, ...args);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
    });
  }
});

// The README's "Forming a consortium" block, run exactly as written by bash against real processes (the
// README is the single source of truth: edit it and this test follows), then checked: the four nodes
// agree, the newcomer is a validator. Heavy: run alone under the lock.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient, getStatus, query } from '@hanglian/sdk';
import { CLI } from './helpers.js';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'README.md');
const HEADING = '## Forming a consortium';

/** The first ```sh block after the heading. */
function consortiumBlock(): string {
  const markdown = readFileSync(README, 'utf8');
  const at = markdown.indexOf(HEADING);
  assert.ok(at >= 0, `README has no section "${HEADING}"`);
  const open = markdown.indexOf('```sh\n', at);
  const close = markdown.indexOf('\n```', open + 6);
  assert.ok(open > at && close > open, 'the section has no ```sh block');
  return markdown.slice(open + 6, close + 1);
}

/**
 * The README's four machines are 127.0.0.2-5; the test moves them to four other loopback addresses of its
 * own (127.A.B.2-5, all loopback on Linux), so that it never meets another run, or anything a cancelled
 * run left behind, on the same address and port. Nothing else of the block changes.
 */
function ownAddresses(block: string): { block: string; host: (n: number) => string } {
  const a = 1 + Math.floor(Math.random() * 250);
  const b = 1 + Math.floor(Math.random() * 250);
  const host = (n: number) => `127.${a}.${b}.${n}`;
  return { block: block.replace(/127\.0\.0\.([2-5])\b/g, (_m, n: string) => host(Number(n))), host };
}

test('the README forms a consortium command by command', { timeout: 420_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-readme-consortium-'));
  const pidsFile = join(dir, 'pids.txt');
  const { block, host } = ownAddresses(consortiumBlock());
  const script = [
    'set -e',
    // Whatever happens, the nodes the block started in the background are named for the test to stop.
    `trap 'jobs -p > "${pidsFile}"' EXIT`,
    `hanglian() { "${process.execPath}" "${CLI}" "$@"; }`,
    block,
  ].join('\n');
  writeFileSync(join(dir, 'block.sh'), script);
  const bash = spawn('bash', ['--noprofile', '--norc', join(dir, 'block.sh')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the nodes the block leaves running in the background are stopped with it.
    detached: true,
  });
  const group = bash.pid!;
  const alive = () => {
    try {
      process.kill(-group, 0);
      return true;
    } catch {
      return false;
    }
  };
  // Stops the block and every node it left in the background, also when the test fails or times out
  // (t.after runs then), and as a last resort when this process exits.
  const stopAll = async () => {
    if (alive()) process.kill(-group, 'SIGTERM');
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive()) process.kill(-group, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const onExit = () => {
    if (alive()) process.kill(-group, 'SIGKILL');
  };
  process.once('exit', onExit);
  t.after(async () => {
    await stopAll();
    process.off('exit', onExit);
  });
  let stdout = '';
  let stderr = '';
  bash.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  bash.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  // 'exit', not 'close': the nodes the block leaves in the background inherit its stdout and stderr, so
  // the pipes stay open (and 'close' never fires) for as long as they run.
  const code = await new Promise<number>((resolve) => bash.once('exit', (c) => resolve(c ?? 1)));
  const pids = (() => {
    try {
      return readFileSync(pidsFile, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map(Number);
    } catch {
      return [];
    }
  })();
  try {
    assert.equal(code, 0, `the block failed:\n${stdout}\n${stderr}`);
    assert.match(stdout, /every founder signed this document/);
    assert.match(stdout, /genesis hash: [0-9a-f]{64}/);
    assert.match(stdout, /1 {2}approved .* admit shop/);
    assert.match(stdout, /2 {2}approved .* validator of shop at power 10/);
    assert.equal(pids.length, 4, 'four nodes ran in the background');
    const apis = [2, 3, 4, 5].map((n) => `http://${host(n)}:26657`);
    const acme = createClient({ url: apis[0]! });
    // The set changes two blocks after the approving vote.
    const deadline = Date.now() + 30_000;
    let set: string[] = [];
    while (Date.now() < deadline) {
      const { result } = await query<{ current: Array<{ org: string }> }>(acme, {
        module: 'governance',
        name: 'validators',
      });
      set = result.current.map((v) => v.org).sort();
      if (set.includes('shop')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(set, ['acme', 'bank', 'ship', 'shop']);
    // Every node, the newcomer included, keeps committing the same chain.
    const statuses = await Promise.all(apis.map((url) => getStatus(createClient({ url }))));
    assert.equal(new Set(statuses.map((s) => s.genesisHash)).size, 1);
    const target = Math.max(...statuses.map((s) => s.height)) + 3;
    for (const url of apis) {
      const client = createClient({ url });
      while ((await getStatus(client)).height < target) await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await stopAll();
  }
});

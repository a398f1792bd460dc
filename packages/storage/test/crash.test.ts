// A real crash test: a child process commits versions in a loop and acknowledges each one; this process
// SIGKILLs it at random moments, reopens the storage and checks that nothing acknowledged was lost and
// that the flat state and the tree agree.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@hanglian/core';
import { EMPTY_TREE, openStorage, SparseMerkleTree } from '../src/index.js';
import { crashValue } from './fixtures/crashWriter.js';
import { hex, scratchDirectory, text, utf8 } from './helpers.js';

const writerScript = fileURLToPath(new URL('./fixtures/crashWriter.js', import.meta.url));

/** Runs the writer until it has acknowledged at least one version, then kills it after `delayMs`. */
function runAndKill(path: string, durability: string, delayMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT; // the child is a plain script, not a test file
    const child = spawn(process.execPath, [writerScript, path, durability], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: number[] = [];
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) acknowledged.push(Number(line.slice('ack '.length)));
      if (timer === undefined && acknowledged.length > 0) {
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal}: ${stderr}`));
      else resolve(acknowledged);
    });
  });
}

async function checkAfterCrash(path: string, acknowledged: readonly number[]): Promise<number> {
  const storage = openStorage({ path });
  try {
    const { state, blocks } = storage;
    const latest = state.latestVersion();
    const highestAcknowledged = Math.max(-1, ...acknowledged);
    assert.ok(
      latest !== undefined && latest >= highestAcknowledged,
      `latest ${latest} < acknowledged ${highestAcknowledged}`,
    );

    // The flat state and the tree must describe the same set: recompute the root from the flat values.
    const scratch = new Map<string, Uint8Array>();
    const tree = new SparseMerkleTree({ getNode: (hash) => scratch.get(hex(hash)) });
    const flat = [...state.reader().iterate(new Uint8Array(0))];
    assert.deepEqual(
      tree.update(EMPTY_TREE, flat, 0).root,
      state.rootAt(latest),
      'flat state and tree root disagree',
    );

    // Every version up to latest (a superset of the acknowledged ones) left all of its writes.
    for (let version = 0; version <= latest; version++) {
      assert.deepEqual(state.get(utf8(`k/${version}`)), crashValue(version), `k/${version} lost`);
      assert.deepEqual(state.getAt(utf8(`tmp/${version}`), version), crashValue(version));
      assert.equal(text(blocks.getBlock(version)), `block ${version}`, `block ${version} lost`);
      assert.equal(blocks.heightOf(sha256(utf8(`block ${version}`))), version);
      assert.ok(state.rootAt(version) !== undefined);
    }
    assert.equal(state.get(utf8(`k/${latest + 1}`)), undefined, 'a write past the latest version leaked');
    assert.equal(blocks.getBlock(latest + 1), undefined, 'a block past the latest version leaked');
    assert.equal(blocks.latestHeight(), latest);
    assert.deepEqual(state.get(utf8(`tmp/${latest}`)), crashValue(latest));
    if (latest > 0) assert.equal(state.get(utf8(`tmp/${latest - 1}`)), undefined);
    assert.equal(text(state.get(utf8(`shared/${latest % 7}`))), String(latest));
    return latest;
  } finally {
    await storage.close();
  }
}

for (const durability of ['os-crash', 'process-crash'] as const) {
  test(`crash: SIGKILL at random moments never loses an acknowledged version (${durability})`, async () => {
    const dir = scratchDirectory(`crash-${durability}`);
    try {
      const kills = durability === 'os-crash' ? 14 : 8;
      let latest = -1;
      for (let kill = 0; kill < kills; kill++) {
        const delayMs = Math.floor(Math.random() * 60);
        const acknowledged = await runAndKill(dir.path, durability, delayMs);
        assert.ok(acknowledged.length > 0);
        assert.equal(acknowledged[0], latest + 1, 'the writer resumes right after the latest version');
        latest = await checkAfterCrash(dir.path, acknowledged);
      }
    } finally {
      dir.remove();
    }
  });
}

/**
 * `hanglian devnet` start-up failures: when one node cannot start (here its API port is taken), the
 * devnet stops the nodes that did start and exits with an error, instead of hanging with orphans.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePortRange } from '@hanglian/testkit';
import { CLI } from './helpers.js';

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

describe('hanglian devnet', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-devnet-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stops the started nodes and exits with an error when one node cannot start', async () => {
    const base = await freePortRange(16);
    // node1's API port (base + 2) is taken before the devnet starts.
    const squatter = await listen(base + 2);
    try {
      const devnet = spawn(
        process.execPath,
        [
          CLI,
          'devnet',
          '--dir',
          dir,
          '--validators',
          '2',
          '--base-port',
          String(base),
          '--log-level',
          'error',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      devnet.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      devnet.stdout!.resume();
      const code = await new Promise<number | null>((resolve) => devnet.once('exit', resolve));
      assert.notEqual(code, 0, 'the devnet reports the failure');
      assert.match(stderr, /node1/, stderr);
      // node0 started, and was stopped again: its API and P2P ports are free.
      assert.equal(await accepts(base), true, 'node0 API port released');
      assert.equal(await accepts(base + 1), true, 'node0 P2P port released');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

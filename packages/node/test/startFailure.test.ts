// A node whose API cannot listen (its port taken) fails to start and leaves nothing open: not the WAL's
// file, not the ledger, so a start retried on another port (tests do it; an operator fixing the port does
// it) finds no stale descriptor. Before, the WAL's file and the API's app stayed open after the failure.
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listenBelowEphemeral, listenOn } from '@hanglian/testkit';
import { HanglianNode, networkPaths } from '../src/index.js';
import { createTestNetwork, type TestNetwork } from './helpers.js';

/** Files this process holds open whose path starts with `prefix` (Linux: /proc/self/fd). */
function openFilesUnder(prefix: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(prefix)) open.push(target);
    } catch {
      // The descriptor readdir itself used, closed by now.
    }
  }
  return open;
}

describe('a node start that fails on a taken API port', { skip: process.platform !== 'linux' }, () => {
  let net: TestNetwork;
  before(() => {
    net = createTestNetwork();
  });
  after(() => net.remove());

  it('throws EADDRINUSE and leaves no file of the node open', async () => {
    const blocker = createServer();
    const port = await listenBelowEphemeral((p) => listenOn(blocker, p));
    try {
      await assert.rejects(
        HanglianNode.start({
          name: 'node0',
          dataDir: networkPaths.nodeData(net.dir, 'node0'),
          genesis: net.genesis,
          validatorKey: net.key('node0'),
          logLevel: 'silent',
          api: { host: '127.0.0.1', port },
        }),
        (error: NodeJS.ErrnoException) => error.code === 'EADDRINUSE',
      );
      assert.deepEqual(openFilesUnder(net.dir), []);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

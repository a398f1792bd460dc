/**
 * `hanglian devnet`: a local network is one organisation directory per member, made and signed by the
 * genesis ceremony's own steps, each node run from its own directory (its data is that directory's, so
 * `node start --dir ORGDIR --genesis …` continues the same chain); a directory of the older layout fails
 * with what to do; and when one node cannot start (here its API port is taken), the devnet stops the
 * nodes that did start and exits with an error, instead of hanging with orphans.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePortRange } from '@hanglian/testkit';
import { CLI, hanglian } from './helpers.js';

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

/** Runs a CLI command in the background until its first JSON line matching `until`; returns the process. */
function startUntil(args: readonly string[], until: (event: Record<string, unknown>) => boolean) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const event = new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (until(parsed)) resolve(parsed);
      }
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}): ${stderr}`)));
  });
  return { child, stop, event };
}

async function heightOf(api: string): Promise<number> {
  const response = await fetch(`${api}/v1/status`);
  return ((await response.json()) as { height: number }).height;
}

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

  it('is organisation directories on one machine: a node of it runs from its own with `node start`', async () => {
    const net = join(dir, 'one');
    const base = await freePortRange(4);
    const devnet = startUntil(
      [
        'devnet',
        '--dir',
        net,
        '--validators',
        '1',
        '--base-port',
        String(base),
        '--json',
        '--log-level',
        'error',
      ],
      (e) => e.event === 'ready',
    );
    try {
      await devnet.event;
      const api = `http://127.0.0.1:${base}`;
      while ((await heightOf(api)) < 3) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await devnet.stop();
    }
    // Each member's directory is what `org init` makes (its card is checked), and the genesis is the
    // ceremony's: every one of them signed it.
    const card = await hanglian('org', 'card', join(net, 'orgs', 'regulator'));
    assert.equal(card.code, 0, card.stderr);
    assert.match(card.stdout, /regulator/);
    const verify = await hanglian('genesis', 'verify', join(net, 'genesis.json'));
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /10 founders/);
    assert.match(verify.stdout, /every founder signed/);
    // node0 was the regulator's node: the same start as a company's, from its directory, continues its chain.
    const node = startUntil(
      [
        'node',
        'start',
        '--dir',
        join(net, 'orgs', 'regulator'),
        '--genesis',
        join(net, 'genesis.json'),
        '--json',
        '--no-console',
        '--keep-recent',
        '2',
        '--log-level',
        'error',
      ],
      (e) => e.event === 'listening',
    );
    try {
      const listening = await node.event;
      const reached = listening.height as number;
      assert.ok(reached >= 3, `it starts from the devnet's data (height ${reached})`);
      assert.equal(listening.node, 'regulator');
      const api = listening.api as string;
      while ((await heightOf(api)) <= reached) await new Promise((r) => setTimeout(r, 100));
      // The organisation's node takes the same operator options as a network's: here it prunes.
      const proofAt = async (height: number) => {
        const response = await fetch(
          `${api}/v1/state/proof?path=${encodeURIComponent('identity/orgs/regulator')}&height=${height}`,
        );
        return { status: response.status, body: (await response.json()) as { code?: string } };
      };
      let old = await proofAt(1);
      for (let i = 0; i < 100 && old.status === 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        old = await proofAt(1);
      }
      assert.equal(old.body.code, 'STATE_PRUNED', JSON.stringify(old));
      assert.equal((await proofAt(await heightOf(api))).status, 200);
    } finally {
      await node.stop();
    }
  });

  it('refuses a network directory of the older layout, saying how to start a new one', async () => {
    const old = join(dir, 'old');
    mkdirSync(join(old, 'keys', 'regulator'), { recursive: true });
    mkdirSync(join(old, 'nodes', 'node0'), { recursive: true });
    writeFileSync(
      join(old, 'network.json'),
      JSON.stringify({ version: 1, chainId: 'hanglian-local', dev: true, organisations: [], nodes: [] }),
    );
    writeFileSync(join(old, 'genesis.json'), JSON.stringify({ chainId: 'hanglian-local', modules: {} }));
    const resumed = await hanglian('devnet', '--dir', old, '--log-level', 'error');
    assert.notEqual(resumed.code, 0);
    assert.match(resumed.stderr, /NETWORK_LAYOUT_OLD/);
    assert.match(resumed.stderr, /--fresh/);
    const started = await hanglian('node', 'start', '--dir', old, '--node', 'node0');
    assert.match(started.stderr, /NETWORK_LAYOUT_OLD/);
  });
});

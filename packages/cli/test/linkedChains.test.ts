/**
 * Issue #18: two chains linked, end to end, with real processes. The README's section "Linking industry
 * chains" is the script: its first block's commands start a commerce devnet (with the book story), a
 * logistics devnet and a relayer — here two relayers at once, the second signing as another member —
 * and its second block runs as written in one bash session, with only the directories and ports moved
 * to this test's own. A delivery recorded on the logistics chain releases the order on the commerce chain:
 * the order ends completed, the message was received once (one receipt, however many relayers), and its
 * receipt travelled back.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readGenesis } from '@hanglian/node/offline';
import {
  createClient,
  createLightClient,
  genesisHashOf,
  query,
  validatorSetFromGenesis,
  verifyInterchainPacket,
  verifyInterchainReceipt,
} from '@hanglian/sdk';
import { reservePortRange } from '@hanglian/testkit';
import { CLI } from './helpers.js';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'README.md');
const HEADING = '## Linking industry chains';

/** The ```sh blocks of the section, in order. */
function sectionBlocks(markdown: string): string[] {
  const at = markdown.indexOf(HEADING);
  assert.ok(at >= 0, `README has no section "${HEADING}"`);
  const end = markdown.indexOf('\n## ', at + HEADING.length);
  const section = markdown.slice(at, end < 0 ? undefined : end);
  const blocks: string[] = [];
  let from = 0;
  for (;;) {
    const open = section.indexOf('```sh\n', from);
    if (open < 0) break;
    const close = section.indexOf('\n```', open + 6);
    blocks.push(section.slice(open + 6, close + 1));
    from = close + 4;
  }
  return blocks;
}

interface Started {
  readonly child: ChildProcess;
  output: string;
}

const running: Started[] = [];

/** Starts `hanglian <args>` and resolves once its output matches `ready`. */
function start(args: string[], ready: RegExp, cwd: string): Promise<Started> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const started: Started = { child, output: '' };
  running.push(started);
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      started.output += chunk.toString();
      if (ready.test(started.output)) resolve(started);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`hanglian ${args[0]} exited (${code}):\n${started.output}`)),
    );
    // A start that never gets ready (a demo step refused under load, say) fails with what it printed.
    setTimeout(
      () => reject(new Error(`hanglian ${args.join(' ')} not ready after 200 s:\n${started.output}`)),
      200_000,
    ).unref();
  });
}

async function stop(started: Started): Promise<void> {
  const { child } = started;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function runScript(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  const prelude = `set -eu\nhanglian() { "${process.execPath}" "${CLI}" "$@"; }\n`;
  const bash = spawn('bash', ['-c', prelude + script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  bash.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  bash.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const timer = setTimeout(() => bash.kill('SIGKILL'), 150_000);
  return new Promise((resolve) =>
    bash.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe('linking industry chains (README)', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-linked-'));
  after(async () => {
    for (const s of running.reverse()) await stop(s);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a delivery on the logistics chain releases the order on the commerce chain, through untrusted relayers', async () => {
    // Each one-validator devnet takes two ports (API, P2P): both ranges held together, so that they cannot
    // be the same, and released for the devnets to bind.
    const ranges = [await reservePortRange(2), await reservePortRange(2)];
    await Promise.all(ranges.map((r) => r.release()));
    const [commercePort, logisticsPort] = ranges.map((r) => String(r.base)) as [string, string];
    const localise = (text: string) =>
      text
        .replaceAll('.hanglian/', `${dir}/`)
        .replaceAll('27650', commercePort)
        .replaceAll('27750', logisticsPort);
    const [terminals, script] = sectionBlocks(readFileSync(README, 'utf8')).map(localise);
    assert.ok(terminals !== undefined && script !== undefined, 'the section has its two blocks');
    const lines = terminals.split('\n').filter((l) => l.startsWith('hanglian '));
    const argsOf = (line: string) => line.split(' ').slice(1);
    const [commerceLine, logisticsLine, relayLine] = lines;
    assert.match(commerceLine!, /devnet .*--chain-id commerce/);
    assert.match(logisticsLine!, /devnet .*--chain-id logistics/);
    assert.match(relayLine!, /^hanglian relay /);

    const isRunning = /network \S+ is running/;
    await Promise.all([
      start([...argsOf(commerceLine!), '--log-level', 'error'], isRunning, dir),
      start([...argsOf(logisticsLine!), '--log-level', 'error'], isRunning, dir),
    ]);
    // Two relayers at once, signing as different members: each message must still be delivered once.
    const relayers = await Promise.all([
      start([...argsOf(relayLine!), '--interval-ms', '500'], /relaying between/, dir),
      start(
        [...argsOf(relayLine!.replaceAll('carrier-a', 'carrier-b')), '--interval-ms', '700'],
        /relaying between/,
        dir,
      ),
    ]);

    const outcome = await runScript(script, dir);
    assert.equal(outcome.code, 0, `the README block failed:\n${outcome.output}`);
    assert.match(outcome.output, /COMPLETED/);

    const commerce = createClient({ url: `http://127.0.0.1:${commercePort}` });
    const logistics = createClient({ url: `http://127.0.0.1:${logisticsPort}` });
    const { result: receipts } = await query<Array<{ sequence: number; status: string }>>(commerce, {
      module: 'interchain',
      name: 'receipts',
      params: { chainId: 'logistics' },
    });
    assert.deepEqual(
      receipts.map((r) => [r.sequence, r.status]),
      [[1, 'delivered']],
      'received once',
    );
    const { result: outbox } = await query<Array<{ status: { status: string } }>>(logistics, {
      module: 'interchain',
      name: 'outbox',
      params: { chainId: 'commerce' },
    });
    assert.deepEqual(
      outbox.map((e) => e.status.status),
      ['delivered'],
    );
    // An app (or a browser) checks the message itself, through light clients of each chain.
    const lightOf = (client: typeof commerce, network: string) => {
      const genesis = readGenesis(join(dir, network));
      return createLightClient({
        client,
        trust: {
          chainId: genesis.chainId,
          height: 0,
          blockHash: genesisHashOf(genesis),
          validators: validatorSetFromGenesis(genesis),
        },
      });
    };
    const { value: packet } = await verifyInterchainPacket(lightOf(logistics, 'logistics'), {
      destChain: 'commerce',
      sequence: 1,
    });
    assert.deepEqual(
      [packet.sender.org, (packet.payload as { type: string }).type],
      ['carrier-a', 'delivered'],
    );
    const { value: receipt } = await verifyInterchainReceipt(lightOf(commerce, 'commerce'), {
      sourceChain: 'logistics',
      sequence: 1,
    });
    assert.deepEqual([receipt.status, receipt.code], ['delivered', 'OK']);

    // A relayer killed in the middle of its work, then started again, delivers the next message once.
    const [first, second] = relayers;
    await stop(second!);
    const sent = await runScript(
      `hanglian tx interchain send '{"destChain":"commerce","destModule":"orders","payload":{"type":"delivered","order":"${'0'.repeat(32)}"},"timeoutHeight":1000000}' --network ${dir}/logistics --org carrier-b`,
      dir,
    );
    assert.equal(sent.code, 0, sent.output);
    const before = first!.output.length;
    for (let i = 0; i < 100 && !/header \d+ of logistics/.test(first!.output.slice(before)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    first!.child.kill('SIGKILL');
    await new Promise((resolve) => first!.child.once('exit', resolve));
    const restarted = await start([...argsOf(relayLine!), '--interval-ms', '500'], /relaying between/, dir);
    const closed = async () => {
      const { result } = await query<Array<{ status: { status: string; code?: string } }>>(logistics, {
        module: 'interchain',
        name: 'outbox',
        params: { chainId: 'commerce' },
      });
      return result[1]?.status;
    };
    let second2 = await closed();
    for (let i = 0; i < 120 && second2?.status === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      second2 = await closed();
    }
    // The order does not exist: the orders module refused it, and the refusal came back as its receipt.
    assert.deepEqual([second2?.status, second2?.code], ['failed', 'ORDERS_UNKNOWN_ORDER'], restarted.output);
    const { result: all } = await query<Array<{ sequence: number }>>(commerce, {
      module: 'interchain',
      name: 'receipts',
      params: { chainId: 'logistics' },
    });
    assert.deepEqual(
      all.map((r) => r.sequence),
      [1, 2],
      'each message received once',
    );

    const relayed = relayers.map((r) => r.output).join('\n');
    assert.match(relayed, /message 1 of logistics delivered on commerce/);
    assert.equal(
      relayed.split('\n').filter((l) => /message 1 of logistics delivered on commerce/.test(l)).length,
      1,
      `one relayer delivered it, the other was refused or skipped:\n${relayed}`,
    );
  });
});

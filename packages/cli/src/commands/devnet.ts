import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HanglianError } from '@hanglian/core';
import {
  checkGenesisSignatures,
  NodeErrors,
  networkPaths,
  readGenesis,
  readManifest,
} from '@hanglian/node/offline';
import type { Command } from 'commander';
import { findConsoleBuild } from '../consoleBuild.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'hanglian.js');

interface DevnetOptions {
  dir: string;
  validators: string;
  fullNodes: string;
  basePort: string;
  chainId?: string;
  fresh?: boolean;
  demo?: boolean;
  market?: boolean;
  marketOrders: string;
  calendarMonthSeconds?: string;
  logLevel: string;
  json?: boolean;
  indexUrl?: string;
}

interface RunningNode {
  readonly name: string;
  readonly child: ChildProcess;
  api?: string;
}

/**
 * Starts one node process and resolves with its API address once it listens. `onSpawn` gets the process
 * at once, so a failed start-up of another node can still stop this one (no orphans).
 */
function startNodeProcess(
  dir: string,
  name: string,
  logLevel: string,
  extra: readonly string[],
  onSpawn: (node: RunningNode) => void,
): Promise<RunningNode> {
  const child = spawn(
    process.execPath,
    [CLI, 'node', 'start', '--dir', dir, '--node', name, '--json', '--log-level', logLevel, ...extra],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const running: RunningNode = { name, child };
  onSpawn(running);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      running.api = (JSON.parse(line) as { api: string }).api;
      resolve(running);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) =>
      reject(new HanglianError(NodeErrors.CONFIG_INVALID, `${name} exited during start-up (code ${code})`)),
    );
  });
}

export function registerDevnet(program: Command): void {
  program
    .command('devnet')
    .description(
      'run a local network: one organisation directory per member, made and signed as in the genesis ceremony, each node its own process from its own directory (created on first run)',
    )
    .requiredOption('--dir <dir>', 'network directory (created when absent)')
    .option('--validators <n>', 'validator nodes when creating the network', '4')
    .option('--full-nodes <n>', 'non-voting full nodes when creating the network', '0')
    .option(
      '--base-port <port>',
      'first port when creating the network; node i uses base+2i (API) and base+2i+1 (P2P)',
      '26650',
    )
    .option(
      '--chain-id <id>',
      'chain id when creating the network (default hanglian-local); two devnets to link need different ids and base ports',
    )
    .option('--fresh', 'delete the directory first and start a new chain')
    .option(
      '--demo',
      "seed the book story's demo data once (products, items, channels, listings, a live session)",
    )
    .option(
      '--market',
      'with --demo: also fill the network with a market (producers, distributors, a dozen merchants, 240 products, orders over months); implies a fast calendar',
    )
    .option(
      '--market-orders <n>',
      'orders the market places (in the background once the catalogue is up)',
      '1500',
    )
    .option(
      '--calendar-month-seconds <s>',
      'when creating a dev network: a month of the insights calendar lasts this many seconds of block time (default with --market: 60)',
    )
    .option('--log-level <level>', 'log level of the nodes', 'warn')
    .option(
      '--index-url <url>',
      'tell the consoles to search and report from the index at this URL (`hanglian index --network`)',
    )
    .option('--json', 'print one JSON line per node, then {"event":"ready"}')
    .addHelpText(
      'after',
      '\nExamples:\n  hanglian devnet --dir ./devnet\n  hanglian devnet --dir ./devnet --validators 7 --full-nodes 1 --fresh\n',
    )
    .action(async (opts: DevnetOptions) => {
      const say = (text: string) => {
        if (!opts.json) process.stdout.write(`${text}\n`);
      };
      if (opts.fresh && existsSync(opts.dir)) rmSync(opts.dir, { recursive: true, force: true });
      if (!existsSync(networkPaths.manifest(opts.dir))) {
        const validators = Number(opts.validators);
        const fullNodes = Number(opts.fullNodes);
        const basePort = Number(opts.basePort);
        if (
          ![validators, fullNodes, basePort].every((n) => Number.isInteger(n) && n >= 0) ||
          validators < 1
        ) {
          throw new HanglianError(
            NodeErrors.CONFIG_INVALID,
            '--validators, --full-nodes and --base-port must be whole numbers',
          );
        }
        say(`creating a network of ${validators} validators and ${fullNodes} full nodes in ${opts.dir}…`);
        // Loaded when used: the other commands start without the node and the standards' bundles.
        const { initNetwork } = await import('@hanglian/node');
        const { commerceGenesisSection } = await import('@hanglian/commerce-standards');
        const { BOOK_STORY_ORGANISATIONS } = await import('@hanglian/node');
        const { MARKET_ORGANISATIONS } = await import('../demo/market.js');
        const monthSeconds =
          opts.calendarMonthSeconds !== undefined
            ? Number(opts.calendarMonthSeconds)
            : opts.market
              ? 60
              : undefined;
        if (monthSeconds !== undefined && !(Number.isInteger(monthSeconds) && monthSeconds >= 28)) {
          throw new HanglianError(
            NodeErrors.CONFIG_INVALID,
            '--calendar-month-seconds must be a whole number ≥ 28',
          );
        }
        initNetwork({
          dir: opts.dir,
          ...(opts.chainId === undefined ? {} : { chainId: opts.chainId }),
          validators,
          fullNodes,
          basePort,
          genesisTime: Date.now(),
          registry: commerceGenesisSection(),
          ...(opts.market ? { organisations: [...BOOK_STORY_ORGANISATIONS, ...MARKET_ORGANISATIONS] } : {}),
          ...(monthSeconds === undefined ? {} : { insights: { devCalendarMonthMs: monthSeconds * 1000 } }),
        });
      } else {
        say(`resuming the network in ${opts.dir} (use --fresh to start over)`);
        // A directory of the older layout (every key in one directory) is refused here with what to do
        // (NETWORK_LAYOUT_OLD), rather than by every node as it starts.
        readManifest(opts.dir);
        // Networks made before the genesis ceremony existed carry no founders' signatures: nodes refuse
        // them, so say how to go on rather than let every node fail to start.
        if (checkGenesisSignatures(readGenesis(opts.dir)).missing.length > 0) {
          throw new HanglianError(
            NodeErrors.GENESIS_UNSIGNED,
            `the genesis in ${opts.dir} is not signed by its organisations (made by an older release): start a new network with --fresh`,
          );
        }
      }
      const manifest = readManifest(opts.dir);
      const nodes: RunningNode[] = [];
      let stopping = false;
      const stopAll = async () => {
        stopping = true;
        await Promise.all(
          nodes.map(
            (n) =>
              new Promise<void>((resolve) => {
                if (n.child.exitCode !== null || n.child.signalCode !== null) return resolve();
                n.child.once('exit', () => resolve());
                n.child.kill('SIGTERM');
              }),
          ),
        );
      };
      try {
        // Nodes start together: each waits for the others through its links, not for their start-up.
        await Promise.all(
          // A dev network's console may sign as its organisations (their passphrase is on disk anyway).
          manifest.nodes.map((n) =>
            startNodeProcess(
              opts.dir,
              n.name,
              opts.logLevel,
              [
                ...(manifest.dev ? ['--console-dev-keys'] : []),
                ...(opts.indexUrl === undefined ? [] : ['--console-index', opts.indexUrl]),
              ],
              (spawned) => nodes.push(spawned),
            ),
          ),
        );
      } catch (error) {
        // One node failed to start (its own error is on stderr above): stop the others, then exit.
        await stopAll();
        throw error;
      }
      for (const n of nodes) {
        const entry = manifest.nodes.find((m) => m.name === n.name)!;
        n.child.once('exit', (code, signal) => {
          if (!stopping) process.stderr.write(`${n.name} exited (${signal ?? `code ${code}`})\n`);
        });
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ event: 'node', name: n.name, org: entry.org, validator: entry.validator, api: n.api, pid: n.child.pid })}\n`,
          );
        } else {
          say(
            `  ${n.name.padEnd(7)} ${(entry.validator ? 'validator' : 'full node').padEnd(9)} ${entry.org.padEnd(11)} API ${n.api}`,
          );
        }
      }
      // If seeding fails (its error names the step), stop the nodes rather than leave them running
      // behind a command that will never say it is ready.
      try {
        const seededMarker = join(opts.dir, 'demo-seeded.json');
        if (opts.demo && !existsSync(seededMarker) && nodes[0]?.api !== undefined) {
          say('seeding the book story (once)…');
          const { seedBookStory } = await import('../demo/bookStory.js');
          const steps = await seedBookStory({ dir: opts.dir, api: nodes[0].api, onStep: say });
          writeFileSync(seededMarker, `${JSON.stringify(steps, null, 2)}\n`);
        }
        const marketMarker = join(opts.dir, 'market-seeded.json');
        let market: Promise<void> | undefined;
        if (
          opts.demo &&
          opts.market &&
          !existsSync(marketMarker) &&
          !manifest.organisations.some((o) => o.id === 'shop-tea')
        ) {
          process.stderr.write(
            `note: the network in ${opts.dir} was made without the market's organisations; start a new one with --fresh to see the market\n`,
          );
        } else if (opts.demo && opts.market && !existsSync(marketMarker) && nodes[0]?.api !== undefined) {
          say('seeding the market (once): catalogue first, then orders in the background…');
          const { seedMarket } = await import('../demo/market.js');
          const api = nodes[0].api;
          let catalogueReady!: () => void;
          const catalogue = new Promise<void>((resolve) => {
            catalogueReady = resolve;
          });
          market = seedMarket({
            dir: opts.dir,
            api,
            orders: Number(opts.marketOrders),
            onStep: (line) => {
              if (opts.json)
                process.stdout.write(`${JSON.stringify({ event: 'market', line: line.trim() })}\n`);
              else say(line);
            },
            onCatalogue: () => {
              writeFileSync(marketMarker, `${JSON.stringify({ catalogue: true, orders: false })}\n`);
              catalogueReady();
            },
          }).then((report) => {
            writeFileSync(
              marketMarker,
              `${JSON.stringify({ catalogue: true, orders: true, report }, null, 2)}\n`,
            );
            const line = `market done: ${report.orders} orders, ${report.ok}/${report.transactions} transactions ok in ${(report.totalMs / 1000).toFixed(0)} s`;
            if (opts.json) process.stdout.write(`${JSON.stringify({ event: 'market-done', ...report })}\n`);
            else say(line);
          });
          market.catch((error: unknown) => {
            process.stderr.write(`the market stopped: ${(error as Error).message}\n`);
          });
          await Promise.race([catalogue, market]);
        }
        if (opts.json)
          process.stdout.write(`${JSON.stringify({ event: 'ready', chainId: manifest.chainId })}\n`);
        else {
          const first = nodes[0]?.api ?? '';
          say(`network ${manifest.chainId} is running; Ctrl-C stops every node`);
          say(`  API docs: ${first}/docs   OpenAPI: ${first}/v1/openapi.json   metrics: ${first}/metrics`);
          if (findConsoleBuild() !== undefined)
            say(`  web console: ${first}/   (shop, item verification, explorer, company views)`);
        }
      } catch (error) {
        await stopAll();
        throw error;
      }
      await new Promise<void>((resolve) => {
        const onSignal = () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          say('stopping…');
          void stopAll().then(resolve);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
    });
}

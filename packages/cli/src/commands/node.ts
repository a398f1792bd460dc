import { HanglianError } from '@hanglian/core';
import type { HanglianNode, LaunchOptions, LogLevel, StateSyncTrust } from '@hanglian/node';
import {
  DEFAULT_API_MAX_CONNECTIONS,
  isOrganisationDir,
  NodeErrors,
  readManifest,
  resolveOrgPassphrase,
  resolvePassphrase,
} from '@hanglian/node/offline';
import type { Command } from 'commander';
import { findConsoleBuild } from '../consoleBuild.js';
import { NODE_FAULT_EXIT_CODE, NODE_UPGRADE_EXIT_CODE } from '../exitCodes.js';
import { readGenesisFile } from './genesis.js';

export { NODE_FAULT_EXIT_CODE, NODE_UPGRADE_EXIT_CODE };

/** What this build of the CLI is: the software upgrades its node carries (a release adds names). */
export interface CliBuild {
  readonly softwareUpgrades?: readonly string[];
}

interface NodeStartOptions {
  dir: string;
  node: string;
  genesis?: string;
  peers?: string;
  p2p?: string;
  api?: string;
  host: string;
  apiPort?: string;
  apiMaxConnections?: string;
  passphraseFile?: string;
  logLevel: string;
  stateSync?: boolean;
  trustHeight?: string;
  trustHash?: string;
  trustingPeriodHours?: string;
  json?: boolean;
  console: boolean;
  consoleDir?: string;
  consoleDevKeys?: boolean;
  keepRecent?: string;
  snapshotEvery?: string;
  consoleIndex?: string;
  /** false with --no-peer-exchange. */
  peerExchange?: boolean;
  clockOffsetMs?: string;
}

export function registerNode(program: Command, build: CliBuild = {}): void {
  const node = program.command('node').description('run and inspect a node');
  node
    .command('start')
    .description(
      "start a node and serve its API: your organisation's node (--dir ORGDIR --genesis G.json --peers …), or a node of a local network directory",
    )
    .requiredOption(
      '--dir <dir>',
      'your organisation directory (hanglian org init), or a network directory (hanglian init)',
    )
    .option('--genesis <file>', 'organisation directory: the genesis every founder signed')
    .option(
      '--peers <list>',
      'organisation directory: other nodes, HOST:PORT or NODEKEY@HOST:PORT, comma-separated',
    )
    .option('--p2p <host:port>', "organisation directory: listen for nodes here (default: the card's)")
    .option(
      '--no-peer-exchange',
      'do not tell peers where this node listens, nor dial the member nodes they name (links fixed by --peers or the manifest)',
    )
    .option('--api <host:port>', "organisation directory: serve the API here (default: the card's)")
    .option('--node <name>', 'network directory: which node of the network to run', 'node0')
    .option('--host <host>', 'address the API listens on', '127.0.0.1')
    .option('--api-port <port>', 'API port (default: from network.json; 0 picks a free one)')
    .option(
      '--api-max-connections <n>',
      `most API connections held open at once; one more is answered 503 TOO_MANY_CONNECTIONS (default ${DEFAULT_API_MAX_CONNECTIONS.toLocaleString('en-US')}; keep it under ulimit -n)`,
    )
    .option(
      '--passphrase-file <file>',
      'file holding the key passphrase (else HANGLIAN_PASSPHRASE, else the dev file)',
    )
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent', 'info')
    .option(
      '--state-sync',
      'on an empty ledger, fetch the verified state from peers instead of replaying blocks',
    )
    .option(
      '--trust-height <height>',
      'state sync: the height of a trusted checkpoint (from the organisation that invites this node)',
    )
    .option('--trust-hash <hex>', 'state sync: the block hash at --trust-height')
    .option(
      '--trusting-period-hours <hours>',
      'state sync: refuse a checkpoint older than this (default 168)',
    )
    .option('--json', 'print the start-up line as JSON')
    .option(
      '--keep-recent <heights>',
      'prune the state: keep the latest <heights> heights readable and provable (default: archival, keep all)',
    )
    .option(
      '--snapshot-every <heights>',
      'with --keep-recent: also keep every height that is a multiple of this (fixed once the node pruned)',
    )
    .option(
      '--console-dir <dir>',
      'serve this web console build at / (default: packages/console/dist/web when built)',
    )
    .option('--no-console', 'do not serve the web console')
    .option(
      '--clock-offset-ms <ms>',
      "FOR FAULT TESTS: run the node's clock (the block times it proposes and judges) this far ahead, or behind when negative",
    )
    .option(
      '--console-dev-keys',
      "DEV ONLY: let the console sign as this dev network's organisations (refused on other networks)",
    )
    .option(
      '--console-index <url>',
      'tell the console to search and report from the index at this URL (`hanglian index`)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  hanglian node start --dir ./acme --genesis genesis.json --peers 10.0.0.2:26656,10.0.0.3:26656 --passphrase-file ./acme.pass\n  hanglian node start --dir ./net --node node0\n',
    )
    .action(async (opts: NodeStartOptions) => {
      if (isOrganisationDir(opts.dir)) {
        await runOrganisationNode(opts, build);
        return;
      }
      if (opts.genesis !== undefined || opts.peers !== undefined) {
        throw new HanglianError(
          NodeErrors.CONFIG_INVALID,
          `${opts.dir} is not an organisation directory (no card.json): --genesis and --peers are for one`,
        );
      }
      const manifest = readManifest(opts.dir);
      const passphrase = resolvePassphrase({
        dir: opts.dir,
        manifest,
        passphraseFile: opts.passphraseFile,
        envPassphrase: process.env.HANGLIAN_PASSPHRASE,
      });
      const port = opts.apiPort === undefined ? undefined : Number(opts.apiPort);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        throw new HanglianError(NodeErrors.CONFIG_INVALID, '--api-port must be 0-65535');
      }
      const pruning = pruningOption(opts);
      const apiMaxConnections = apiMaxConnectionsOption(opts);
      const consoleDir = opts.console ? (opts.consoleDir ?? findConsoleBuild()) : undefined;
      const consoleIndexUrl = consoleIndexOption(opts);
      const stateSync = stateSyncOption(opts);
      const { launchNode } = await import('@hanglian/node');
      const running = await launchNode({
        dir: opts.dir,
        node: opts.node,
        passphrase,
        host: opts.host,
        ...(port === undefined ? {} : { apiPort: port }),
        ...(apiMaxConnections === undefined ? {} : { apiMaxConnections }),
        logLevel: opts.logLevel as LogLevel,
        stateSync,
        peerExchange: opts.peerExchange !== false,
        ...clockOffsetOption(opts),
        ...(pruning === undefined ? {} : { pruning }),
        ...(consoleDir === undefined
          ? {}
          : {
              consoleDir,
              consoleDevKeys: opts.consoleDevKeys === true,
              ...(consoleIndexUrl === undefined ? {} : { consoleIndexUrl }),
            }),
        ...(build.softwareUpgrades === undefined ? {} : { softwareUpgrades: build.softwareUpgrades }),
      });
      await serveUntilStopped(running, opts.json === true, consoleDir);
    });

  node
    .command('join')
    .description(
      "run your organisation's node for the first time on a running chain: state sync from a checkpoint, then follow it",
    )
    .requiredOption('--dir <orgdir>', 'your organisation directory (hanglian org init)')
    .requiredOption('--genesis <file>', 'the genesis every founder signed')
    .requiredOption('--peers <list>', 'member nodes, HOST:PORT or NODEKEY@HOST:PORT, comma-separated')
    .option(
      '--trust-height <height>',
      "the height of a trusted checkpoint (from the organisation that invited you, or any member's public headers)",
    )
    .option('--trust-hash <hex>', 'the block hash at --trust-height')
    .option('--trusting-period-hours <hours>', 'refuse a checkpoint older than this (default 168)')
    .option('--p2p <host:port>', "listen for nodes here (default: the card's)")
    .option(
      '--no-peer-exchange',
      'do not tell peers where this node listens, nor dial the member nodes they name (links fixed by --peers)',
    )
    .option('--api <host:port>', "serve the API here (default: the card's)")
    .option('--passphrase-file <file>', 'key passphrase (else HANGLIAN_PASSPHRASE, else the dev file)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent', 'info')
    .option('--json', 'print the start-up line as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian node join --dir ./newshop --genesis genesis.json --peers 10.0.0.2:26656 --trust-height 1200 --trust-hash 9f3c…\n',
    )
    .action(async (opts: NodeStartOptions) => {
      if (!isOrganisationDir(opts.dir)) {
        throw new HanglianError(
          NodeErrors.CONFIG_INVALID,
          `${opts.dir} is not an organisation directory (no card.json)`,
        );
      }
      await runOrganisationNode({ ...opts, console: false, stateSync: true }, build);
    });

  registerNodeWait(node);

  node
    .command('checkpoint')
    .description(
      'print a trusted checkpoint for `node join` from a member node you trust (its latest committed block)',
    )
    .requiredOption('--api <url>', "a member node's API (the organisation that invites you)")
    .option('--json', 'print {height, hash} as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian node join --dir ./newshop --genesis genesis.json --peers 10.0.0.2:26656 $(hanglian node checkpoint --api http://10.0.0.2:26657)\n',
    )
    .action(async (opts: { api: string; json?: boolean }) => {
      const { createClient, getStatus } = await import('@hanglian/sdk');
      const status = await getStatus(createClient({ url: opts.api }));
      if (status.height < 1) {
        throw new HanglianError(NodeErrors.NODE_NOT_READY, `${opts.api} has committed no block yet`);
      }
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ chainId: status.chainId, height: status.height, hash: status.latestBlockHash })}\n`
          : `--trust-height ${status.height} --trust-hash ${status.latestBlockHash}\n`,
      );
    });
}

/** `--keep-recent` and `--snapshot-every`: the state pruning of either kind of node (default archival). */
function clockOffsetOption(opts: NodeStartOptions): { clockOffsetMs?: number } {
  if (opts.clockOffsetMs === undefined) return {};
  const ms = Number(opts.clockOffsetMs);
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > 86_400_000)
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      '--clock-offset-ms must be a whole number of ms within a day',
    );
  return { clockOffsetMs: ms };
}

function pruningOption(opts: NodeStartOptions): LaunchOptions['pruning'] {
  const keepRecent = opts.keepRecent === undefined ? undefined : Number(opts.keepRecent);
  const snapshotEvery = opts.snapshotEvery === undefined ? 0 : Number(opts.snapshotEvery);
  if (keepRecent !== undefined && (!Number.isSafeInteger(keepRecent) || keepRecent < 1)) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, '--keep-recent must be a whole number ≥ 1');
  }
  if (!Number.isSafeInteger(snapshotEvery) || snapshotEvery < 0) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, '--snapshot-every must be a whole number ≥ 0');
  }
  if (opts.snapshotEvery !== undefined && keepRecent === undefined) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, '--snapshot-every needs --keep-recent');
  }
  return keepRecent === undefined ? undefined : { keepRecent, snapshotEvery };
}

/** `--api-max-connections N`: a whole number of connections, at least 1. */
function apiMaxConnectionsOption(opts: NodeStartOptions): number | undefined {
  if (opts.apiMaxConnections === undefined) return undefined;
  const max = Number(opts.apiMaxConnections);
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `--api-max-connections must be a whole number ≥ 1, got "${opts.apiMaxConnections}"`,
    );
  }
  return max;
}

/** `--console-index URL`, without its trailing slashes. */
function consoleIndexOption(opts: NodeStartOptions): string | undefined {
  if (opts.consoleIndex === undefined) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(opts.consoleIndex)) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `--console-index must be an http(s) URL, got "${opts.consoleIndex}"`,
    );
  }
  return opts.consoleIndex.replace(/\/+$/, '');
}

/** `--state-sync` and a trusted checkpoint (`--trust-height/--trust-hash/--trusting-period-hours`). */
function stateSyncOption(opts: NodeStartOptions): boolean | StateSyncTrust {
  if ((opts.trustHeight === undefined) !== (opts.trustHash === undefined)) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, '--trust-height and --trust-hash go together');
  }
  const trustHeight = opts.trustHeight === undefined ? undefined : Number(opts.trustHeight);
  if (trustHeight !== undefined && (!Number.isSafeInteger(trustHeight) || trustHeight < 1)) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, '--trust-height must be a height ≥ 1');
  }
  if (opts.trustHash !== undefined && !/^[0-9a-fA-F]{64}$/.test(opts.trustHash)) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, '--trust-hash must be 64 hex digits');
  }
  const periodHours = opts.trustingPeriodHours === undefined ? undefined : Number(opts.trustingPeriodHours);
  if (periodHours !== undefined && !(periodHours > 0)) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, '--trusting-period-hours must be positive');
  }
  return trustHeight === undefined
    ? opts.stateSync === true
    : {
        trustHeight,
        trustHash: opts.trustHash!.toLowerCase(),
        ...(periodHours === undefined ? {} : { trustingPeriodMs: periodHours * 3_600_000 }),
      };
}

/** `hanglian node wait`: for scripts that start a node in the background and go on once it serves. */
function registerNodeWait(node: Command): void {
  node
    .command('wait')
    .description(
      'wait until a node answers (and has reached a height), for scripts that start nodes in the background',
    )
    .requiredOption('--api <url>', 'the node API, e.g. http://127.0.0.2:26657')
    .option('--height <h>', 'wait until it has committed this height', '1')
    .option('--timeout <s>', 'give up after this many seconds (exit code 6)', '120')
    .action(async (opts: { api: string; height: string; timeout: string }) => {
      const target = Number(opts.height);
      const deadline = Date.now() + Number(opts.timeout) * 1000;
      const { createClient, getStatus } = await import('@hanglian/sdk');
      const client = createClient({ url: opts.api });
      let last = 'no answer';
      while (Date.now() < deadline) {
        try {
          const status = await getStatus(client);
          if (status.height >= target) {
            process.stdout.write(`${status.node} of ${status.chainId} at height ${status.height}\n`);
            return;
          }
          last = `at height ${status.height}`;
        } catch (error) {
          last = (error as Error).message;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new HanglianError(
        NodeErrors.NODE_NOT_READY,
        `${opts.api} did not reach height ${target} within ${opts.timeout} s (${last})`,
      );
    });
}

/** Starts an organisation's node from its own directory (start, or join with state sync). */
async function runOrganisationNode(opts: NodeStartOptions, build: CliBuild): Promise<void> {
  if (opts.genesis === undefined) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      'an organisation node needs --genesis G.json (signed by every founder)',
    );
  }
  const passphrase = resolveOrgPassphrase({
    dir: opts.dir,
    passphraseFile: opts.passphraseFile,
    envPassphrase: process.env.HANGLIAN_PASSPHRASE,
  });
  if (opts.consoleDevKeys) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      '--console-dev-keys is for a local network directory (hanglian init/devnet), never an organisation’s own',
    );
  }
  const genesis = readGenesisFile(opts.genesis);
  const pruning = pruningOption(opts);
  const apiMaxConnections = apiMaxConnectionsOption(opts);
  const consoleDir = opts.console ? (opts.consoleDir ?? findConsoleBuild()) : undefined;
  const consoleIndexUrl = consoleIndexOption(opts);
  const { launchOrganisationNode, parsePeerList } = await import('@hanglian/node');
  const running = await launchOrganisationNode({
    dir: opts.dir,
    genesis,
    passphrase,
    peers: parsePeerList(opts.peers),
    peerExchange: opts.peerExchange !== false,
    ...(opts.p2p === undefined ? {} : { p2p: opts.p2p }),
    ...(opts.api === undefined ? {} : { api: opts.api }),
    ...(apiMaxConnections === undefined ? {} : { apiMaxConnections }),
    logLevel: opts.logLevel as LogLevel,
    stateSync: stateSyncOption(opts),
    ...(pruning === undefined ? {} : { pruning }),
    ...(consoleDir === undefined
      ? {}
      : { consoleDir, ...(consoleIndexUrl === undefined ? {} : { consoleIndexUrl }) }),
    ...(build.softwareUpgrades === undefined ? {} : { softwareUpgrades: build.softwareUpgrades }),
  });
  await serveUntilStopped(running, opts.json === true, consoleDir);
}

/** Prints the start-up line, then runs until a signal, a local fault or a software upgrade stops it. */
async function serveUntilStopped(
  running: HanglianNode,
  json: boolean,
  consoleDir: string | undefined,
): Promise<void> {
  const opts = { json };
  const entry = { name: running.name };
  const line = {
    event: 'listening',
    node: entry.name,
    api: running.apiUrl,
    chainId: running.chain.chainId,
    height: running.chain.height,
    ...(consoleDir === undefined ? {} : { console: `${running.apiUrl}/` }),
  };
  process.stdout.write(
    opts.json
      ? `${JSON.stringify(line)}\n`
      : `node ${entry.name} of ${line.chainId} at height ${line.height}\nAPI listening at ${running.apiUrl}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.stop().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // A local execution fault (the contract worker timed out or died) stops the node: it must not
    // vote on a block it could not execute. It exits non-zero, for a supervisor to restart it.
    running.events.once('fault', (fault: Error) => {
      process.stderr.write(`node ${entry.name} stopped on a local fault: ${fault.message}\n`);
      process.exitCode = NODE_FAULT_EXIT_CODE;
      stop();
    });
    // A software upgrade this build does not carry: the node stopped before the upgrade's height.
    running.events.once('upgrade-required', (required: Error) => {
      process.stderr.write(`node ${entry.name}: ${required.message}\n`);
      process.exitCode = NODE_UPGRADE_EXIT_CODE;
      stop();
    });
  });
}

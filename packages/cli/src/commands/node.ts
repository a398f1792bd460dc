import { HanglianError } from '@hanglian/core';
import type { LogLevel } from '@hanglian/node';
import { NodeErrors, readManifest, resolvePassphrase } from '@hanglian/node/offline';
import type { Command } from 'commander';
import { findConsoleBuild } from '../consoleBuild.js';

/** Exit code of `hanglian node start` when the node stopped itself on a local execution fault. */
export const NODE_FAULT_EXIT_CODE = 70;

interface NodeStartOptions {
  dir: string;
  node: string;
  host: string;
  apiPort?: string;
  passphraseFile?: string;
  logLevel: string;
  stateSync?: boolean;
  json?: boolean;
  console: boolean;
  consoleDir?: string;
  consoleDevKeys?: boolean;
  consoleIndex?: string;
}

export function registerNode(program: Command): void {
  const node = program.command('node').description('run and inspect a node');
  node
    .command('start')
    .description('start a node of a network directory and serve its API')
    .requiredOption('--dir <dir>', 'network directory written by `hanglian init`')
    .option('--node <name>', 'which node of the network to run', 'node0')
    .option('--host <host>', 'address the API listens on', '127.0.0.1')
    .option('--api-port <port>', 'API port (default: from network.json; 0 picks a free one)')
    .option(
      '--passphrase-file <file>',
      'file holding the key passphrase (else HANGLIAN_PASSPHRASE, else the dev file)',
    )
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent', 'info')
    .option(
      '--state-sync',
      'on an empty ledger, fetch the verified state from peers instead of replaying blocks',
    )
    .option('--json', 'print the start-up line as JSON')
    .option(
      '--console-dir <dir>',
      'serve this web console build at / (default: packages/console/dist/web when built)',
    )
    .option('--no-console', 'do not serve the web console')
    .option(
      '--console-dev-keys',
      "DEV ONLY: let the console sign as this dev network's organisations (refused on other networks)",
    )
    .option(
      '--console-index <url>',
      'tell the console to search and report from the index at this URL (`hanglian index`)',
    )
    .addHelpText('after', '\nExample:\n  hanglian node start --dir ./net --node node0\n')
    .action(async (opts: NodeStartOptions) => {
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
      const consoleDir = opts.console ? (opts.consoleDir ?? findConsoleBuild()) : undefined;
      if (opts.consoleIndex !== undefined && !/^https?:\/\/[^\s/]+/.test(opts.consoleIndex)) {
        throw new HanglianError(
          NodeErrors.CONFIG_INVALID,
          `--console-index must be an http(s) URL, got "${opts.consoleIndex}"`,
        );
      }
      const { launchNode } = await import('@hanglian/node');
      const running = await launchNode({
        dir: opts.dir,
        node: opts.node,
        passphrase,
        host: opts.host,
        ...(port === undefined ? {} : { apiPort: port }),
        logLevel: opts.logLevel as LogLevel,
        stateSync: opts.stateSync === true,
        ...(consoleDir === undefined
          ? {}
          : {
              consoleDir,
              consoleDevKeys: opts.consoleDevKeys === true,
              ...(opts.consoleIndex === undefined
                ? {}
                : { consoleIndexUrl: opts.consoleIndex.replace(/\/+$/, '') }),
            }),
      });
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
      });
    });
}

/**
 * `hanglian index`: a process beside a node that follows it into PostgreSQL tables (embedded PGlite in a
 * directory by default, or a server with `--db`) and serves them on `/v1/index/...` for explorers,
 * company reports and catalogue search. It verifies every block's commit certificate from the genesis
 * validators (`--genesis`, or the network directory's), so it believes nothing the node cannot prove.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HanglianError } from '@hanglian/core';
import { NodeErrors } from '@hanglian/node/offline';
import { genesisHashOf, type Signer, type TrustCheckpoint, validatorSetFromGenesis } from '@hanglian/sdk';
import type { Command } from 'commander';
import { loadMemberSigner } from '../signing.js';

interface IndexOptions {
  api?: string;
  db?: string;
  dir?: string;
  network?: string;
  org?: string;
  key: string;
  passphraseFile?: string;
  genesis?: string;
  host: string;
  port: string;
  once?: boolean;
  to?: string;
  json?: boolean;
}

/** The trust checkpoint of a genesis document: its chain, hash and validators. */
export function trustFromGenesisFile(path: string): TrustCheckpoint {
  const genesis = JSON.parse(readFileSync(path, 'utf8')) as {
    chainId: string;
    modules: Record<string, unknown>;
  };
  return {
    chainId: genesis.chainId,
    height: 0,
    blockHash: genesisHashOf(genesis),
    validators: validatorSetFromGenesis(genesis),
  };
}

export function registerIndex(program: Command): void {
  program
    .command('index')
    .description(
      'follow a node into PostgreSQL (embedded by default) and serve /v1/index/... for explorers, reports and search',
    )
    .option('--api <url>', 'the node to follow (default: the first node of --network)')
    .option(
      '--db <url>',
      'a PostgreSQL server, postgres://user@host:port/db (default: the embedded database)',
    )
    .option('--dir <dir>', 'the embedded database directory (default: <network>/index or .hanglian/index)')
    .option('--network <dir>', 'network directory: the genesis to verify from, and the member key that reads')
    .option('--org <org>', 'the organisation whose key signs the node’s members-only reads')
    .option('--key <label>', 'which of its keys: ops or admin', 'ops')
    .option('--passphrase-file <file>', 'key passphrase (default: HANGLIAN_PASSPHRASE, or the dev file)')
    .option(
      '--genesis <file>',
      'the genesis document to verify blocks from (default: <network>/genesis.json)',
    )
    .option('--host <host>', 'address the index API listens on', '127.0.0.1')
    .option('--port <port>', 'port of the index API (0: none)', '26700')
    .option('--once', 'catch up to the node’s height (or --to), print the rate, and exit')
    .option('--to <height>', 'with --once: stop at this height')
    .option('--json', 'print JSON lines (listening, caught-up, progress)')
    .addHelpText(
      'after',
      `
Examples:
  hanglian index --network .hanglian/devnet --org regulator
  hanglian index --network .hanglian/devnet --org bookstore --db postgres://postgres@127.0.0.1:5432/hanglian
  hanglian index --network .hanglian/devnet --org regulator --once --port 0
`,
    )
    .action(async (opts: IndexOptions) => {
      const { Indexer, createIndexApi, openIndexDb } = await import('@hanglian/indexer');
      const say = (text: string, json: Record<string, unknown>) =>
        process.stdout.write(opts.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
      let reader: Signer | undefined;
      let api = opts.api;
      if (opts.network !== undefined && opts.org !== undefined) {
        const loaded = loadMemberSigner({ ...opts, network: opts.network, org: opts.org });
        reader = loaded.signer;
        api ??= loaded.api;
      }
      if (api === undefined) {
        throw new HanglianError(NodeErrors.BAD_REQUEST, 'give --api, or --network and --org');
      }
      const genesisPath =
        opts.genesis ?? (opts.network === undefined ? undefined : join(opts.network, 'genesis.json'));
      if (genesisPath !== undefined && !existsSync(genesisPath)) {
        throw new HanglianError(NodeErrors.CONFIG_INVALID, `no genesis document at ${genesisPath}`);
      }
      const genesis = genesisPath === undefined ? undefined : trustFromGenesisFile(genesisPath);
      if (genesis === undefined) {
        process.stderr.write(
          'warning: no --genesis or --network: trusting the validators the node names for block 1\n',
        );
      }
      const dir =
        opts.db !== undefined ? undefined : (opts.dir ?? join(opts.network ?? '.hanglian', 'index'));
      const db = await openIndexDb({
        ...(opts.db === undefined ? {} : { url: opts.db }),
        ...(dir === undefined ? {} : { dir }),
      });
      const indexer = new Indexer({
        db,
        api,
        ...(reader === undefined ? {} : { reader }),
        ...(genesis === undefined ? {} : { genesis }),
      });
      const cursor = await indexer.open();
      const started = cursor?.height ?? 0;
      if (opts.json) say('', { event: 'opened', height: started, db: db.kind });
      let server: Awaited<ReturnType<typeof createIndexApi>> | undefined;
      const port = Number(opts.port);
      if (!opts.once && port > 0) {
        const status = await indexer.client.getStatus();
        server = createIndexApi({ db, node: indexer.client, chainId: status.chainId });
        await server.listen({ host: opts.host, port });
        const url = `http://${opts.host}:${port}`;
        say(
          `index API ${url}/v1/index/status   OpenAPI ${url}/v1/index/openapi.json   (${db.kind}: ${db.location})`,
          {
            event: 'listening',
            api: url,
            db: db.kind,
            height: started,
          },
        );
      }
      let stopped = false;
      const stop = () => {
        stopped = true;
        indexer.stop();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const report = await indexer.catchUp(opts.to === undefined ? undefined : Number(opts.to));
      const seconds = report.ms / 1000;
      say(
        `caught up: ${report.blocks} blocks (${started} → ${report.to}) in ${seconds.toFixed(1)} s: ` +
          `${(report.blocks / Math.max(seconds, 1e-3)).toFixed(0)} blocks/s, ${(report.rows / Math.max(seconds, 1e-3)).toFixed(0)} rows/s`,
        {
          event: 'caught-up',
          from: report.from,
          height: report.to,
          blocks: report.blocks,
          rows: report.rows,
          ms: Math.round(report.ms),
        },
      );
      if (!opts.once && !stopped) await indexer.run();
      await server?.close();
      await db.close();
    });
}

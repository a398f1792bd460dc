/**
 * `hanglian wallet search QUERY --platform ID` (issue 19): a platform's own personalised ranking
 * (`commerce.search/2`), run on this machine with the wallet's history, which is never sent anywhere.
 *
 *   1. the catalogue is read as any anonymous shopper reads it (`catalog listings`);
 *   2. the platform's registered code, its standard and the registry's limits are read with proofs and
 *      checked against headers signed by the genesis validators (light client), and the code against its
 *      registered hash (`@hanglian/sdk/local`);
 *   3. the code runs here, in the chain's sandbox, with the history from the wallet's history file.
 *
 * The history file is written by `hanglian wallet purchases --save-history`: that step looks the wallet's
 * orders up on the node (as `wallet purchases` always does); a search never does.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { HanglianError } from '@hanglian/core';
import { readGenesis } from '@hanglian/node/offline';
import { createLightClient, genesisHashOf, validatorSetFromGenesis } from '@hanglian/sdk';
import type { SearchContext } from '@hanglian/sdk/local';
import type { Command } from 'commander';
import { CliErrors } from '../errors.js';
import { readJsonFile } from '../walletFile.js';
import { type PublicReadOptions, publicClient, withPublicReadOptions } from './wallet.js';

/** Where a wallet's history lives unless `--history` says otherwise: beside the wallet file. */
export function historyPathOf(walletFile: string): string {
  return `${walletFile}.history.json`;
}

/** Writes a history file readable by its owner only: it is the shopper's private purchase history. */
export function writeHistoryFile(path: string, context: SearchContext): void {
  writeFileSync(path, `${JSON.stringify(context, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function readHistory(path: string): SearchContext {
  const value = readJsonFile(path, 'history') as Partial<SearchContext>;
  if (!Array.isArray(value.purchases) || !Array.isArray(value.reviews) || !Array.isArray(value.grants)) {
    throw new HanglianError(
      CliErrors.CLI_BAD_OPTION,
      `${path} is not a history file ({purchases, reviews, grants}: hanglian wallet purchases --save-history)`,
    );
  }
  return { purchases: value.purchases, reviews: value.reviews, grants: value.grants };
}

interface SearchOptions extends PublicReadOptions {
  platform: string;
  wallet?: string;
  history?: string;
  anonymous?: boolean;
  genesis?: string;
  height?: string;
  limit: string;
  json?: boolean;
}

export function registerWalletSearch(wallet: Command): void {
  withPublicReadOptions(
    wallet
      .command('search')
      .description(
        "rank the catalogue with a platform's own commerce.search/2 code, run here with your history (never sent)",
      )
      .argument('<query>', 'what to look for (may be empty: "")'),
  )
    .requiredOption('--platform <id>', 'the commerce.search/2 implementation, e.g. platform-b.discover')
    .option('--wallet <file>', 'the wallet whose history file (<wallet>.history.json) personalises')
    .option('--history <file>', 'a history file (default: beside --wallet)')
    .option('--anonymous', 'rank without any history')
    .option('--genesis <file>', "the genesis whose validators are trusted (default: the network's)")
    .option('--height <h>', 'prove the code at this height (default: the latest)')
    .option('--limit <n>', 'how many results to print', '10')
    .option('--json', 'print {platform, codeHash, height, gasUsed, elapsedMs, history, results} as JSON')
    .addHelpText(
      'after',
      `
The history stays on this machine: the requests are the catalogue, the code and its proofs, the same for
every shopper. Make the history file first (it looks up the wallet's orders, as 'wallet purchases' does):

  hanglian wallet purchases --wallet consumer.wallet --network .hanglian/devnet --save-history
  hanglian wallet search 茶 --platform platform-b.discover --wallet consumer.wallet --network .hanglian/devnet
`,
    )
    .action(async (queryText: string, opts: SearchOptions) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) {
        throw new HanglianError(CliErrors.CLI_BAD_OPTION, '--limit must be a whole number ≥ 1');
      }
      const height = opts.height === undefined ? undefined : Number(opts.height);
      if (height !== undefined && !(Number.isInteger(height) && height >= 1)) {
        throw new HanglianError(CliErrors.CLI_BAD_OPTION, '--height must be a whole number ≥ 1');
      }
      const historyPath =
        opts.history ?? (opts.wallet === undefined ? undefined : historyPathOf(opts.wallet));
      let context: SearchContext = { purchases: [], reviews: [], grants: [] };
      if (!opts.anonymous) {
        if (historyPath === undefined) {
          throw new HanglianError(
            CliErrors.CLI_BAD_OPTION,
            'give --wallet (its history file is used), --history <file>, or --anonymous',
          );
        }
        if (!existsSync(historyPath)) {
          throw new HanglianError(
            CliErrors.CLI_BAD_OPTION,
            `no history file ${historyPath}: make it with 'hanglian wallet purchases --save-history', or search --anonymous`,
          );
        }
        context = readHistory(historyPath);
      }
      const genesis =
        opts.genesis !== undefined
          ? (readJsonFile(opts.genesis, 'genesis') as ReturnType<typeof readGenesis>)
          : opts.network !== undefined
            ? readGenesis(opts.network)
            : undefined;
      if (genesis === undefined) {
        throw new HanglianError(
          CliErrors.CLI_BAD_OPTION,
          'give --network (its genesis.json is trusted) or --genesis <file>: the code is verified against it',
        );
      }
      // Loaded when used: the sandbox (QuickJS) is needed by this command only.
      const { fetchImplementation, LocalRunner, rankLocally, searchCandidates } = await import(
        '@hanglian/sdk/local'
      );
      const client = publicClient(opts);
      const light = createLightClient({
        client,
        trust: {
          chainId: genesis.chainId,
          height: 0,
          blockHash: genesisHashOf(genesis),
          validators: validatorSetFromGenesis(genesis),
        },
      });
      const [listings, verified, runner] = await Promise.all([
        searchCandidates(client),
        fetchImplementation(light, opts.platform, height === undefined ? {} : { height }),
        LocalRunner.create(),
      ]);
      const ranking = rankLocally(runner, verified, {
        query: queryText,
        time: Date.now(),
        listings,
        context,
      });
      const byId = new Map(listings.map((l) => [l.id, l]));
      const results = ranking.ids.slice(0, limit).map((id) => byId.get(id)!);
      const history = {
        purchases: context.purchases.length,
        reviews: context.reviews.length,
        grants: context.grants.length,
      };
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({
            platform: verified.implementation.id,
            org: verified.implementation.org,
            codeHash: verified.code.hash,
            height: verified.height,
            gasUsed: ranking.gasUsed,
            elapsedMs: Math.round(ranking.elapsedMs * 10) / 10,
            candidates: listings.length,
            matches: ranking.ids.length,
            history,
            results,
          })}\n`,
        );
        return;
      }
      if (results.length === 0) process.stdout.write('nothing matches\n');
      results.forEach((l, i) => {
        process.stdout.write(
          `${String(i + 1).padStart(3)}. ${l.title}  ${(l.price / 100).toFixed(2)}  ${l.merchant}  ${l.category}  (${l.id})\n`,
        );
      });
      process.stdout.write(
        `\n${ranking.ids.length} of ${listings.length} listings, ranked by ${verified.implementation.id} ` +
          `(${verified.implementation.org}), code ${verified.code.hash.slice(0, 16)}… proven at height ${verified.height}, ` +
          `run here in ${ranking.elapsedMs.toFixed(0)} ms (${ranking.gasUsed.toLocaleString('en')} gas).\n` +
          (opts.anonymous
            ? 'Anonymous: no history was used.\n'
            : `Your history (${history.purchases} purchases, ${history.reviews} reviews, ${history.grants} grants) ` +
              `stayed on this machine: the node was asked only for the catalogue and the code.\n`),
      );
    });
}

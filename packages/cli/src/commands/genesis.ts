/**
 * `hanglian genesis`: the genesis ceremony of a consortium (decision 0009). One founder drafts the
 * document and adds every founder's public card; the same file goes round and each founder signs it with
 * its own root key, on its own machine; anyone checks it with `verify`, and nodes refuse it until every
 * founder has signed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { HanglianError } from '@hanglian/core';
import {
  addOrganisationToGenesis,
  checkGenesisSignatures,
  DEFAULT_ISSUER_RESERVES,
  NodeErrors,
  newGenesis,
  readCard,
  readOrgKey,
  requireFoundersSigned,
  resolveOrgPassphrase,
  signGenesis,
} from '@hanglian/node/offline';
import type { Command } from 'commander';

type GenesisDocument = ReturnType<typeof newGenesis>;

export function readGenesisFile(path: string): GenesisDocument {
  if (!existsSync(path)) throw new HanglianError(NodeErrors.CONFIG_INVALID, `no genesis document at ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as GenesisDocument;
  } catch (error) {
    throw new HanglianError(NodeErrors.CONFIG_INVALID, `${path} is not JSON`, { cause: error });
  }
}

function writeGenesisFile(path: string, genesis: GenesisDocument): void {
  writeFileSync(path, `${JSON.stringify(genesis, null, 2)}\n`);
}

function wholeNumber(raw: string | undefined, name: string, min = 0): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min)
    throw new HanglianError(NodeErrors.CONFIG_INVALID, `${name} must be a whole number ≥ ${min}`);
  return n;
}

function parseTime(raw: string | undefined): number {
  if (raw === undefined) return Date.now();
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new HanglianError(NodeErrors.CONFIG_INVALID, '--genesis-time is unix milliseconds or an ISO date');
  return ms;
}

export function registerGenesis(program: Command): void {
  const genesis = program
    .command('genesis')
    .description('the genesis ceremony: draft, add founders, each founder signs, verify');

  genesis
    .command('new')
    .description('draft a genesis document with no organisation yet')
    .requiredOption('--chain-id <id>', 'chain id (lower-case a-z, 0-9, -)')
    .requiredOption('--out <file>', 'where to write the draft (refused if it exists)')
    .option('--genesis-time <time>', 'unix milliseconds or an ISO date (default: now)')
    .option('--currency <symbol>', 'symbol of the settlement unit', 'CNYS')
    .option('--voting-period <blocks>', 'blocks a governance proposal stays open (default 1000)')
    .option(
      '--threshold <n/d>',
      'share of organisations that must vote yes, e.g. 2/3 (default: more than 2/3)',
    )
    .option(
      '--no-commerce-standards',
      'leave the registry empty (the commerce standards are on chain by default)',
    )
    .option('--dev', 'a development network (may use development-only settings)')
    .addHelpText('after', '\nExample:\n  hanglian genesis new --chain-id silk-road-1 --out genesis.json\n')
    .action(
      async (opts: {
        chainId: string;
        out: string;
        genesisTime?: string;
        currency: string;
        votingPeriod?: string;
        threshold?: string;
        commerceStandards: boolean;
        dev?: boolean;
      }) => {
        if (existsSync(opts.out))
          throw new HanglianError(NodeErrors.CONFIG_INVALID, `${opts.out} exists: choose another --out`);
        let threshold: { thresholdNumerator: number; thresholdDenominator: number } | undefined;
        if (opts.threshold !== undefined) {
          const m = /^(\d+)\/(\d+)$/.exec(opts.threshold);
          if (m === null) throw new HanglianError(NodeErrors.CONFIG_INVALID, '--threshold is n/d, e.g. 2/3');
          threshold = { thresholdNumerator: Number(m[1]), thresholdDenominator: Number(m[2]) };
        }
        const registry = opts.commerceStandards
          ? (await import('@hanglian/commerce-standards')).commerceGenesisSection()
          : undefined;
        const votingPeriod = wholeNumber(opts.votingPeriod, '--voting-period', 1);
        const doc = newGenesis({
          chainId: opts.chainId,
          genesisTime: parseTime(opts.genesisTime),
          currencySymbol: opts.currency,
          ...(opts.dev ? { dev: true } : {}),
          ...(votingPeriod === undefined ? {} : { votingPeriodBlocks: votingPeriod }),
          ...(threshold ?? {}),
          ...(registry === undefined ? {} : { registry }),
        });
        writeGenesisFile(opts.out, doc);
        process.stdout.write(
          `drafted ${opts.chainId} in ${opts.out}; add each founder with: hanglian genesis add-org ${opts.out} CARD.json\n`,
        );
      },
    );

  genesis
    .command('add-org')
    .description('add a founding organisation from its public card (drops signatures made so far)')
    .argument('<genesis>', 'the genesis document')
    .argument('<card>', "the organisation's card.json (hanglian org init)")
    .option('--validator', "make the organisation's node a validator")
    .option('--power <n>', 'voting power of its validator', '10')
    .option('--issuer', 'it issues the settlement unit (needs the issuer role on its card)')
    .option(
      '--reserves <minor>',
      'with --issuer: attested opening reserves, minor units',
      String(DEFAULT_ISSUER_RESERVES),
    )
    .option('--balance <minor>', 'an opening balance of its operations account, backed by the first issuer')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian genesis add-org genesis.json ./paybank/card.json --validator --issuer --balance 100000000\n',
    )
    .action(
      (
        path: string,
        cardPath: string,
        opts: { validator?: boolean; power: string; issuer?: boolean; reserves: string; balance?: string },
      ) => {
        const card = readCard(cardPath);
        const power = opts.validator ? wholeNumber(opts.power, '--power', 1) : undefined;
        const reserves = opts.issuer ? wholeNumber(opts.reserves, '--reserves') : undefined;
        const balance = wholeNumber(opts.balance, '--balance');
        const { genesis: updated, droppedSignatures } = addOrganisationToGenesis(
          readGenesisFile(path),
          card,
          {
            ...(power === undefined ? {} : { validatorPower: power }),
            ...(reserves === undefined ? {} : { issuerReserves: reserves }),
            ...(balance === undefined ? {} : { openingBalance: balance }),
          },
        );
        writeGenesisFile(path, updated);
        process.stdout.write(
          `added ${card.id} (${card.roles.join(', ')})${power === undefined ? '' : `, validator with power ${power}`}${reserves === undefined ? '' : ', issuer'}\n`,
        );
        if (droppedSignatures > 0) {
          process.stderr.write(
            `note: ${droppedSignatures} signature(s) were for the document before this change and were removed; those founders sign again\n`,
          );
        }
      },
    );

  genesis
    .command('sign')
    .description("sign the genesis with your organisation's root key (in your own organisation directory)")
    .argument('<genesis>', 'the genesis document')
    .requiredOption('--dir <orgdir>', 'your organisation directory (hanglian org init)')
    .option('--passphrase-file <file>', 'key passphrase (default: HANGLIAN_PASSPHRASE, or the dev file)')
    .action((path: string, opts: { dir: string; passphraseFile?: string }) => {
      const card = readCard(`${opts.dir}/card.json`);
      const passphrase = resolveOrgPassphrase({
        dir: opts.dir,
        passphraseFile: opts.passphraseFile,
        envPassphrase: process.env.HANGLIAN_PASSPHRASE,
      });
      const doc = readGenesisFile(path);
      const signed = signGenesis(doc, card.id, readOrgKey(opts.dir, 'root', passphrase));
      writeGenesisFile(path, signed);
      const report = checkGenesisSignatures(signed);
      process.stdout.write(
        `${card.id} signed ${report.consentHash}; ${report.missing.length === 0 ? 'every founder has signed' : `still to sign: ${report.missing.join(', ')}`}\n`,
      );
    });

  genesis
    .command('verify')
    .description('check that every founder signed this document; print its hash')
    .argument('<genesis>', 'the genesis document')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, opts: { json?: boolean }) => {
      const doc = readGenesisFile(path);
      const report = checkGenesisSignatures(doc);
      // The whole document must also start a chain: the same check a node makes, before anyone waits
      // for a node to refuse it.
      const { checkGenesisStarts } = await import('@hanglian/node');
      const hash = checkGenesisStarts(doc);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ chainId: doc.chainId, genesisHash: hash, ...report })}\n`);
      } else {
        process.stdout.write(
          `${doc.chainId}: ${report.founders.length} founders (${report.founders.join(', ')}); signed by ${report.signed.length}\n`,
        );
        process.stdout.write(`what the founders sign: ${report.consentHash}\ngenesis hash: ${hash}\n`);
      }
      requireFoundersSigned(doc);
      if (!opts.json) process.stdout.write('every founder signed this document: nodes will start from it\n');
    });
}

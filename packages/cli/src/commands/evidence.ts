import { readFileSync, writeFileSync } from 'node:fs';
import {
  ed25519Sha256,
  HanglianError,
  hexToBytes,
  parseEvidenceBundle,
  type Validator,
  verifyEvidenceBundle,
} from '@hanglian/core';
import { NodeErrors } from '@hanglian/node/offline';
import { exportEvidence, validatorSetFromGenesis } from '@hanglian/sdk';
import type { Command } from 'commander';
import { type ReaderOptions, readerClient, withReaderOptions } from '../signing.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * Trusted validator sets from a file: a network's genesis.json (its genesis validators) or a JSON array
 * of sets, each an array of `{ publicKey (hex), power, org }`.
 */
function readTrustedSets(path: string): Validator[][] {
  const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const toSet = (list: Array<{ publicKey: string; power: number; org: string }>) =>
    list.map((v) => ({ publicKey: hexToBytes(v.publicKey), power: v.power, org: v.org }));
  const genesisValidators = (json as { modules?: { governance?: { validators?: unknown } } }).modules
    ?.governance?.validators;
  // The chain orders a validator set by address: the genesis lists it in another order.
  if (Array.isArray(genesisValidators)) return [validatorSetFromGenesis(json as never)];
  if (Array.isArray(json) && json.every(Array.isArray)) return (json as never[]).map(toSet);
  throw new HanglianError(
    NodeErrors.CONFIG_INVALID,
    `${path} is neither a genesis.json nor a list of validator sets`,
  );
}

export function registerEvidence(program: Command): void {
  const evidence = program.command('evidence').description('export and verify evidence bundles (证据先行)');
  withReaderOptions(
    evidence
      .command('export')
      .description(
        'pack transactions and state values with their proofs, headers and signatures into one file (a member key signs the reads)',
      ),
  )
    .option('--tx <id>', 'a committed transaction id (repeat for several)', collect, [])
    .option(
      '--path <key>',
      'a state key as text, e.g. settlement/balances/hl… (repeat for several)',
      collect,
      [],
    )
    .option('--title <text>', 'what the case is about', 'evidence')
    .requiredOption('--out <file>', 'where to write the bundle (JSON)')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian evidence export --network .hanglian/devnet --org regulator --tx 3f2a… --path items/items/isbn-1:b1:7 --out case.json\n',
    )
    .action(async (opts: ReaderOptions & { tx: string[]; path: string[]; title: string; out: string }) => {
      if (opts.tx.length === 0 && opts.path.length === 0) {
        throw new HanglianError(NodeErrors.BAD_REQUEST, 'name at least one --tx or --path');
      }
      const client = readerClient(opts);
      process.stderr.write(
        `exporting ${opts.tx.length} transactions and ${opts.path.length} state values…\n`,
      );
      const bundle = await exportEvidence(client, {
        title: opts.title,
        transactions: opts.tx,
        state: opts.path.map((path) => ({ path })),
      });
      writeFileSync(opts.out, `${JSON.stringify(bundle, null, 2)}\n`);
      process.stdout.write(
        `wrote ${opts.out}: ${bundle.items.length} items over ${bundle.heights.length} blocks of ${bundle.chainId}\n`,
      );
    });
  evidence
    .command('verify')
    .description('check a bundle offline: every item against a header, every header against its signatures')
    .argument('<file>', 'the bundle')
    .option('--validators <file>', 'trusted validator sets: a genesis.json, or a JSON list of sets')
    .option('--json', 'print the checks as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian evidence verify case.json --validators ./net/genesis.json\n',
    )
    .action((file: string, opts: { validators?: string; json?: boolean }) => {
      let bundle: ReturnType<typeof parseEvidenceBundle>;
      try {
        bundle = parseEvidenceBundle(JSON.parse(readFileSync(file, 'utf8')));
      } catch (error) {
        if (error instanceof HanglianError) throw error;
        throw new HanglianError(NodeErrors.BAD_REQUEST, `cannot read ${file}: ${(error as Error).message}`);
      }
      const trusted = opts.validators === undefined ? undefined : readTrustedSets(opts.validators);
      const verification = verifyEvidenceBundle(bundle, ed25519Sha256, trusted);
      if (opts.json) process.stdout.write(`${JSON.stringify(verification)}\n`);
      else {
        process.stdout.write(`${bundle.title} (${bundle.chainId})\n`);
        for (const c of verification.checks)
          process.stdout.write(`  ${c.ok ? '✓' : '✗'} ${c.subject}: ${c.reason ?? ''}\n`);
        if (trusted === undefined)
          process.stdout.write(
            '  (signers checked against the bundle’s own validator sets; pass --validators to pin them)\n',
          );
        process.stdout.write(verification.ok ? 'VERIFIED\n' : 'NOT VERIFIED\n');
      }
      if (!verification.ok) process.exitCode = 7;
    });
}

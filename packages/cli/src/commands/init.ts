import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HanglianError } from '@hanglian/core';
import { NodeErrors } from '@hanglian/node/offline';
import type { Command } from 'commander';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(
      'create a local network: one organisation directory per member (as `org init` makes it), a genesis every one signed (as in `genesis new/add-org/sign`), and which node runs where',
    )
    .requiredOption('--dir <dir>', 'directory to create (must be empty or absent)')
    .option('--chain-id <id>', 'chain id', 'hanglian-local')
    .option('--validators <n>', 'validator nodes to create', '1')
    .option('--full-nodes <n>', 'non-voting full nodes to create', '0')
    .option('--base-port <port>', 'first port; node i uses base+2i (API) and base+2i+1 (P2P)', '26650')
    .option(
      '--passphrase-file <file>',
      'encrypt keys with the passphrase in this file (production); without it a dev network is made and a random passphrase is written to DEV-ONLY-PASSPHRASE.txt',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  hanglian init --dir ./net\n  hanglian init --dir ./net --validators 4 --passphrase-file ./secret.txt\n',
    )
    .action(
      async (opts: {
        dir: string;
        chainId: string;
        validators: string;
        fullNodes: string;
        basePort: string;
        passphraseFile?: string;
        json?: boolean;
      }) => {
        const toInt = (name: string, raw: string) => {
          const n = Number(raw);
          if (!Number.isInteger(n) || n < 0)
            throw new HanglianError(NodeErrors.CONFIG_INVALID, `${name} must be a whole number`);
          return n;
        };
        const passphrase =
          opts.passphraseFile === undefined ? undefined : readFileSync(opts.passphraseFile, 'utf8').trim();
        const { initNetwork } = await import('@hanglian/node');
        const { commerceGenesisSection } = await import('@hanglian/commerce-standards');
        const result = initNetwork({
          dir: opts.dir,
          chainId: opts.chainId,
          validators: toInt('--validators', opts.validators),
          fullNodes: toInt('--full-nodes', opts.fullNodes),
          basePort: toInt('--base-port', opts.basePort),
          genesisTime: Date.now(),
          // The commerce standards are the industry chain's contract: on chain from the genesis.
          registry: commerceGenesisSection(),
          ...(passphrase === undefined ? {} : { passphrase }),
        });
        const summary = {
          dir: opts.dir,
          chainId: result.manifest.chainId,
          organisations: result.manifest.organisations.map((o) => o.id),
          organisationDirs: result.manifest.organisations.map((o) => join(opts.dir, o.dir)),
          nodes: result.manifest.nodes.map((n) => ({
            name: n.name,
            org: n.org,
            validator: n.validator,
            apiPort: n.apiPort,
          })),
          devPassphraseFile: result.devPassphraseFile ?? null,
        };
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(summary)}\n`);
          return;
        }
        process.stdout.write(`created network ${summary.chainId} in ${opts.dir}\n`);
        process.stdout.write(`  organisations: ${summary.organisations.join(', ')}\n`);
        process.stdout.write(
          `  each in its own directory, as \`hanglian org init\` makes it: ${join(opts.dir, 'orgs', '<id>')}\n`,
        );
        for (const n of summary.nodes)
          process.stdout.write(
            `  ${n.name} (${n.org}) ${n.validator ? 'validator' : 'full node'}, API port ${n.apiPort}\n`,
          );
        if (result.devPassphraseFile !== undefined) {
          process.stdout.write(
            `  DEVELOPMENT network: key passphrase in ${result.devPassphraseFile} (never do this in production)\n`,
          );
        }
        process.stdout.write(
          `start a node with: hanglian node start --dir ${opts.dir} --node node0 (or run them all: hanglian devnet --dir ${opts.dir})\n`,
        );
      },
    );
}

import { existsSync, readFileSync } from 'node:fs';
import { ed25519Sha256, HanglianError } from '@hanglian/core';
import { type KeystoreFile, NodeErrors, writeKeyFile } from '@hanglian/node/offline';
import type { Command } from 'commander';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('create and inspect encrypted key files');
  keys
    .command('new')
    .description('generate an Ed25519 key and write it encrypted (scrypt + AES-256-GCM)')
    .requiredOption('--out <file>', 'the key file to write (refuses to overwrite)')
    .requiredOption('--passphrase-file <file>', 'file holding the passphrase that encrypts the key')
    .option('--label <label>', 'a name stored in the file', 'key')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian keys new --out ./node-key.json --passphrase-file ./secret.txt --label node4\n',
    )
    .action((opts: { out: string; passphraseFile: string; label: string; json?: boolean }) => {
      if (existsSync(opts.out))
        throw new HanglianError(NodeErrors.CONFIG_INVALID, `${opts.out} exists: choose another file`);
      const passphrase = readFileSync(opts.passphraseFile, 'utf8').trim();
      const file = writeKeyFile(opts.out, ed25519Sha256.generateSigningKey(), passphrase, opts.label);
      const summary = { file: opts.out, label: file.label, publicKey: file.publicKey, address: file.address };
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(summary)}\n`
          : `wrote ${opts.out}\n  public key ${file.publicKey}\n  address    ${file.address}\n`,
      );
    });
  keys
    .command('show')
    .description('print the public key and address of a key file (no passphrase needed)')
    .argument('<file>', 'a key file')
    .option('--json', 'print as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      let parsed: KeystoreFile;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8')) as KeystoreFile;
      } catch (error) {
        throw new HanglianError(
          NodeErrors.KEYSTORE_INVALID,
          `cannot read ${file}: ${(error as Error).message}`,
        );
      }
      if (parsed.version !== 1 || typeof parsed.publicKey !== 'string') {
        throw new HanglianError(NodeErrors.KEYSTORE_INVALID, `${file} is not a Hanglian key file`);
      }
      const summary = { label: parsed.label, publicKey: parsed.publicKey, address: parsed.address };
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(summary)}\n`
          : `${parsed.label}\n  public key ${parsed.publicKey}\n  address    ${parsed.address}\n`,
      );
    });
}

/**
 * Member keys for commands that sign: a network directory (hanglian init) and an organisation's key
 * label, decrypted with the passphrase from a file, HANGLIAN_PASSPHRASE, or a dev network's dev file.
 */
import { join } from 'node:path';
import { HanglianError } from '@hanglian/core';
import { NodeErrors, readKeyFile, readManifest, resolvePassphrase } from '@hanglian/node';
import { memberSigner, type Signer } from '@hanglian/sdk';
import type { Command } from 'commander';

export interface MemberKeyOptions {
  network: string;
  org: string;
  /** Key label within the organisation: `ops` (default) or `admin`. */
  key: string;
  api?: string;
  passphraseFile?: string;
}

/** Adds the options every signing command takes; `defaultKey` is the label used without `--key`. */
export function withMemberKeyOptions(command: Command, defaultKey: 'ops' | 'admin' = 'ops'): Command {
  return command
    .requiredOption('--network <dir>', 'network directory (hanglian init) holding the member keys')
    .requiredOption('--org <org>', 'the organisation that signs')
    .option('--key <label>', 'which of its keys: ops or admin', defaultKey)
    .option('--api <url>', 'a node API (default: the first node of the network)')
    .option('--passphrase-file <file>', 'key passphrase (default: HANGLIAN_PASSPHRASE, or the dev file)');
}

export function loadMemberSigner(opts: MemberKeyOptions): { signer: Signer; api: string } {
  const manifest = readManifest(opts.network);
  const org = manifest.organisations.find((o) => o.id === opts.org);
  if (org === undefined)
    throw new HanglianError(NodeErrors.CONFIG_INVALID, `no organisation ${opts.org} in ${opts.network}`);
  const keyPath = org.keys[opts.key];
  if (keyPath === undefined) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `${opts.org} has no key "${opts.key}" (keys: ${Object.keys(org.keys).join(', ')})`,
    );
  }
  const passphrase = resolvePassphrase({
    dir: opts.network,
    manifest,
    passphraseFile: opts.passphraseFile,
    envPassphrase: process.env.HANGLIAN_PASSPHRASE,
  });
  const first = manifest.nodes[0];
  if (opts.api === undefined && first === undefined)
    throw new HanglianError(NodeErrors.CONFIG_INVALID, 'the network has no nodes');
  return {
    signer: memberSigner(readKeyFile(join(opts.network, keyPath), passphrase)),
    api: opts.api ?? `http://${first!.host}:${first!.apiPort}`,
  };
}

/** Parses a JSON argument, with an error that says which argument was wrong. */
export function parseJsonArgument(text: string | undefined, what: string): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HanglianError(NodeErrors.BAD_REQUEST, `${what} is not JSON: ${(error as Error).message}`);
  }
}

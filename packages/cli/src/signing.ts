/**
 * Member keys for commands that sign: a network directory (hanglian init) or an organisation's own
 * directory (hanglian org init), and an organisation's key label, decrypted with the passphrase from a
 * file, HANGLIAN_PASSPHRASE, or a dev network's dev file.
 */
import { join } from 'node:path';
import { HanglianError } from '@hanglian/core';
import {
  isOrganisationDir,
  NodeErrors,
  ORG_KEY_LABELS,
  type OrgKeyLabel,
  orgPaths,
  readCard,
  readKeyFile,
  readManifest,
  readOrgKey,
  resolveOrgPassphrase,
  resolvePassphrase,
} from '@hanglian/node/offline';
import { type Client, createClient, memberSigner, type Signer } from '@hanglian/sdk';
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
    .requiredOption(
      '--network <dir>',
      'network directory (hanglian init), or your organisation directory (hanglian org init), holding the key',
    )
    .requiredOption('--org <org>', 'the organisation that signs')
    .option('--key <label>', 'which of its keys: ops, admin or root', defaultKey)
    .option('--api <url>', "a node API (default: the network's first node, or your organisation's node)")
    .option('--passphrase-file <file>', 'key passphrase (default: HANGLIAN_PASSPHRASE, or the dev file)');
}

/**
 * The signer in an organisation directory (hanglian org init): `--network` names the directory, `--org`
 * must be its own id (a key of one organisation is never used as another's), the API defaults to its
 * own node's.
 */
function loadOrganisationSigner(opts: MemberKeyOptions): { signer: Signer; api: string } {
  const card = readCard(orgPaths.card(opts.network));
  if (card.id !== opts.org) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `${opts.network} is the directory of ${card.id}, not of ${opts.org}`,
    );
  }
  if (!(ORG_KEY_LABELS as readonly string[]).includes(opts.key)) {
    throw new HanglianError(
      NodeErrors.CONFIG_INVALID,
      `${opts.org} has no key "${opts.key}" (keys: ${ORG_KEY_LABELS.join(', ')})`,
    );
  }
  const passphrase = resolveOrgPassphrase({
    dir: opts.network,
    passphraseFile: opts.passphraseFile,
    envPassphrase: process.env.HANGLIAN_PASSPHRASE,
  });
  return {
    signer: memberSigner(readOrgKey(opts.network, opts.key as OrgKeyLabel, passphrase)),
    api: opts.api ?? `http://${card.api}`,
  };
}

export function loadMemberSigner(opts: MemberKeyOptions): { signer: Signer; api: string } {
  if (isOrganisationDir(opts.network)) return loadOrganisationSigner(opts);
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

export interface ReaderOptions {
  api?: string;
  network?: string;
  org?: string;
  key: string;
  passphraseFile?: string;
}

/**
 * Adds the options of a command that reads: `--api`, and optionally a member key (`--network` and
 * `--org`) that signs members-only reads (blocks, balances, order queues, 带数); public reads need none.
 */
export function withReaderOptions(command: Command): Command {
  return command
    .option('--api <url>', 'a node API (default: the first node of --network)')
    .option(
      '--network <dir>',
      'network or organisation directory holding the member key that signs members-only reads',
    )
    .option('--org <org>', 'the organisation whose key signs members-only reads')
    .option('--key <label>', 'which of its keys: ops or admin', 'ops')
    .option('--passphrase-file <file>', 'key passphrase (default: HANGLIAN_PASSPHRASE, or the dev file)');
}

/** A client for reading: signed by the member key when `--network` and `--org` are given. */
export function readerClient(opts: ReaderOptions): Client {
  if (opts.network !== undefined && opts.org !== undefined) {
    const { signer, api } = loadMemberSigner({ ...opts, network: opts.network, org: opts.org });
    return createClient({ url: api, reader: signer });
  }
  if (opts.api === undefined) {
    throw new HanglianError(
      NodeErrors.BAD_REQUEST,
      'give --api, or --network and --org (members-only reads are signed by a member key)',
    );
  }
  return createClient({ url: opts.api });
}

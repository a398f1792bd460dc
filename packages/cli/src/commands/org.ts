/**
 * `hanglian org`: an organisation of the consortium. `init` makes its keys and public card on its own
 * machine; the `propose-*` commands and `vote` are governance (admission, validators, suspension,
 * expulsion, software upgrades); `register` certifies an admitted organisation's own keys with its root key;
 * `rotate-key` moves an identity to a new key; `rotate-node-key` moves the organisation's node (and its
 * validator) to a new key with the root key; `rotate-root-key` moves the root key itself and its
 * organisation directory (key files, card) with it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { addressFromPublicKey, bytesToHex, HanglianError, hexToBytes } from '@hanglian/core';
import {
  completeNodeKeyRotation,
  completeRootKeyRotation,
  initOrganisation,
  isOrganisationDir,
  NodeErrors,
  nextNodeKey,
  nextRootKey,
  orgPaths,
  readCard,
  readKeyFile,
  readOrgKey,
  resolveOrgPassphrase,
} from '@hanglian/node/offline';
import {
  createClient,
  governance,
  identity,
  memberSigner,
  type ProposalAction,
  query,
  settlement,
  signAndSubmit,
} from '@hanglian/sdk';
import type { Command } from 'commander';
import { loadMemberSigner, type MemberKeyOptions, withMemberKeyOptions } from '../signing.js';
import type { CliBuild } from './node.js';

/** Submits a proposal and prints its id (the proposer's organisation has voted yes by proposing). */
async function propose(opts: MemberKeyOptions, title: string, action: ProposalAction): Promise<void> {
  const { signer, api } = loadMemberSigner(opts);
  const outcome = await signAndSubmit(createClient({ url: api }), {
    signer,
    ...governance.submitProposal({ title, action }),
  });
  const status = outcome.status;
  const events = status.status === 'committed' ? status.result.events : [];
  const submitted = events.find((e) => e.name === 'proposalSubmitted');
  const closed = events.find((e) => e.name === 'proposalClosed');
  process.stdout.write(
    `proposal ${(submitted?.data as { id?: number } | undefined)?.id ?? '?'} submitted in ${outcome.txId}` +
      `${closed === undefined ? '' : `; it closed at once: ${(closed.data as { status: string }).status}`}\n`,
  );
}

function wholeNumber(raw: string, name: string, min: number): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min)
    throw new HanglianError(NodeErrors.BAD_REQUEST, `${name} must be a whole number ≥ ${min}`);
  return n;
}

/**
 * Options of a proposal about another organisation (`--org` names that one): the proposer is the
 * organisation whose directory `--network` is, or `--as ORG` in a network directory.
 */
type ProposerOptions = Omit<MemberKeyOptions, 'org'> & { as?: string };

function withProposerOptions(command: Command): Command {
  return command
    .requiredOption(
      '--network <dir>',
      'your organisation directory (hanglian org init), or a network directory (hanglian init) with --as',
    )
    .option('--as <org>', 'the organisation that proposes (default: the one whose directory --network is)')
    .option('--key <label>', 'which of its keys signs', 'admin')
    .option('--api <url>', "a node API (default: your organisation's node, or the network's first)")
    .option('--passphrase-file <file>', 'key passphrase (default: HANGLIAN_PASSPHRASE, or the dev file)');
}

function proposerOf(raw: ProposerOptions): MemberKeyOptions {
  const proposer =
    raw.as ?? (isOrganisationDir(raw.network) ? readCard(orgPaths.card(raw.network)).id : undefined);
  if (proposer === undefined) {
    throw new HanglianError(
      NodeErrors.BAD_REQUEST,
      '--network is a network directory: say who proposes with --as ORG',
    );
  }
  const { as: _as, ...rest } = raw;
  return { ...rest, org: proposer };
}

interface IdentityView {
  publicKey: string;
  kind: string;
  status: string;
}

/** What `governance.upgrades` answers (the state machine's UpgradesView, as JSON). */
interface UpgradesAnswer {
  applied: Array<{ name: string; height: number }>;
  scheduled: { name: string; height: number; info?: string; scheduledAt: number } | null;
}

export function registerOrg(program: Command, build: CliBuild = {}): void {
  const org = program
    .command('org')
    .description(
      'your organisation and the consortium: keys and card, admission, validators, suspension and expulsion, upgrades, votes, node and root key rotation',
    );

  org
    .command('init')
    .description(
      'create your organisation on your own machine: encrypted root, admin, operations, node and encryption keys, and its public card',
    )
    .requiredOption('--dir <orgdir>', 'directory to create (must be empty or absent); secrets never leave it')
    .requiredOption('--id <id>', 'organisation id (lower-case a-z, 0-9, -)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--roles <roles>', 'comma-separated business roles, e.g. merchant,distributor')
    .option(
      '--passphrase-file <file>',
      'encrypt the keys with the passphrase in this file (else HANGLIAN_PASSPHRASE)',
    )
    .option('--dev', 'DEV ONLY: no passphrase given: make one and write it beside the keys')
    .option('--p2p <host:port>', 'where other nodes reach your node', '127.0.0.1:26656')
    .option('--api <host:port>', "where your node's API listens", '127.0.0.1:26657')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian org init --dir ./acme --id acme --name "Acme Trading" --roles merchant,distributor --passphrase-file ./acme.pass --p2p 10.0.0.5:26656 --api 10.0.0.5:26657\n',
    )
    .action(
      (opts: {
        dir: string;
        id: string;
        name: string;
        roles: string;
        passphraseFile?: string;
        dev?: boolean;
        p2p: string;
        api: string;
      }) => {
        let passphrase: string | undefined;
        if (opts.passphraseFile !== undefined || (process.env.HANGLIAN_PASSPHRASE ?? '') !== '') {
          passphrase = resolveOrgPassphrase({
            dir: opts.dir,
            passphraseFile: opts.passphraseFile,
            envPassphrase: process.env.HANGLIAN_PASSPHRASE,
          });
        } else if (!opts.dev) {
          throw new HanglianError(
            NodeErrors.CONFIG_INVALID,
            'give --passphrase-file FILE (or HANGLIAN_PASSPHRASE); --dev writes a passphrase beside the keys',
          );
        }
        const result = initOrganisation({
          dir: opts.dir,
          id: opts.id,
          name: opts.name,
          roles: opts.roles
            .split(',')
            .map((r) => r.trim())
            .filter((r) => r !== ''),
          p2p: opts.p2p,
          api: opts.api,
          ...(passphrase === undefined ? {} : { passphrase }),
        });
        process.stdout.write(
          `created ${result.card.id} in ${opts.dir}\n  node key ${result.card.nodePublicKey}\n  public card: ${orgPaths.card(opts.dir)} (send this, and only this, to the consortium)\n`,
        );
        if (result.devPassphraseFile !== undefined) {
          process.stdout.write(`  DEVELOPMENT keys: passphrase in ${result.devPassphraseFile}\n`);
        }
      },
    );

  org
    .command('card')
    .description("print an organisation's public card after checking its root signature")
    .argument('<card>', 'card.json, or an organisation directory')
    .action((path: string) => {
      const card = readCard(path.endsWith('.json') ? path : orgPaths.card(path));
      process.stdout.write(`${JSON.stringify(card, null, 2)}\n`);
    });

  withMemberKeyOptions(
    org
      .command('propose-admission')
      .description('propose admitting a new organisation (signed by an admin of a member organisation)')
      .option(
        '--card <file>',
        "the applicant's public card (hanglian org init): id, name, roles and root key",
      )
      .option('--id <id>', 'without --card: the new organisation id')
      .option('--name <name>', 'without --card: its display name')
      .option('--roles <roles>', 'without --card: comma-separated business roles, e.g. merchant,distributor')
      .option(
        '--root-key <hex>',
        "without --card: the public key of its root key (see 'hanglian keys show')",
      ),
    'admin',
  )
    .addHelpText(
      'after',
      '\nExamples:\n  hanglian org propose-admission --card ./newshop-card.json --network ./acme --org acme\n  hanglian org propose-admission --id newshop --name "New Shop" --roles merchant --root-key 3a… --network ./net --org regulator --key admin\n',
    )
    .action(
      async (
        opts: MemberKeyOptions & {
          card?: string;
          id?: string;
          name?: string;
          roles?: string;
          rootKey?: string;
        },
      ) => {
        let applicant: { id: string; name: string; roles: string[]; rootKey: string };
        if (opts.card !== undefined) {
          const card = readCard(opts.card);
          applicant = { id: card.id, name: card.name, roles: [...card.roles], rootKey: card.rootPublicKey };
        } else if (
          opts.id !== undefined &&
          opts.name !== undefined &&
          opts.roles !== undefined &&
          opts.rootKey !== undefined
        ) {
          applicant = {
            id: opts.id,
            name: opts.name,
            roles: opts.roles.split(',').map((r) => r.trim()),
            rootKey: opts.rootKey,
          };
        } else {
          throw new HanglianError(
            NodeErrors.BAD_REQUEST,
            'give --card, or --id, --name, --roles and --root-key',
          );
        }
        await propose(opts, `admit ${applicant.id}`, {
          type: 'admitOrganisation',
          id: applicant.id,
          name: applicant.name,
          roles: applicant.roles,
          rootPublicKey: hexToBytes(applicant.rootKey),
        });
      },
    );

  org
    .command('register')
    .description(
      "once admitted: certify your organisation's admin, operations and node keys and publish its encryption key (signed by your root key)",
    )
    .requiredOption('--dir <orgdir>', 'your organisation directory (hanglian org init)')
    .requiredOption('--api <url>', "a member node's API")
    .option('--passphrase-file <file>', 'key passphrase (default: HANGLIAN_PASSPHRASE, or the dev file)')
    .action(async (opts: { dir: string; api: string; passphraseFile?: string }) => {
      const card = readCard(orgPaths.card(opts.dir));
      const passphrase = resolveOrgPassphrase({
        dir: opts.dir,
        passphraseFile: opts.passphraseFile,
        envPassphrase: process.env.HANGLIAN_PASSPHRASE,
      });
      const signer = memberSigner(readOrgKey(opts.dir, 'root', passphrase));
      const client = createClient({ url: opts.api });
      const calls = [
        identity.certifyIdentity({
          publicKey: hexToBytes(card.adminPublicKey),
          kind: 'service',
          permissions: ['admin', 'transact'],
        }),
        identity.certifyIdentity({
          publicKey: hexToBytes(card.opsPublicKey),
          kind: 'service',
          permissions: ['transact'],
        }),
        identity.certifyIdentity({
          publicKey: hexToBytes(card.nodePublicKey),
          kind: 'node',
          permissions: ['transact'],
        }),
        identity.setEncryptionKey({ publicKey: hexToBytes(card.encryptionPublicKey) }),
      ];
      // One after the other: each waits for its commit, so the nonces follow.
      for (const call of calls) await signAndSubmit(client, { signer, ...call });
      process.stdout.write(
        `${card.id}: admin, operations and node keys certified, encryption key published; its node may now join\n`,
      );
    });

  withProposerOptions(
    org
      .command('propose-validator')
      .description("propose making an organisation's node a validator with a power (0 removes it)")
      .requiredOption('--org <id>', 'the organisation whose node it is')
      .requiredOption('--power <n>', 'voting power; 0 removes the validator')
      .option(
        '--node-key <hex>',
        "its node key (default: the organisation's one active node identity on chain)",
      ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  hanglian org propose-validator --org newshop --power 10 --network ./acme\n  hanglian org propose-validator --org oldco --power 0 --network ./acme\n',
    )
    .action(async (raw: ProposerOptions & { org: string; power: string; nodeKey?: string }) => {
      const opts = { ...proposerOf(raw), target: raw.org, nodeKey: raw.nodeKey };
      const power = wholeNumber(raw.power, '--power', 0);
      let nodeKey = opts.nodeKey;
      if (nodeKey === undefined) {
        const { api } = loadMemberSigner(opts);
        const client = createClient({ url: api });
        if (power === 0) {
          // Removing: the key that is in the set now.
          const { result } = await query<{ current: Array<{ publicKey: string; org: string }> }>(client, {
            module: 'governance',
            name: 'validators',
          });
          const keys = result.current.filter((v) => v.org === opts.target).map((v) => v.publicKey);
          if (keys.length !== 1) {
            throw new HanglianError(
              NodeErrors.BAD_REQUEST,
              `${opts.target} has ${keys.length} validators: name one with --node-key`,
            );
          }
          nodeKey = keys[0];
        } else {
          const { result } = await query<IdentityView[]>(client, {
            module: 'identity',
            name: 'members',
            params: { org: opts.target },
          });
          const nodes = result.filter((i) => i.kind === 'node' && i.status === 'active');
          if (nodes.length !== 1) {
            throw new HanglianError(
              NodeErrors.BAD_REQUEST,
              `${opts.target} has ${nodes.length} active node identities: name one with --node-key`,
            );
          }
          nodeKey = nodes[0]!.publicKey;
        }
      }
      await propose(
        opts,
        power === 0
          ? `remove the validator of ${opts.target}`
          : `validator of ${opts.target} at power ${power}`,
        { type: 'setValidator', publicKey: hexToBytes(nodeKey!), power, org: opts.target },
      );
    });

  withProposerOptions(
    org
      .command('propose-suspension')
      .description(
        'propose suspending an organisation (its transactions, reads and node links are refused from the commit that suspends it)',
      )
      .requiredOption('--org <id>', 'the organisation to suspend (or reinstate)')
      .option('--reinstate', 'propose making it active again instead'),
  ).action(async (raw: ProposerOptions & { org: string; reinstate?: boolean }) => {
    await propose(
      proposerOf(raw),
      `${raw.reinstate ? 'reinstate' : 'suspend'} ${raw.org}`,
      raw.reinstate
        ? { type: 'reinstateOrganisation', org: raw.org }
        : { type: 'suspendOrganisation', org: raw.org },
    );
  });

  withProposerOptions(
    org
      .command('propose-expulsion')
      .description(
        'propose expelling an organisation for good: refused everywhere from that commit like a suspension, its validators leave the set two blocks later, and it is never reinstated or readmitted under its id',
      )
      .requiredOption('--org <id>', 'the organisation to expel'),
  ).action(async (raw: ProposerOptions & { org: string }) => {
    await propose(proposerOf(raw), `expel ${raw.org}`, { type: 'expelOrganisation', org: raw.org });
  });

  withMemberKeyOptions(
    org
      .command('propose-upgrade')
      .description(
        'propose a software upgrade: at the height, every node without the named upgrade stops; the new release continues from the same data',
      )
      .option('--name <upgrade>', 'the upgrade name the new release carries')
      .option('--height <h>', 'the first block the new release executes')
      .option('--info <text>', 'where to get the release (≤ 200 characters)')
      .option('--cancel', 'withdraw the scheduled upgrade instead'),
    'admin',
  )
    .addHelpText(
      'after',
      '\nExample:\n  hanglian org propose-upgrade --name v0.2 --height 5000 --info "hanglian 0.2.0, sha256 …" --network ./acme --org acme\n',
    )
    .action(
      async (
        opts: MemberKeyOptions & { name?: string; height?: string; info?: string; cancel?: boolean },
      ) => {
        if (opts.cancel) {
          await propose(opts, 'cancel the scheduled upgrade', { type: 'cancelUpgrade' });
          return;
        }
        if (opts.name === undefined || opts.height === undefined)
          throw new HanglianError(NodeErrors.BAD_REQUEST, 'give --name and --height (or --cancel)');
        const height = wholeNumber(opts.height, '--height', 1);
        await propose(opts, `upgrade to ${opts.name} at ${height}`, {
          type: 'scheduleUpgrade',
          name: opts.name,
          height,
          ...(opts.info === undefined ? {} : { info: opts.info }),
        });
      },
    );

  org
    .command('proposals')
    .description('list proposals (open first), or show one')
    .requiredOption('--api <url>', 'a node API')
    .option('--id <n>', 'one proposal')
    .option('--json', 'print JSON')
    .action(async (opts: { api: string; id?: string; json?: boolean }) => {
      const client = createClient({ url: opts.api });
      const { result } =
        opts.id === undefined
          ? await query<unknown[]>(client, { module: 'governance', name: 'proposals' })
          : await query<unknown>(client, {
              module: 'governance',
              name: 'proposal',
              params: { id: wholeNumber(opts.id, '--id', 1) },
            });
      const list = (Array.isArray(result) ? result : [result]) as Array<{
        id: number;
        title: string;
        status: string;
        yes: string[];
        no: string[];
      } | null>;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      for (const p of list) {
        if (p === null) continue;
        process.stdout.write(
          `${String(p.id).padStart(4)}  ${p.status.padEnd(8)}  yes ${p.yes.join(',') || '-'}  no ${p.no.join(',') || '-'}  ${p.title}\n`,
        );
      }
    });

  org
    .command('upgrades')
    .description(
      'the software upgrades the chain runs (born with, or taken at a height), the one scheduled, and whether this release carries them',
    )
    .requiredOption('--api <url>', 'a node API')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  hanglian org upgrades --api http://127.0.0.1:26657\n')
    .action(async (opts: { api: string; json?: boolean }) => {
      const client = createClient({ url: opts.api });
      const { result } = await query<UpgradesAnswer>(client, { module: 'governance', name: 'upgrades' });
      // The node package is heavy to load: only this command needs its list.
      const carried = build.softwareUpgrades ?? (await import('@hanglian/node')).SOFTWARE_UPGRADES;
      const missing = [
        ...result.applied.map((u) => u.name),
        ...(result.scheduled ? [result.scheduled.name] : []),
      ].filter((name) => !carried.includes(name));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...result, carried, missing })}\n`);
        return;
      }
      const out: string[] = ['in effect:'];
      for (const u of result.applied) {
        out.push(`  ${u.name.padEnd(24)} ${u.height === 0 ? 'since genesis' : `since height ${u.height}`}`);
      }
      if (result.applied.length === 0) out.push('  none');
      const plan = result.scheduled;
      out.push(
        plan === null
          ? 'scheduled: none'
          : `scheduled: ${plan.name} at height ${plan.height}${plan.info === undefined ? '' : ` (${plan.info})`}`,
      );
      out.push(`this release carries: ${carried.join(', ') || 'none'}`);
      if (missing.length > 0) {
        out.push(
          `this release lacks ${missing.join(', ')}: its node stops at (or refuses) the chain; install the release that carries ${missing.length === 1 ? 'it' : 'them'}`,
        );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });

  withMemberKeyOptions(
    org
      .command('vote')
      .description("cast your organisation's vote on a proposal (an admin key)")
      .argument('<proposal>', 'proposal id')
      .argument('<vote>', 'yes or no'),
    'admin',
  ).action(async (proposal: string, vote: string, opts: MemberKeyOptions) => {
    if (vote !== 'yes' && vote !== 'no')
      throw new HanglianError(NodeErrors.BAD_REQUEST, 'the vote is yes or no');
    const { signer, api } = loadMemberSigner(opts);
    const outcome = await signAndSubmit(createClient({ url: api }), {
      signer,
      ...governance.vote({ proposalId: Number(proposal), vote }),
    });
    const status = outcome.status;
    const closed =
      status.status === 'committed'
        ? status.result.events.find((e) => e.name === 'proposalClosed')
        : undefined;
    process.stdout.write(
      `voted ${vote} on ${proposal}${closed === undefined ? '' : `; the proposal closed: ${JSON.stringify(closed.data)}`}\n`,
    );
  });

  org
    .command('rotate-node-key')
    .description(
      "move your organisation's node to a new node key, signed by your root key (no vote): links from the old key are refused from the commit; a validator's new key signs two blocks later with the same power",
    )
    .requiredOption('--dir <orgdir>', 'your organisation directory (hanglian org init)')
    .requiredOption('--api <url>', "a member node's API (another member's if your node is down)")
    .option('--passphrase-file <file>', 'key passphrase (default: HANGLIAN_PASSPHRASE, or the dev file)')
    .option('--old-key <hex>', 'the node key to replace (default: the one on your card)')
    .addHelpText(
      'after',
      '\nExample (then restart your node: it starts with the new key):\n  hanglian org rotate-node-key --dir /var/lib/hanglian/acme --api http://10.0.0.3:26657 --passphrase-file /etc/hanglian/acme.pass\n',
    )
    .action(async (opts: { dir: string; api: string; passphraseFile?: string; oldKey?: string }) => {
      const card = readCard(orgPaths.card(opts.dir));
      const passphrase = resolveOrgPassphrase({
        dir: opts.dir,
        passphraseFile: opts.passphraseFile,
        envPassphrase: process.env.HANGLIAN_PASSPHRASE,
      });
      const oldKey = opts.oldKey ?? card.nodePublicKey;
      if (!/^[0-9a-f]{64}$/.test(oldKey))
        throw new HanglianError(NodeErrors.BAD_REQUEST, '--old-key is 64 hex');
      const root = memberSigner(readOrgKey(opts.dir, 'root', passphrase));
      // Made (or, after an interrupted attempt, read back) before anything is submitted.
      const madeNow = !existsSync(orgPaths.nextNodeKey(opts.dir));
      const next = nextNodeKey(opts.dir, passphrase);
      const client = createClient({ url: opts.api });
      const rotatedAlready = async (): Promise<boolean> => {
        const { result } = await query<{ rotatedTo?: string } | null>(client, {
          module: 'identity',
          name: 'identity',
          params: { address: addressFromPublicKey(hexToBytes(oldKey)) },
        });
        return result?.rotatedTo === addressFromPublicKey(next.publicKey);
      };
      let done: string;
      try {
        const outcome = await signAndSubmit(client, {
          signer: root,
          actors: [memberSigner(next)],
          ...governance.rotateNodeKey({ from: hexToBytes(oldKey), to: next.publicKey }),
        });
        const status = outcome.status;
        if (status.status !== 'committed') {
          // Not known to be committed: the key files stay as they are until it is.
          throw new HanglianError(
            NodeErrors.BAD_REQUEST,
            `the rotation ${outcome.txId} is ${status.status}, not committed yet: run the same command again to finish it (the new key is kept in ${orgPaths.nextNodeKey(opts.dir)})`,
          );
        }
        const event = status.result.events.find((e) => e.name === 'nodeKeyRotated');
        const validator = (event?.data as { validator?: { power: number; activatesAt: number } } | undefined)
          ?.validator;
        done =
          `rotated in ${outcome.txId} at height ${status.height}` +
          (validator === undefined
            ? ''
            : `\n  validator: the new key signs from block ${validator.activatesAt} with power ${validator.power}`);
      } catch (error) {
        // An earlier attempt may have committed and stopped before its files were moved: finish it.
        if (!(await rotatedAlready())) {
          // Refused for certain (at admission, or failed in a block): a key made by this attempt was never
          // used. Anything else (a timeout) may still commit, so the key is kept for the next attempt.
          const details = (error as HanglianError).details as { committed?: boolean } | undefined;
          if (madeNow && details?.committed !== undefined)
            rmSync(orgPaths.nextNodeKey(opts.dir), { force: true });
          throw error;
        }
        done = 'rotation had already committed; its files are now moved';
      }
      const updated = completeNodeKeyRotation(opts.dir, passphrase);
      process.stdout.write(
        `${card.id}: node key ${done}\n  old ${oldKey} (refused by every node from that commit)\n  new ${updated.nodePublicKey} (${orgPaths.nodeKey(opts.dir)}; card.json updated)\n  now restart your node (hanglian node start --dir ${opts.dir} …): it runs with the new key\n`,
      );
    });

  org
    .command('rotate-root-key')
    .description(
      "move your organisation's root key to a new key (no vote, no restart): the old root signs, the new one co-signs; from that commit the chain knows only the new root, and the old root's balance (where your shares are paid unless you set a payee) is moved to the new one first",
    )
    .requiredOption('--dir <orgdir>', 'your organisation directory (hanglian org init)')
    .requiredOption('--api <url>', 'a member node API')
    .option('--passphrase-file <file>', 'key passphrase (default: HANGLIAN_PASSPHRASE, or the dev file)')
    .addHelpText(
      'after',
      '\nExample (nothing to restart: the node never uses the root key):\n  hanglian org rotate-root-key --dir /var/lib/hanglian/acme --api http://10.0.0.3:26657 --passphrase-file /etc/hanglian/acme.pass\n',
    )
    .action(async (opts: { dir: string; api: string; passphraseFile?: string }) => {
      const card = readCard(orgPaths.card(opts.dir));
      const passphrase = resolveOrgPassphrase({
        dir: opts.dir,
        passphraseFile: opts.passphraseFile,
        envPassphrase: process.env.HANGLIAN_PASSPHRASE,
      });
      const oldKey = readOrgKey(opts.dir, 'root', passphrase);
      if (bytesToHex(oldKey.publicKey) !== card.rootPublicKey) {
        throw new HanglianError(
          NodeErrors.CONFIG_INVALID,
          `${orgPaths.key(opts.dir, 'root')} is not the root key ${orgPaths.card(opts.dir)} names`,
        );
      }
      const root = memberSigner(oldKey);
      // Made (or, after an interrupted attempt, read back) before anything is submitted.
      const madeNow = !existsSync(orgPaths.nextRootKey(opts.dir));
      const next = nextRootKey(opts.dir, passphrase);
      const oldAddress = addressFromPublicKey(oldKey.publicKey);
      const newAddress = addressFromPublicKey(next.publicKey);
      const client = createClient({ url: opts.api, reader: root });
      const rotatedAlready = async (): Promise<boolean> => {
        const { result } = await query<{ rotatedTo?: string } | null>(client, {
          module: 'identity',
          name: 'identity',
          params: { address: oldAddress },
        });
        return result?.rotatedTo === newAddress;
      };
      const lines: string[] = [];
      const committedOrThrow = (outcome: { txId: string; status: { status: string } }, what: string) => {
        if (outcome.status.status !== 'committed') {
          throw new HanglianError(
            NodeErrors.BAD_REQUEST,
            `${what} ${outcome.txId} is ${outcome.status.status}, not committed yet: run the same command again to finish it (the new key is kept in ${orgPaths.nextRootKey(opts.dir)})`,
          );
        }
      };
      if (await rotatedAlready()) {
        lines.push('the rotation had already committed; its files are now moved');
      } else {
        try {
          // Shares are paid to the root's address unless a payee is set: what is there moves with it
          // (the old key is revoked by the rotation and can never sign again).
          const { result: balance } = await query<{ amount: number }>(client, {
            module: 'settlement',
            name: 'balance',
            params: { address: oldAddress },
          });
          if (balance.amount > 0) {
            const moved = await signAndSubmit(client, {
              signer: root,
              ...settlement.transfer({ to: newAddress, amount: balance.amount, memo: 'root key rotation' }),
            });
            committedOrThrow(moved, 'the balance transfer');
            lines.push(`  balance ${balance.amount} moved to the new root in ${moved.txId}`);
          }
          const outcome = await signAndSubmit(client, {
            signer: root,
            actors: [memberSigner(next)],
            ...identity.rotateKey({ newPublicKey: next.publicKey }),
          });
          committedOrThrow(outcome, 'the rotation');
          const status = outcome.status as { height?: number };
          lines.unshift(`rotated in ${outcome.txId} at height ${status.height ?? '?'}`);
        } catch (error) {
          if (!(await rotatedAlready())) {
            // Refused for certain: a key made by this attempt was never used. Anything else (a timeout)
            // may still commit, so the key is kept for the next attempt.
            const details = (error as HanglianError).details as { committed?: boolean } | undefined;
            if (madeNow && details?.committed !== undefined)
              rmSync(orgPaths.nextRootKey(opts.dir), { force: true });
            throw error;
          }
          lines.unshift('rotation had already committed; its files are now moved');
        }
      }
      const updated = completeRootKeyRotation(opts.dir, passphrase);
      process.stdout.write(
        `${card.id}: root key ${lines.join('\n')}\n  old ${card.rootPublicKey} (revoked from that commit; kept in ${orgPaths.retiredKeys(opts.dir)})\n  new ${updated.rootPublicKey} (${orgPaths.key(opts.dir, 'root')}; card.json signed by it)\n  back up the new root key now, and keep it offline\n`,
      );
    });

  withMemberKeyOptions(
    org
      .command('rotate-key')
      .description(
        'move an identity to a new key (the old key submits, the new one co-signs to prove possession)',
      )
      .requiredOption('--new-key <file>', 'the new key file (hanglian keys new)')
      .requiredOption('--new-passphrase-file <file>', 'its passphrase'),
  ).action(async (opts: MemberKeyOptions & { newKey: string; newPassphraseFile: string }) => {
    const { signer, api } = loadMemberSigner(opts);
    const next = readKeyFile(opts.newKey, readFileSync(opts.newPassphraseFile, 'utf8').trim());
    const outcome = await signAndSubmit(createClient({ url: api }), {
      signer,
      actors: [memberSigner(next)],
      ...identity.rotateKey({ newPublicKey: next.publicKey }),
    });
    process.stdout.write(`rotated to ${bytesToHex(next.publicKey)} in ${outcome.txId}\n`);
  });
}

import { readFileSync } from 'node:fs';
import { bytesToHex, HanglianError, hexToBytes } from '@hanglian/core';
import { NodeErrors, readKeyFile } from '@hanglian/node/offline';
import { createClient, governance, identity, memberSigner, signAndSubmit } from '@hanglian/sdk';
import type { Command } from 'commander';
import { loadMemberSigner, type MemberKeyOptions, withMemberKeyOptions } from '../signing.js';

export function registerOrg(program: Command): void {
  const org = program
    .command('org')
    .description('consortium membership: admission by vote, votes, key rotation');

  withMemberKeyOptions(
    org
      .command('propose-admission')
      .description('propose admitting a new organisation (signed by an admin of a member organisation)')
      .requiredOption('--id <id>', 'the new organisation id')
      .requiredOption('--name <name>', 'its display name')
      .requiredOption('--roles <roles>', 'comma-separated business roles, e.g. merchant,distributor')
      .requiredOption('--root-key <hex>', "the public key of its root key (see 'hanglian keys show')"),
  )
    .addHelpText(
      'after',
      '\nExample:\n  hanglian org propose-admission --id newshop --name "New Shop" --roles merchant --root-key 3a… --network ./net --org regulator --key admin\n',
    )
    .action(async (opts: MemberKeyOptions & { id: string; name: string; roles: string; rootKey: string }) => {
      const { signer, api } = loadMemberSigner(opts);
      const call = governance.submitProposal({
        title: `admit ${opts.id}`,
        action: {
          type: 'admitOrganisation',
          id: opts.id,
          name: opts.name,
          roles: opts.roles.split(',').map((r) => r.trim()),
          rootPublicKey: hexToBytes(opts.rootKey),
        },
      });
      const outcome = await signAndSubmit(createClient({ url: api }), { signer, ...call });
      const status = outcome.status;
      const submitted =
        status.status === 'committed'
          ? status.result.events.find((e) => e.name === 'proposalSubmitted')
          : undefined;
      process.stdout.write(
        `proposal ${(submitted?.data as { id?: number } | undefined)?.id ?? '?'} submitted in ${outcome.txId}\n`,
      );
    });

  withMemberKeyOptions(
    org
      .command('vote')
      .description("cast your organisation's vote on a proposal (an admin key)")
      .argument('<proposal>', 'proposal id')
      .argument('<vote>', 'yes or no'),
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

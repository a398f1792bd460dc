/**
 * Linking industry chains (README "Linking industry chains"): `hanglian link propose` asks this chain's
 * consortium to admit a light client of another chain, trusted from that chain's genesis file; `hanglian
 * relay` carries headers, messages and receipts between two chains, as any member may.
 */
import { HanglianError, hexToBytes } from '@hanglian/core';
import { NodeErrors, readGenesis } from '@hanglian/node/offline';
import {
  createClient,
  createRelayer,
  genesisHashOf,
  governance,
  type RelayEvent,
  signAndSubmit,
  validatorSetFromGenesis,
} from '@hanglian/sdk';
import type { Command } from 'commander';
import { loadMemberSigner, type MemberKeyOptions, withMemberKeyOptions } from '../signing.js';

const DAY_MS = 86_400_000;

function describeEvent(e: RelayEvent): string {
  const what =
    e.kind === 'header'
      ? `header ${e.height} of ${e.from} verified on ${e.to}`
      : e.kind === 'receive'
        ? `message ${e.sequence} of ${e.from} delivered on ${e.to} (proof at ${e.height})`
        : e.kind === 'acknowledge'
          ? `receipt of message ${e.sequence} to ${e.from} proven on ${e.to}: ${e.message}`
          : e.kind === 'skip'
            ? `${e.sequence === undefined ? `header ${e.height}` : `message ${e.sequence}`} ${e.from} → ${e.to} done already (${e.code})`
            : `${e.from} → ${e.to}${e.sequence === undefined ? '' : ` message ${e.sequence}`} refused: ${e.code} ${e.message ?? ''}`;
  return `${new Date().toISOString()} ${what}${e.txId === undefined ? '' : ` [${e.txId.slice(0, 16)}]`}`;
}

export function registerLink(program: Command): void {
  const link = program.command('link').description('link this chain with another Hanglian chain');

  withMemberKeyOptions(
    link
      .command('propose')
      .description(
        'propose admitting a light client of another chain, trusted from its genesis (an admin key of a member)',
      )
      .requiredOption('--with <dir>', "the other chain's network directory (its genesis.json is read)")
      .option('--trusting-period-days <days>', 'how long a verified header may serve as a base', '14'),
    'admin',
  )
    .addHelpText(
      'after',
      '\nExample:\n  hanglian link propose --with ./logistics --network ./commerce --org regulator\n  (then each organisation: hanglian org vote <id> yes --network ./commerce --org <org> --key admin)\n',
    )
    .action(async (opts: MemberKeyOptions & { with: string; trustingPeriodDays: string }) => {
      const days = Number(opts.trustingPeriodDays);
      if (!(days > 0 && days <= 365)) {
        throw new HanglianError(NodeErrors.BAD_REQUEST, '--trusting-period-days must be in (0, 365]');
      }
      const other = readGenesis(opts.with);
      const { signer, api } = loadMemberSigner(opts);
      const call = governance.submitProposal({
        title: `link ${other.chainId}`,
        action: {
          type: 'admitLightClient',
          chainId: other.chainId,
          trustingPeriodMs: Math.round(days * DAY_MS),
          height: 0,
          time: other.genesisTime,
          blockHash: hexToBytes(genesisHashOf(other)),
          validators: validatorSetFromGenesis(other),
        },
      });
      const outcome = await signAndSubmit(createClient({ url: api }), { signer, ...call });
      const status = outcome.status;
      const submitted =
        status.status === 'committed'
          ? status.result.events.find((e) => e.name === 'proposalSubmitted')
          : undefined;
      process.stdout.write(
        `proposal ${(submitted?.data as { id?: number } | undefined)?.id ?? '?'} to link ${other.chainId} submitted in ${outcome.txId}\n`,
      );
    });

  program
    .command('relay')
    .description(
      'carry headers, messages and receipts between two linked chains (untrusted: anyone may relay; resumes after a crash)',
    )
    .requiredOption('--a <url>', 'a node API of chain A')
    .requiredOption('--b <url>', 'a node API of chain B')
    .requiredOption('--network-a <dir>', 'network directory holding the member key that submits on A')
    .requiredOption('--org-a <org>', 'the organisation that submits on A')
    .requiredOption('--network-b <dir>', 'network directory holding the member key that submits on B')
    .requiredOption('--org-b <org>', 'the organisation that submits on B')
    .option('--key <label>', 'which key of each organisation signs', 'ops')
    .option('--interval-ms <ms>', 'pause between passes', '1000')
    .option('--once', 'one pass, then exit')
    .option('--json', 'print one JSON line per thing relayed')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian relay --a http://127.0.0.1:27650 --b http://127.0.0.1:28650 \\\n    --network-a ./logistics --org-a carrier-a --network-b ./commerce --org-b carrier-a\n',
    )
    .action(
      async (opts: {
        a: string;
        b: string;
        networkA: string;
        orgA: string;
        networkB: string;
        orgB: string;
        key: string;
        intervalMs: string;
        once?: boolean;
        json?: boolean;
      }) => {
        const a = loadMemberSigner({ network: opts.networkA, org: opts.orgA, key: opts.key, api: opts.a });
        const b = loadMemberSigner({ network: opts.networkB, org: opts.orgB, key: opts.key, api: opts.b });
        const relayer = createRelayer({
          a: { client: createClient({ url: opts.a }), signer: a.signer },
          b: { client: createClient({ url: opts.b }), signer: b.signer },
          onEvent: (e) =>
            process.stdout.write(
              `${opts.json ? JSON.stringify({ event: 'relay', ...e }) : describeEvent(e)}\n`,
            ),
        });
        if (opts.once) {
          await relayer.step();
          return;
        }
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        if (opts.json)
          process.stdout.write(`${JSON.stringify({ event: 'relaying', a: opts.a, b: opts.b })}\n`);
        else process.stdout.write(`relaying between ${opts.a} and ${opts.b}; Ctrl-C stops\n`);
        await relayer.run({ intervalMs: Number(opts.intervalMs), signal: controller.signal });
      },
    );
}

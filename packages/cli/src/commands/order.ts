/**
 * `hanglian order`: the order lifecycle's steps that need more than `hanglian tx`.
 *
 *   order create   a gateway places an order; the consumer's order key co-signs; prints the order id
 *   order show     an order's status, items, composition and payouts (or one field, for scripts)
 *   order delivery the carrier (or merchant) opens the sealed delivery details with its encryption key
 *
 * The other steps are ordinary commands: `hanglian tx orders confirmPayment|ship|deliver|confirm …`
 * (with `--wallet --order-key` where the buyer co-signs).
 */
import { join } from 'node:path';
import { HanglianError, hexToBytes, sealedEnvelopeProblem } from '@hanglian/core';
import { readEncryptionKeyFile, readManifest, resolvePassphrase } from '@hanglian/node/offline';
import {
  createClient,
  openDelivery,
  orders,
  type PurchasedOrder,
  previewOrder,
  query,
  signAndSubmit,
} from '@hanglian/sdk';
import type { Command } from 'commander';
import { CliErrors } from '../errors.js';
import {
  loadMemberSigner,
  type MemberKeyOptions,
  type ReaderOptions,
  readerClient,
  withMemberKeyOptions,
  withReaderOptions,
} from '../signing.js';
import { type OrderKeyOptions, orderKeyActors, parseIndex, withOrderKeyOptions } from '../walletFile.js';

interface CreateOptions extends MemberKeyOptions, OrderKeyOptions {
  listing: string;
  quantity: string;
  payment: string;
  logistics: string;
  platform?: string;
  session?: string;
  arbiter: string;
  region: string;
  weight: string;
  delivery: string;
  maxTotal?: string;
  json?: boolean;
}

type OrderView = PurchasedOrder & {
  codes: string[];
  paymentProvider: string;
  carrier: string;
  platform: string;
  arbiter: string;
  buyerRegion: string;
  payouts?: Record<string, number>;
  reason?: string;
  escrowBalance?: number;
};

async function readOrder(opts: ReaderOptions, id: string): Promise<OrderView> {
  const { result } = await query<OrderView | null>(readerClient(opts), {
    module: 'orders',
    name: 'order',
    params: { id },
  });
  if (result === null) throw new HanglianError(CliErrors.CLI_ORDER_NOT_FOUND, `no order ${id}`);
  return result;
}

function positive(raw: string, option: string): number {
  const n = parseIndex(raw, option);
  if (n < 1) throw new HanglianError(CliErrors.CLI_BAD_OPTION, `${option} must be at least 1`);
  return n;
}

/** An amount in minor units: a whole number up to the largest safe integer. */
function amount(raw: string, option: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) {
    throw new HanglianError(CliErrors.CLI_BAD_OPTION, `${option} must be a whole amount in minor units`);
  }
  return n;
}

export function registerOrder(program: Command): void {
  const order = program
    .command('order')
    .description("an order's steps beyond hanglian tx: create with an order key, show, open the delivery")
    .addHelpText(
      'after',
      `
The other steps are ordinary commands, e.g.
  hanglian tx orders ship '{"order":"<id>"}' --network ./net --org bookstore
  hanglian tx orders confirm '{"order":"<id>"}' --network ./net --org platform-a --wallet consumer.wallet --order-key 0
`,
    );

  withOrderKeyOptions(
    withMemberKeyOptions(
      order
        .command('create')
        .description(
          "place an order through a gateway (--org: a platform or payment provider); the wallet's order key co-signs as the buyer; prints the order id",
        ),
    ),
  )
    .requiredOption('--listing <id>', 'the listing, <merchant>/<id>')
    .option('--quantity <n>', 'how many, 1..100', '1')
    .requiredOption(
      '--payment <implementation>',
      'the commerce.payment/1 implementation, e.g. paybank-a.payment',
    )
    .requiredOption(
      '--logistics <implementation>',
      'the commerce.logistics/1 implementation, e.g. carrier-a.express',
    )
    .option('--platform <org>', 'the platform that referred the consumer (default: --org)')
    .option('--session <host/id>', 'the live session featuring the listing (its host earns the commission)')
    .requiredOption('--arbiter <org>', 'the arbiter organisation that decides a dispute')
    .requiredOption(
      '--region <region>',
      "the buyer's ISO 3166-2 region, e.g. CN-11 (public: coarse on purpose)",
    )
    .requiredOption('--weight <grams>', 'parcel weight for the carrier quote')
    .requiredOption('--delivery <hex>', 'the sealed delivery details (hanglian wallet seal)')
    .option(
      '--max-total <amount>',
      'the most the order key agrees to pay, in minor units (default: the total quoted now, printed on stderr)',
    )
    .option('--json', 'print {order, txId, height, codes, composition, quoted, maxTotal} as JSON')
    .addHelpText(
      'after',
      `\nExample:
  ORDER=$(hanglian order create --listing bookstore/hlm-2026 --payment paybank-a.payment \\
    --logistics carrier-a.express --arbiter regulator --region CN-11 --weight 1200 --delivery $SEALED \\
    --wallet consumer.wallet --order-key 0 --network .hanglian/devnet --org platform-a)

It first asks the node what the order would cost now (the listing's price, the carrier's quote, the
payment provider's fee) and prints it on stderr; the order key signs that total as the order's maxTotal
(or --max-total), so an implementation that quotes more when the order runs fails it with
ORDERS_PRICE_NOT_AGREED (exit code 5) instead of charging more.
`,
    )
    .action(async (opts: CreateOptions) => {
      if (opts.wallet === undefined || opts.orderKey === undefined) {
        throw new HanglianError(
          CliErrors.CLI_BAD_OPTION,
          'an order is signed by its buyer: give --wallet and --order-key',
        );
      }
      const quantity = positive(opts.quantity, '--quantity');
      const weightGrams = positive(opts.weight, '--weight');
      const hex = opts.delivery.startsWith('0x') ? opts.delivery.slice(2) : opts.delivery;
      if (!/^([0-9a-fA-F]{2})+$/.test(hex)) {
        throw new HanglianError(
          CliErrors.CLI_BAD_BYTES,
          '--delivery must be hex (hanglian wallet seal prints it)',
        );
      }
      // Checked before anything is sent, with the rule the orders module applies (one envelope size since
      // issue 16): details sealed by an older `wallet seal` are named here, not refused by the node later.
      const envelopeProblem = sealedEnvelopeProblem(hexToBytes(hex.toLowerCase()));
      if (envelopeProblem !== undefined) {
        throw new HanglianError(
          CliErrors.CLI_BAD_BYTES,
          `--delivery is not a sealed envelope this network accepts (${envelopeProblem}): seal the details again with hanglian wallet seal`,
        );
      }
      const maxTotal = opts.maxTotal === undefined ? undefined : amount(opts.maxTotal, '--max-total');
      const [buyer] = await orderKeyActors(opts);
      const { signer, api } = loadMemberSigner(opts);
      const client = createClient({ url: api });
      const request = {
        listing: opts.listing,
        quantity,
        payment: opts.payment,
        logistics: opts.logistics,
        buyerRegion: opts.region,
        weightGrams,
        ...(opts.session === undefined ? {} : { session: opts.session }),
      };
      // What the buyer is shown is what its key signs: the total quoted now (or a bound it chose).
      const quoted = await previewOrder(client, request);
      const signedMax = maxTotal ?? quoted.total;
      process.stderr.write(
        `quoted: goods ${quoted.goods} (${quantity} × ${quoted.unitPrice}) + shipping ${quoted.shipping} (${opts.logistics}, ${quoted.days} days) = total ${quoted.total}; the order key signs at most ${signedMax}\n`,
      );
      const outcome = await signAndSubmit(client, {
        signer,
        actors: [buyer!],
        ...orders.create({
          ...request,
          buyer: buyer!.address,
          platform: opts.platform ?? opts.org,
          arbiter: opts.arbiter,
          delivery: hexToBytes(hex.toLowerCase()),
          maxTotal: signedMax,
          unitPrice: quoted.unitPrice,
        }),
      });
      const id = outcome.txId.slice(0, 32);
      if (!opts.json) {
        process.stdout.write(`${id}\n`);
        return;
      }
      const status = outcome.status;
      const created =
        status.status === 'committed'
          ? (status.result.events.find((e) => e.module === 'orders' && e.name === 'created')?.data as
              | { codes?: string[]; composition?: unknown }
              | undefined)
          : undefined;
      process.stdout.write(
        `${JSON.stringify({
          order: id,
          txId: outcome.txId,
          height: status.status === 'committed' ? status.height : null,
          codes: created?.codes ?? null,
          composition: created?.composition ?? null,
          quoted,
          maxTotal: signedMax,
        })}\n`,
      );
    });

  withReaderOptions(
    order
      .command('show')
      .description("an order's status, parties, items, composition and payouts")
      .argument('<id>', 'the order id (32 hex digits)'),
  )
    .option('--field <name>', 'print one field only (a list prints one value per line), e.g. status or codes')
    .option('--json', 'print the order as JSON')
    .addHelpText(
      'after',
      `\nExamples:
  hanglian order show $ORDER --api http://127.0.0.1:26650
  CODE=$(hanglian order show $ORDER --field codes --api http://127.0.0.1:26650)
`,
    )
    .action(async (id: string, opts: ReaderOptions & { field?: string; json?: boolean }) => {
      const found = await readOrder(opts, id);
      if (opts.field !== undefined) {
        if (!Object.hasOwn(found, opts.field)) {
          throw new HanglianError(
            CliErrors.CLI_BAD_OPTION,
            `an order has no field ${opts.field} (fields: ${Object.keys(found).join(', ')})`,
          );
        }
        const value = (found as Record<string, unknown>)[opts.field];
        const lines = Array.isArray(value) ? value : [value];
        for (const v of lines)
          process.stdout.write(`${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}\n`);
        return;
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
        return;
      }
      const c = found.composition as Record<string, number>;
      const lines = [
        `order ${found.id}: ${found.status.toUpperCase()}${found.reason === undefined ? '' : ` (${found.reason})`}`,
        `  ${found.quantity} × ${found.sku} from listing ${found.listing}`,
        `  items     ${found.codes.join(', ')}`,
        `  buyer     ${found.buyer} (a one-time order key), region ${found.buyerRegion}`,
        `  parties   merchant ${found.merchant}, carrier ${found.carrier}, payment ${found.paymentProvider}, platform ${found.platform}, arbiter ${found.arbiter}`,
        `  total     ${c.total} = goods ${c.goods} + shipping ${c.shipping}; merchant ${c.merchant}, carrier ${c.carrier}, payment ${c.payment}, platform ${c.platform}, host ${c.host}`,
      ];
      if (found.escrowBalance !== undefined) lines.push(`  escrow    ${found.escrowBalance}`);
      if (found.payouts !== undefined) {
        lines.push(
          `  paid out  ${['refund', 'merchant', 'carrier', 'payment', 'platform', 'host']
            .map((k) => `${k} ${found.payouts?.[k] ?? 0}`)
            .join(', ')}`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  order
    .command('delivery')
    .description(
      "open an order's sealed delivery details as an organisation it was sealed to (the carrier, or the merchant)",
    )
    .argument('<id>', 'the order id')
    .requiredOption('--network <dir>', "network directory holding the organisation's encryption key")
    .requiredOption('--org <org>', 'the organisation that opens them')
    .option('--api <url>', 'a node API (default: the first node of the network)')
    .option('--passphrase-file <file>', 'key passphrase (default: HANGLIAN_PASSPHRASE, or the dev file)')
    .option('--json', 'print the details as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian order delivery $ORDER --network .hanglian/devnet --org carrier-a\n',
    )
    .action(
      async (
        id: string,
        opts: { network: string; org: string; api?: string; passphraseFile?: string; json?: boolean },
      ) => {
        const manifest = readManifest(opts.network);
        const org = manifest.organisations.find((o) => o.id === opts.org);
        if (org?.encryptionKey === undefined) {
          throw new HanglianError(
            CliErrors.CLI_NO_ENCRYPTION_KEY,
            `${opts.network} holds no encryption key of ${opts.org}`,
          );
        }
        const first = manifest.nodes[0];
        const api = opts.api ?? (first === undefined ? undefined : `http://${first.host}:${first.apiPort}`);
        if (api === undefined) throw new HanglianError(CliErrors.CLI_BAD_OPTION, 'give --api <url>');
        const reader: ReaderOptions = { api, key: 'ops' };
        const found = await readOrder(reader, id);
        const client = createClient({ url: api });
        const { result } = await query<{ sealed: string } | null>(client, {
          module: 'orders',
          name: 'delivery',
          params: { id },
        });
        if (result === null)
          throw new HanglianError(CliErrors.CLI_ORDER_NOT_FOUND, `order ${id} has no delivery details`);
        const passphrase = resolvePassphrase({
          dir: opts.network,
          manifest,
          passphraseFile: opts.passphraseFile,
          envPassphrase: process.env.HANGLIAN_PASSPHRASE,
        });
        const key = readEncryptionKeyFile(join(opts.network, org.encryptionKey), passphrase);
        const details = openDelivery(hexToBytes(result.sealed), opts.org, key.privateKey, {
          context: found.buyer,
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(details)}\n`);
          return;
        }
        process.stdout.write(
          `deliver order ${id} to:\n  ${details.name}\n  ${details.phone}\n  ${details.address}\n  ${details.region}${details.postcode === undefined ? '' : ` ${details.postcode}`}\n${details.note === undefined ? '' : `  note: ${details.note}\n`}`,
        );
      },
    );
}

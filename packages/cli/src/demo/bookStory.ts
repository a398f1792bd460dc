/**
 * The seed's book story as demo data (docs/brief.md §1): a publisher prints a book and mints one code per copy,
 * authorises a bookstore as its channel and ships it copies, the bookstore lists the book with two
 * carriers and a return policy, a live-stream host features it, and each member deploys and registers its
 * implementations of the commerce standards (search, payment, logistics, inventory). Run once on a fresh network by
 * `hanglian devnet --demo`; every step is an ordinary signed transaction through the SDK, so the chain's
 * history shows exactly what a real member would do.
 */
import { join } from 'node:path';
import { buildReferenceImplementations } from '@hanglian/commerce-standards';
import { hexToBytes, type SigningKey } from '@hanglian/core';
import {
  readEncryptionKeyFile,
  readGenesis,
  readKeyFile,
  readManifest,
  resolvePassphrase,
} from '@hanglian/node/offline';
import {
  buildSharePackage,
  type Client,
  catalog,
  createClient,
  createLightClient,
  discoverPurchases,
  distribution,
  generateWallet,
  genesisHashOf,
  getStatus,
  HanglianSdkError,
  items,
  memberSigner,
  openDelivery,
  orders,
  previewOrder,
  privacy,
  query,
  registry,
  reviews,
  type Signer,
  sealDelivery,
  signAndSubmit,
  type TxCall,
  validatorSetFromGenesis,
  verifySharePackage,
  waitForTransaction,
} from '@hanglian/sdk';

/** How long one demo step may wait for its commit before the seeding fails (a very loaded machine). */
const STEP_COMMIT_WAIT_MS = 300_000;
/**
 * How often a step asks whether it committed. A block commits ~100 ms after a transaction arrives on a
 * local network, and every step waits for the one before: at 500 ms each of the story's ~35 steps waited
 * ~0.4 s past its commit. A status read is a lookup on the node.
 */
const STEP_POLL_MS = 50;

export const BOOK = {
  sku: 'isbn-9787020002207',
  name: '红楼梦 Dream of the Red Chamber',
  category: 'books',
  factoryPrice: 3_500,
  attributes: { author: '曹雪芹 Cao Xueqin', publisher: 'Spring Press 春风出版社', language: 'zh' },
};
export const BATCH = 'b2026-11';
/** Copies printed, one code each (`<sku>:<batch>:1` … `:10000`). */
export const BOOK_COPIES = 10_000;
export const LISTING_ID = 'bookstore/hlm-2026';

export interface DemoStep {
  readonly name: string;
  readonly txId: string;
}

/**
 * One step of the story, built by an SDK builder: `name` for the log, the organisation and key label
 * (`ops` by default, `admin` for deployments) that sign it, and any co-signers. Resolves to its txId once
 * it committed OK.
 */
export type BookStep = (
  name: string,
  org: string,
  call: TxCall,
  key?: string,
  actors?: readonly Signer[],
) => Promise<string>;

/**
 * Signs and submits one step as `signer` and waits for its commit; throws unless it committed OK. The node
 * waits 30 s for the commit; a block that takes longer (a registration running its conformance vectors on
 * a loaded machine) answers `pending`, which is not a failure: keep waiting, until the transaction commits
 * or expires.
 */
export async function submitStep(
  client: Client,
  name: string,
  signer: Signer,
  call: TxCall,
  actors: readonly Signer[] = [],
): Promise<string> {
  const outcome = await signAndSubmit(client, {
    actors,
    signer,
    module: call.module,
    command: call.command,
    params: call.params,
    // Not the node's wait (30 s at most, then COMMIT_TIMEOUT): the step's own, longer one below, so a
    // very loaded machine slows the seeding down instead of failing it.
    waitForCommit: false,
  });
  const status =
    outcome.status.status === 'pending'
      ? await waitForTransaction(client, {
          txId: outcome.txId,
          timeoutMs: STEP_COMMIT_WAIT_MS,
          pollIntervalMs: STEP_POLL_MS,
        })
      : outcome.status;
  if (status.status !== 'committed' || status.result.code !== 'OK') {
    throw new Error(`demo step "${name}" failed: ${JSON.stringify(status)}`);
  }
  return outcome.txId;
}

/**
 * The book's commerce world, before anyone buys: the product and its 10,000 codes, the bookstore
 * authorised as its channel in China and holding copies 1–200, and its listing with two carriers and a
 * return policy. The demo plays it, and so does the chaos campaign's order load on its own network.
 */
export async function setUpBookCommerce(run: BookStep): Promise<void> {
  await run('the publisher registers the book', 'bookpress', items.registerProduct(BOOK));
  await run(
    'the publisher prints and mints 10,000 copies, one code each',
    'bookpress',
    items.mintBatch({ sku: BOOK.sku, batch: BATCH, count: BOOK_COPIES, site: 'Spring Press, Shanghai' }),
  );
  await run(
    'the publisher authorises the bookstore to sell it in China',
    'bookpress',
    distribution.authoriseChannel({ org: 'bookstore', skus: [BOOK.sku], regions: ['CN'] }),
  );
  await run(
    'the publisher ships 200 named copies to the bookstore',
    'bookpress',
    distribution.ship({
      shipment: 'wholesale-001',
      to: 'bookstore',
      items: { range: { sku: BOOK.sku, batch: BATCH, from: 1, to: 200 } },
      where: 'Spring Press dock 3',
    }),
  );
  await run(
    'the bookstore confirms it received those copies',
    'bookstore',
    distribution.receive({
      from: 'bookpress',
      shipment: 'wholesale-001',
      accept: true,
      where: 'Riverside Books warehouse',
    }),
  );
  await run(
    'the bookstore lists the book at one price for everyone',
    'bookstore',
    catalog.createListing({
      listing: 'hlm-2026',
      sku: BOOK.sku,
      title: '红楼梦 (2026 edition, hardcover)',
      price: 5_980,
      carriers: ['carrier-a', 'carrier-b'],
      shipsTo: ['CN'],
      shipsFrom: 'CN-31',
      returnPolicy: { days: 7, restockingFeeBps: 500 },
      hostCommissionBps: 800,
    }),
  );
}

/**
 * Every implementation of a commerce standard, deployed and registered by its own organisation (an admin
 * key); registration runs the standard's conformance vectors on chain. `only`: just these implementation
 * ids (a network that needs one payment and one logistics implementation spares the others' time).
 */
export async function registerBookImplementations(run: BookStep, only?: readonly string[]): Promise<void> {
  for (const implementation of buildReferenceImplementations()) {
    if (only !== undefined && !only.includes(implementation.id)) continue;
    // The reference merchant implementation belongs to whichever merchant runs it: here the bookstore.
    const org = implementation.org === 'shop' ? 'bookstore' : implementation.org;
    await run(
      `${org} deploys ${implementation.id}`,
      org,
      registry.deployCode({ source: implementation.source }),
      'admin',
    );
    await run(
      `${org} registers ${implementation.id} (${implementation.standard})`,
      org,
      registry.registerImplementation({
        id: implementation.id,
        standard: implementation.standard,
        codeHash: implementation.codeHash,
        displayName: implementation.displayName,
      }),
      'admin',
    );
  }
}

/**
 * The publisher ships copies `first`…`last` of the book to the bookstore, which confirms it received them,
 * 2,000 codes a shipment (`<prefix>-<first code>`). `send` submits one call as the organisation and waits
 * for its commit.
 */
export async function stockBookstore(
  send: (org: 'bookpress' | 'bookstore', call: TxCall) => Promise<unknown>,
  first: number,
  last: number,
  prefix: string,
): Promise<void> {
  for (let from = first; from <= last; from += 2_000) {
    const to = Math.min(last, from + 1_999);
    const shipment = `${prefix}-${from}`;
    await send(
      'bookpress',
      distribution.ship({
        shipment,
        to: 'bookstore',
        items: { range: { sku: BOOK.sku, batch: BATCH, from, to } },
        where: 'Spring Press dock 3',
      }),
    );
    await send(
      'bookstore',
      distribution.receive({ from: 'bookpress', shipment, accept: true, where: 'Riverside Books warehouse' }),
    );
  }
}

export async function seedBookStory(args: {
  dir: string;
  api: string;
  onStep?: (line: string) => void;
}): Promise<DemoStep[]> {
  const manifest = readManifest(args.dir);
  const passphrase = resolvePassphrase({
    dir: args.dir,
    manifest,
    envPassphrase: process.env.HANGLIAN_PASSPHRASE,
  });
  const keyOf = (org: string, label = 'ops'): SigningKey => {
    const path = manifest.organisations.find((o) => o.id === org)?.keys[label];
    if (path === undefined) throw new Error(`the demo needs organisation ${org}`);
    return readKeyFile(join(args.dir, path), passphrase);
  };
  const client: Client = createClient({ url: args.api });
  const steps: DemoStep[] = [];
  const step = async (
    name: string,
    org: string,
    module: string,
    command: string,
    params: unknown,
    key = 'ops',
    actors: readonly Signer[] = [],
  ): Promise<string> => {
    const txId = await submitStep(
      client,
      name,
      memberSigner(keyOf(org, key)),
      { module, command, params },
      actors,
    );
    steps.push({ name, txId });
    args.onStep?.(`  ✓ ${name}`);
    return txId;
  };
  /** A step built by an SDK builder (`items.mintBatch(…)` and the like). */
  const run: BookStep = (name, org, call, key = 'ops', actors = []) =>
    step(name, org, call.module, call.command, call.params, key, actors);

  await setUpBookCommerce(run);
  const now = Date.now();
  await run(
    'a live-stream host features the book tonight',
    'host-a',
    catalog.createSession({
      session: 'reading-night',
      title: '读书夜 Reading night with Lin',
      startsAt: now,
      endsAt: now + 7 * 24 * 3_600_000,
      listings: [LISTING_ID],
    }),
  );
  await registerBookImplementations(run);
  // A consumer buys one copy through platform A during the live session, pays with PayBank A, ships with
  // Swift Logistics: the order is signed by a one-time key from the consumer's wallet, so nothing on the
  // ledger links it to the consumer or to their other orders.
  const wallet = generateWallet();
  const orderKey = wallet.orderKey(0);
  // The wallet seals the delivery details to the carrier's and the bookstore's registered keys, bound to
  // this order key: the gateway submits them but cannot read them, and no one else can.
  const encryptionKeyOf = async (org: string) => {
    const { result } = await query<{ publicKey: string } | null>(client, {
      module: 'identity',
      name: 'encryptionKey',
      params: { org },
    });
    if (result === null) throw new Error(`${org} has no encryption key`);
    return { org, publicKey: hexToBytes(result.publicKey) };
  };
  const delivery = sealDelivery(
    {
      name: '李华 Li Hua',
      phone: '+86 138 0013 8000',
      address: '北京市海淀区中关村大街 27 号 3 单元 502',
      region: 'CN-11',
      postcode: '100080',
    },
    [await encryptionKeyOf('carrier-a'), await encryptionKeyOf('bookstore')],
    { context: orderKey.address },
  );
  const request = {
    listing: LISTING_ID,
    quantity: 1,
    payment: 'paybank-a.payment',
    logistics: 'carrier-a.express',
    session: 'host-a/reading-night',
    buyerRegion: 'CN-11',
    weightGrams: 1_200,
  };
  // The consumer is shown the price; the order key signs that total as the most it will pay.
  const quoted = await previewOrder(client, request);
  const createTx = await run(
    `a consumer orders one copy on platform A during the live session for ${quoted.total} (a one-time order key signs it)`,
    'platform-a',
    orders.create({
      ...request,
      buyer: orderKey.address,
      platform: 'platform-a',
      arbiter: 'regulator',
      delivery,
      maxTotal: quoted.total,
      unitPrice: quoted.unitPrice,
    }),
    'ops',
    [orderKey],
  );
  const order = createTx.slice(0, 32);
  await run(
    'PayBank A confirms the payment: the total goes into the order escrow',
    'paybank-a',
    orders.confirmPayment({ order }),
  );
  // Only Swift Logistics (and the bookstore) can open the delivery details, with their own X25519 key.
  const carrierKey = readEncryptionKeyFile(
    join(args.dir, manifest.organisations.find((o) => o.id === 'carrier-a')!.encryptionKey!),
    passphrase,
  );
  const { result: sealed } = await query<{ sealed: string }>(client, {
    module: 'orders',
    name: 'delivery',
    params: { id: order },
  });
  const label = openDelivery(hexToBytes(sealed.sealed), 'carrier-a', carrierKey.privateKey, {
    context: orderKey.address,
  });
  args.onStep?.(
    `  ✓ Swift Logistics opens the sealed delivery details and prints a label for ${label.region}`,
  );
  await run(
    'the bookstore hands the book to Swift Logistics',
    'bookstore',
    orders.ship({ order, where: 'Riverside Books' }),
  );
  await run(
    'Swift Logistics delivers; the order key signs the receipt',
    'carrier-a',
    orders.deliver({ order, where: 'Beijing' }),
    'ops',
    [orderKey],
  );
  await run(
    'the consumer confirms: the escrow pays merchant, platform, payment, carrier and host',
    'platform-a',
    orders.confirm({ order }),
    'ops',
    [orderKey],
  );
  await run(
    'the consumer reviews the book, signed by the same order key (a verified buyer)',
    'platform-a',
    reviews.write({ order, rating: 5, text: '装帧精美，物流很快。Beautiful binding, fast delivery.' }),
    'ops',
    [orderKey],
  );
  await run(
    'the bookstore answers the review',
    'bookstore',
    reviews.reply({ order, text: '谢谢！Thank you for reading with us.' }),
  );
  // Purchase history belongs to the consumer: platform B asks to see the consumer's book purchases for
  // recommendations; the wallet grants it (a grant key of its own signs), shares the orders with proofs,
  // and later revokes the grant, after which platform B's verification refuses the package.
  const { purchases, cover } = await discoverPurchases(client, wallet);
  args.onStep?.(
    `  ✓ the wallet lists its purchases by re-deriving its order keys: ${purchases.length} found`,
  );
  const grantKey = wallet.grantKey(0);
  const { latestBlockTime } = await getStatus(client);
  await step(
    'the consumer grants platform B its book purchases for 30 days (signed by a one-time grant key)',
    'platform-b',
    'privacy',
    'grant',
    privacy.grant({
      grantKey: grantKey.publicKey,
      grantee: 'platform-b',
      scope: { categories: [BOOK.category] },
      purpose: 'book recommendations 图书推荐',
      expiresAt: latestBlockTime + 30 * 24 * 3_600_000,
    }).params,
    'ops',
    [grantKey],
  );
  const genesis = readGenesis(args.dir);
  const light = createLightClient({
    client,
    trust: {
      chainId: genesis.chainId,
      height: 0,
      blockHash: genesisHashOf(genesis),
      validators: validatorSetFromGenesis(genesis),
    },
  });
  const pkg = await buildSharePackage(client, { wallet, grantIndex: 0, purchases, cover });
  const shared = await verifySharePackage(client, pkg, { grantee: 'platform-b', trusted: light });
  args.onStep?.(
    `  ✓ platform B verifies the shared orders against the chain: ${shared.orders.length} order(s), each signed by its own key`,
  );
  await step(
    'the consumer revokes the grant (any gateway submits; the grant key signs)',
    'platform-a',
    'privacy',
    'revoke',
    privacy.revoke({ grant: grantKey.address }).params,
    'ops',
    [grantKey],
  );
  try {
    await verifySharePackage(client, pkg, { grantee: 'platform-b', trusted: light });
    throw new Error('a share package still verified after its grant was revoked');
  } catch (error) {
    if (!(error instanceof HanglianSdkError) || error.code !== 'SDK_GRANT_INACTIVE') throw error;
    args.onStep?.('  ✓ after the revocation, platform B refuses the package: the grant is inactive');
  }
  args.onStep?.(`  order ${order}: hanglian query orders order '{"id":"${order}"}' --api ${args.api}`);
  args.onStep?.(
    `  book: ${BOOK.sku}:${BATCH}:1 … :10000; verify one with: hanglian item verify ${BOOK.sku}:${BATCH}:42 --api ${args.api}`,
  );
  return steps;
}

/**
 * Issue #5, process 6: purchase history belongs to the consumer. On a 4-validator devnet with the book
 * story (whose consumer seals delivery details, grants platform B its book purchases and revokes it),
 * three more consumers each place three orders through different gateways (platform A, platform B,
 * PayBank A), with both carriers; some are paid, shipped and delivered; grants are given, used and
 * revoked. Then an outside member (the regulator, which took part in nothing) reads every block through
 * its node's API and, with the network stopped, every state value of its node's database, and the test
 * shows that no consumer's name, phone or address appears; no order key serves two orders; the grant
 * records and transactions name no order and no order key; a grant key is never an order key; and the
 * delivery envelopes, one per order, share nothing that would pair two of them. Only with the wallet do
 * the purchases come together (listPurchases), and a share package verifies until its grant is revoked.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  addressFromPublicKey,
  bytesToHex,
  decodeCanonical,
  hexToBytes,
  sealedEnvelopeCodec,
  signedTxCodec,
  txBodyCodec,
} from '@hanglian/core';
import {
  networkPaths,
  readEncryptionKeyFile,
  readGenesis,
  readManifest,
  resolvePassphrase,
} from '@hanglian/node';
import {
  buildSharePackage,
  type Client,
  createClient,
  createLightClient,
  type DeliveryDetails,
  generateWallet,
  genesisHashOf,
  getBlock,
  getBlockResults,
  getStatus,
  HanglianSdkError,
  type LightClient,
  listPurchases,
  openDelivery,
  previewOrder,
  privacy,
  query,
  SdkErrors,
  type Signer,
  sealDelivery,
  signAndSubmit,
  validatorSetFromGenesis,
  verifySharePackage,
  type Wallet,
} from '@hanglian/sdk';
import { openStorage } from '@hanglian/storage';
import { copySeededDevnet, freePortRange } from '@hanglian/testkit';
import { BOOK, LISTING_ID } from '../src/demo/bookStory.js';
import { CLI, type DevnetProcess, startDevnetProcess } from '../src/demo/devnetProcess.js';
import { type NetworkMembers, openNetworkMembers } from '../src/demo/members.js';

interface Consumer {
  readonly label: string;
  readonly wallet: Wallet;
  readonly details: DeliveryDetails;
  /** Order ids with the gateway that submitted each. */
  readonly orders: Array<{ id: string; gateway: string; carrier: string; keyIndex: number }>;
}

const CONSUMERS: ReadonlyArray<Pick<Consumer, 'label' | 'details'>> = [
  {
    label: 'zhang',
    details: {
      name: '张伟 Zhang Wei',
      phone: '+86 137 1111 2222',
      address: '上海市浦东新区世纪大道 100 号 18 楼',
      region: 'CN-31',
      postcode: '200120',
      note: '请放前台',
    },
  },
  {
    label: 'wang',
    details: {
      name: '王芳 Wang Fang',
      phone: '+86 139 3333 4444',
      address: '广州市天河区体育西路 1 号 2 栋 1203',
      region: 'CN-44',
      postcode: '510620',
    },
  },
  {
    label: 'chen',
    details: {
      name: 'Chen Jing 陈静',
      phone: '+86 186 5555 6666',
      address: '成都市武侯区人民南路四段 9 号',
      region: 'CN-51',
    },
  },
];
const GATEWAYS = ['platform-a', 'platform-b', 'paybank-a'] as const;
const CARRIERS = [
  { org: 'carrier-a', logistics: 'carrier-a.express' },
  { org: 'carrier-b', logistics: 'carrier-b.economy' },
] as const;

describe('privacy: an outside member parses every block and state value', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-privacy-'));
  let devnet: DevnetProcess | undefined;
  let clients: Client[] = [];
  let members: NetworkMembers;
  let light: LightClient;
  const consumers: Consumer[] = CONSUMERS.map((c) => ({ ...c, wallet: generateWallet(), orders: [] }));
  let turn = 0;

  const submit = async (
    org: string,
    module: string,
    command: string,
    params: unknown,
    actors: readonly Signer[] = [],
  ): Promise<string> => {
    const client = clients[turn++ % clients.length]!;
    return (await signAndSubmit(client, { signer: members.signer(org), actors, module, command, params }))
      .txId;
  };
  const read = async <T>(module: string, name: string, params: unknown): Promise<T> =>
    (await query<T>(clients[0]!, { module, name, params })).result;
  const encryptionKey = async (org: string) => ({
    org,
    publicKey: hexToBytes(
      (await read<{ publicKey: string }>('identity', 'encryptionKey', { org })).publicKey,
    ),
  });

  before(async () => {
    const basePort = await freePortRange(8);
    // In `npm test` the four-validator book story is seeded once per run and shared by the files that
    // read it: this one resumes its own copy (see @hanglian/testkit's devnetFixture).
    await copySeededDevnet({ cli: CLI, args: ['--validators', '4', '--demo'], dir, basePort });
    devnet = await startDevnetProcess({ dir, validators: 4, basePort });
    const apis = devnet.apis;
    members = openNetworkMembers(dir, undefined);
    // The outside member reads blocks (members-only data) with its own signed requests.
    clients = apis.map((url) => createClient({ url, reader: members.signer('regulator') }));
    const genesis = readGenesis(dir);
    light = createLightClient({
      client: clients[3]!,
      trust: {
        chainId: genesis.chainId,
        height: 0,
        blockHash: genesisHashOf(genesis),
        validators: validatorSetFromGenesis(genesis),
      },
    });
  });

  after(async () => {
    await devnet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('consumers buy through different gateways and carriers; the carriers open only their deliveries', async () => {
    const shop = await encryptionKey('bookstore');
    const carrierKeys = Object.fromEntries(
      await Promise.all(CARRIERS.map(async (c) => [c.org, await encryptionKey(c.org)] as const)),
    );
    let n = 0;
    for (let round = 0; round < 3; round++) {
      for (const consumer of consumers) {
        const keyIndex = round;
        const key = consumer.wallet.orderKey(keyIndex);
        const gateway = GATEWAYS[(round + consumers.indexOf(consumer)) % GATEWAYS.length]!;
        const carrier = CARRIERS[n++ % CARRIERS.length]!;
        const request = {
          listing: LISTING_ID,
          quantity: 1,
          payment: round === 2 ? 'paybank-b.payment' : 'paybank-a.payment',
          logistics: carrier.logistics,
          buyerRegion: consumer.details.region,
          weightGrams: 1_200,
        };
        // The wallet signs the total it showed: the quote's composition is public anyway.
        const { total } = await previewOrder(clients[0]!, request);
        const txId = await submit(
          gateway,
          'orders',
          'create',
          {
            ...request,
            buyer: key.address,
            platform: gateway === 'platform-b' ? 'platform-b' : 'platform-a',
            arbiter: 'regulator',
            delivery: sealDelivery(consumer.details, [carrierKeys[carrier.org]!, shop], {
              context: key.address,
            }),
            maxTotal: total,
          },
          [key],
        );
        consumer.orders.push({ id: txId.slice(0, 32), gateway, carrier: carrier.org, keyIndex });
      }
    }
    // The first two rounds go all the way to delivery.
    const manifest = readManifest(dir);
    const passphrase = resolvePassphrase({ dir, manifest, envPassphrase: undefined });
    const privateKeyOf = (org: string) =>
      readEncryptionKeyFile(
        join(dir, manifest.organisations.find((o) => o.id === org)!.encryptionKey!),
        passphrase,
      ).privateKey;
    for (const consumer of consumers) {
      for (const placed of consumer.orders.slice(0, 2)) {
        const key = consumer.wallet.orderKey(placed.keyIndex);
        await submit('paybank-a', 'orders', 'confirmPayment', { order: placed.id });
        await submit('bookstore', 'orders', 'ship', { order: placed.id, where: 'Riverside Books' });
        // The carrier opens the label of its own parcel; the other carrier cannot.
        const { sealed } = await read<{ sealed: string }>('orders', 'delivery', { id: placed.id });
        const other = placed.carrier === 'carrier-a' ? 'carrier-b' : 'carrier-a';
        assert.deepEqual(
          openDelivery(hexToBytes(sealed), placed.carrier, privateKeyOf(placed.carrier), {
            context: key.address,
          }),
          consumer.details,
        );
        assert.throws(
          () => openDelivery(hexToBytes(sealed), other, privateKeyOf(other), { context: key.address }),
          (e: unknown) => e instanceof HanglianSdkError && e.code === SdkErrors.SDK_SEALED_NOT_RECIPIENT,
        );
        await submit(placed.carrier, 'orders', 'deliver', { order: placed.id, where: 'door' }, [key]);
      }
    }
  });

  it('the wallet alone lists its purchases; a grant shares them with proofs until it is revoked', async () => {
    for (const consumer of consumers) {
      const purchases = await listPurchases(clients[1]!, consumer.wallet, { gapLimit: 5 });
      assert.deepEqual(purchases.map((p) => p.order.id).sort(), consumer.orders.map((o) => o.id).sort());
    }
    const [zhang, wang] = consumers as [Consumer, Consumer];
    const { latestBlockTime } = await getStatus(clients[0]!);
    // Zhang grants platform B its book purchases (the grantee submits, the grant key co-signs).
    const zhangGrant = zhang.wallet.grantKey(0);
    await submit(
      'platform-b',
      'privacy',
      'grant',
      privacy.grant({
        grantKey: zhangGrant.publicKey,
        grantee: 'platform-b',
        scope: { categories: [BOOK.category] },
        purpose: 'book recommendations',
        expiresAt: latestBlockTime + 7 * 86_400_000,
      }).params,
      [zhangGrant],
    );
    // Wang grants platform A a scope that covers nothing it bought (another category).
    const wangGrant = wang.wallet.grantKey(0);
    await submit(
      'platform-a',
      'privacy',
      'grant',
      privacy.grant({
        grantKey: wangGrant.publicKey,
        grantee: 'platform-a',
        scope: { categories: ['toys'] },
        purpose: 'toy offers',
        expiresAt: latestBlockTime + 86_400_000,
      }).params,
      [wangGrant],
    );
    const zhangPurchases = await listPurchases(clients[0]!, zhang.wallet, { gapLimit: 5 });
    const pkg = await buildSharePackage(clients[2]!, {
      wallet: zhang.wallet,
      grantIndex: 0,
      purchases: zhangPurchases,
    });
    assert.equal(pkg.orders.length, 3);
    const shared = await verifySharePackage(clients[1]!, pkg, { grantee: 'platform-b', trusted: light });
    assert.deepEqual(shared.orders.map((o) => o.id).sort(), zhang.orders.map((o) => o.id).sort());
    // Another grantee, or orders of another wallet slipped in, do not verify.
    await assert.rejects(
      verifySharePackage(clients[1]!, pkg, { grantee: 'platform-a', trusted: light }),
      (e: unknown) => e instanceof HanglianSdkError && e.code === SdkErrors.SDK_GRANT_INACTIVE,
    );
    const wangPurchases = await listPurchases(clients[0]!, wang.wallet, { gapLimit: 5 });
    const wangPkg = await buildSharePackage(clients[0]!, {
      wallet: wang.wallet,
      grantIndex: 0,
      purchases: wangPurchases,
    });
    assert.equal(wangPkg.orders.length, 0, 'nothing of Wang is in a toys scope');
    const forged = {
      ...pkg,
      orders: [...pkg.orders.slice(1), { ...pkg.orders[0]!, order: wang.orders[0]!.id }],
    };
    await assert.rejects(
      verifySharePackage(clients[1]!, forged, { grantee: 'platform-b', trusted: light }),
      (e: unknown) => e instanceof HanglianSdkError && e.code === SdkErrors.SDK_SHARE_INVALID,
    );
    // Zhang revokes through another gateway: the package no longer verifies, and no new one is built.
    await submit('paybank-a', 'privacy', 'revoke', privacy.revoke({ grant: zhangGrant.address }).params, [
      zhangGrant,
    ]);
    await assert.rejects(
      verifySharePackage(clients[1]!, pkg, { grantee: 'platform-b', trusted: light }),
      (e: unknown) => e instanceof HanglianSdkError && e.code === SdkErrors.SDK_GRANT_INACTIVE,
    );
    await assert.rejects(
      buildSharePackage(clients[2]!, { wallet: zhang.wallet, grantIndex: 0, purchases: zhangPurchases }),
      (e: unknown) => e instanceof HanglianSdkError && e.code === SdkErrors.SDK_GRANT_INACTIVE,
    );
  });

  it('reads every block and every state value and recovers no identity, address or link', async () => {
    // Blocks, through the outside member's node API: every transaction decoded, every event.
    const outsider = clients[3]!;
    const { height, chainId } = await getStatus(outsider);
    const chunks: Uint8Array[] = [];
    const resultsText: string[] = [];
    const txs: Array<{ module: string; command: string; params: Record<string, unknown>; actors: string[] }> =
      [];
    for (let h = 1; h <= height; h++) {
      const block = await getBlock(outsider, { height: h });
      for (const hex of block.txs) {
        const raw = hexToBytes(hex);
        chunks.push(raw);
        const body = txBodyCodec.decode(signedTxCodec.decode(raw).body);
        txs.push({
          module: body.module,
          command: body.command,
          params: body.params as Record<string, unknown>,
          actors: body.actors.map((k) => bytesToHex(k)),
        });
      }
      const results = JSON.stringify(await getBlockResults(outsider, { height: h }));
      resultsText.push(results);
      chunks.push(new TextEncoder().encode(results));
    }
    // State: the regulator's own node database, every key and value, once the network has stopped.
    await devnet!.stop();
    const storage = openStorage({ path: networkPaths.nodeData(dir, 'node0') });
    const state = new Map<string, Uint8Array>();
    try {
      for (const { key, value } of storage.state.reader().iterate(new Uint8Array())) {
        state.set(new TextDecoder().decode(key), new Uint8Array(value));
        chunks.push(key, value);
      }
    } finally {
      await storage.close();
    }
    const everything = Buffer.concat(chunks);
    const has = (needle: string | Uint8Array) =>
      everything.includes(typeof needle === 'string' ? Buffer.from(needle, 'utf8') : Buffer.from(needle));
    // Short words (a surname of four letters) turn up by chance in megabytes of keys, hashes and
    // ciphertext (a run failed on "Chen" so): they are looked for in what decodes as text, the
    // transactions' parameters and results and every state value that decodes, where a leak would be.
    const decodedText = [
      JSON.stringify(txs),
      ...resultsText,
      ...[...state.values()].map((v) => {
        try {
          return JSON.stringify(decodeCanonical(v), (_k, x) => (x instanceof Uint8Array ? bytesToHex(x) : x));
        } catch {
          return '';
        }
      }),
    ].join('\n');
    const hasWord = (word: string) => (Buffer.byteLength(word) >= 8 ? has(word) : decodedText.includes(word));

    // The scanner sees what is public (it would see a leak): the SKU, the listing, every order id.
    assert.ok(has(BOOK.sku) && has(LISTING_ID) && has('book recommendations'));
    const orders = [...state.entries()]
      .filter(([k]) => k.startsWith('orders/orders/'))
      .map(([, v]) => decodeCanonical(v) as { id: string; buyer: string; gateway: string });
    const mine = consumers.flatMap((c) => c.orders.map((o) => o.id));
    for (const id of mine)
      assert.ok(
        orders.some((o) => o.id === id),
        `order ${id} is in state`,
      );

    // 1. No name, phone, address, postcode or note of any consumer, anywhere (nor the demo consumer's).
    for (const { details } of consumers) {
      for (const [field, value] of Object.entries(details) as Array<[string, string]>) {
        if (field === 'region') continue; // the region is public by design (the order's buyerRegion)
        const words = value.split(' ').filter((w) => w.length >= 4 && /\D/.test(w));
        for (const part of [value, value.replace(/[\s+-]/g, ''), ...words]) {
          assert.ok(!hasWord(part), `${field} "${part}" leaked`);
        }
      }
    }
    for (const leaked of ['李华', '13800138000', '+86 138 0013 8000', '中关村大街']) assert.ok(!has(leaked));

    // 2. No order key serves two orders: every buyer is distinct, and each order key signs only
    //    transactions about its own order.
    const buyers = orders.map((o) => o.buyer);
    assert.equal(new Set(buyers).size, buyers.length, 'one order key per order');
    const orderOfActor = new Map<string, Set<string>>();
    for (const tx of txs) {
      if (tx.module !== 'orders' && tx.module !== 'reviews') continue;
      const order =
        tx.command === 'create' ? String(tx.params.buyer) : String(tx.params.order ?? tx.params.id ?? '');
      for (const actor of tx.actors) {
        const key = addressFromPublicKey(hexToBytes(actor));
        const subject = tx.command === 'create' ? key : order;
        orderOfActor.set(key, (orderOfActor.get(key) ?? new Set()).add(subject));
      }
    }
    for (const [key, subjects] of orderOfActor) {
      const ordersOfKey = orders.filter((o) => o.buyer === key).map((o) => o.id);
      assert.ok(ordersOfKey.length <= 1, `key ${key} placed ${ordersOfKey.length} orders`);
      for (const s of subjects) assert.ok(s === key || ordersOfKey.includes(s), `key ${key} acted on ${s}`);
    }

    // 3. Grants name no order and no order key, and a grant key is never an order key.
    const grantTxs = txs.filter((t) => t.module === 'privacy');
    assert.ok(grantTxs.length >= 5, 'the demo and this test granted and revoked');
    const grants = [...state.entries()].filter(([k]) => k.startsWith('privacy/'));
    const grantBytes = Buffer.concat([
      ...grants.flatMap(([k, v]) => [Buffer.from(k), Buffer.from(v)]),
      ...grantTxs.map((t) => Buffer.from(JSON.stringify(t))),
    ]);
    const orderKeyHexes = new Set(
      txs.filter((t) => t.module === 'orders' && t.command === 'create').flatMap((t) => t.actors),
    );
    for (const o of orders) {
      assert.ok(!grantBytes.includes(Buffer.from(o.id)), `a grant names order ${o.id}`);
      assert.ok(!grantBytes.includes(Buffer.from(o.buyer)), `a grant names order key ${o.buyer}`);
    }
    for (const t of grantTxs)
      for (const actor of t.actors) assert.ok(!orderKeyHexes.has(actor), 'grant key = order key');
    for (const consumer of consumers) {
      for (let i = 0; i < 3; i++) {
        assert.notEqual(consumer.wallet.grantKey(0).address, consumer.wallet.orderKey(i).address);
      }
      // The wallet's seed never left it.
      const seed = consumer.wallet.exportSeed();
      assert.ok(!has(seed) && !has(bytesToHex(seed)));
    }

    // 4. Nothing pairs two orders of one consumer: the envelopes have one size and no shared bytes (no
    //    common ephemeral key, nonce, wrapped key or ciphertext block), and each names only its carrier
    //    and the bookstore with their registered keys.
    const envelopes = [...state.entries()]
      .filter(([k]) => k.startsWith('orders/delivery/'))
      .map(([k, v]) => ({
        id: k.slice('orders/delivery/'.length),
        envelope: sealedEnvelopeCodec.decode((decodeCanonical(v) as { sealed: Uint8Array }).sealed),
      }));
    const sizes = new Set(envelopes.map((e) => e.envelope.ciphertext.byteLength));
    assert.equal(sizes.size, 1, 'every sealed delivery has the same size');
    const seen = new Map<string, string>();
    for (const { id, envelope } of envelopes) {
      const pieces = [
        envelope.epk,
        envelope.nonce,
        ...envelope.recipients.map((r) => r.wrapped),
        ...Array.from({ length: envelope.ciphertext.byteLength / 16 }, (_, i) =>
          envelope.ciphertext.subarray(i * 16, i * 16 + 16),
        ),
      ];
      for (const piece of pieces) {
        const hex = bytesToHex(piece);
        assert.ok(!seen.has(hex) || seen.get(hex) === id, `orders ${id} and ${seen.get(hex)} share bytes`);
        seen.set(hex, id);
      }
    }
    // Within a consumer, the orders differ in every key: buyer, gateway varies, envelope, and no field
    // of one order's record refers to another order.
    for (const consumer of consumers) {
      const records = consumer.orders.map((o) => orders.find((r) => r.id === o.id)!);
      for (const a of records) {
        for (const b of records) {
          if (a === b) continue;
          const text = JSON.stringify(a);
          assert.ok(!text.includes(b.id) && !text.includes(b.buyer), 'an order refers to another');
        }
      }
      assert.ok(new Set(records.map((r) => r.gateway)).size > 1, 'the consumer used several gateways');
    }
    assert.equal(chainId.length > 0, true);
  });
});

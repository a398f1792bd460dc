/**
 * A market that looks like a real industry, on a development network: six producers (tea, silk, porcelain,
 * snacks, gadgets, and the book story's publisher), two distributors and a dozen merchants; a few hundred
 * products in six categories, minted and shipped by named item codes, listed by two merchants each; live
 * sessions with hosts; then orders over the chain's (fast, development) calendar: most complete, some
 * are returned, disputed and arbitrated, cancelled, or refunded after a recall. Everything is ordinary
 * signed transactions from each organisation's own key, sent in large batches by many submitters at once
 * (demo/batcher.ts). Deterministic from its seed, so two runs make the same market.
 */
import { join } from 'node:path';
import { hexToBytes } from '@hanglian/core';
import type { OrganisationSpec } from '@hanglian/node';
import {
  type Client,
  catalog,
  createClient,
  distribution,
  items,
  orders,
  query,
  type Signer,
  sealDelivery,
  type TxCall,
  walletFromSeed,
} from '@hanglian/sdk';
import { Batcher } from './batcher.js';
import { openNetworkMembers } from './members.js';

/** The market's organisations, added to the book story's at genesis (`devnet --market`). */
export const MARKET_ORGANISATIONS: readonly OrganisationSpec[] = [
  { id: 'tea-house', name: 'West Lake Tea 西湖茶社', roles: ['producer'] },
  { id: 'silk-mill', name: 'Suzhou Silk 苏州丝绸坊', roles: ['producer'] },
  { id: 'porcelain-works', name: 'Jingdezhen Porcelain 景德镇瓷器厂', roles: ['producer'] },
  { id: 'snack-foods', name: 'Good Snacks 良品食品', roles: ['producer'] },
  { id: 'gadget-factory', name: 'Shenzhen Gadgets 深圳智能硬件', roles: ['producer'] },
  { id: 'east-trading', name: 'East China Trading 华东分销', roles: ['distributor', 'merchant'] },
  { id: 'south-supply', name: 'South China Supply 华南供应链', roles: ['distributor', 'merchant'] },
  ...[
    ['shop-tea', 'Hangzhou Tea Shop 杭州茶铺'],
    ['shop-leaf', 'Green Leaf 青叶茶行'],
    ['shop-silk', 'Cloud Brocade 云锦服饰'],
    ['shop-qipao', 'Qipao Studio 旗袍工作室'],
    ['shop-clay', 'Porcelain Home 瓷韵家居'],
    ['shop-kiln', 'Old Kiln 老窑坊'],
    ['shop-snack', 'Snack Corner 零食小铺'],
    ['shop-gift', 'Gift Box 礼盒馆'],
    ['shop-digital', 'Digital Port 数码港'],
    ['shop-geek', 'Geek Lab 极客实验室'],
    ['shop-books', 'Ink House 墨香书屋'],
    ['shop-read', 'Reading Room 读书角'],
  ].map(([id, name]) => ({ id: id!, name: name!, roles: ['merchant'] })),
  { id: 'host-b', name: 'Live Host Mei 小美直播间', roles: ['host'] },
];

interface CategorySpec {
  readonly category: string;
  readonly producer: string;
  readonly prefix: string;
  readonly merchants: readonly [string, string];
  readonly distributor: string;
  readonly products: ReadonlyArray<readonly [zh: string, en: string, price: number]>;
  readonly variants: readonly string[];
  readonly region: string;
  readonly grams: number;
}

const CATEGORIES: readonly CategorySpec[] = [
  {
    category: 'tea',
    producer: 'tea-house',
    prefix: 'tea',
    merchants: ['shop-tea', 'shop-leaf'],
    distributor: 'east-trading',
    products: [
      ['西湖龙井', 'Longjing green tea', 12_800],
      ['碧螺春', 'Biluochun green tea', 9_800],
      ['普洱熟茶', "Pu'er ripe tea", 16_800],
      ['安溪铁观音', 'Tieguanyin oolong', 8_800],
      ['福鼎白茶', 'Fuding white tea', 11_800],
      ['祁门红茶', 'Keemun black tea', 7_800],
      ['茉莉花茶', 'Jasmine tea', 4_800],
      ['武夷大红袍', 'Da Hong Pao rock tea', 19_800],
    ],
    variants: ['明前特级 50g', '雨前一级 100g', '礼盒装 250g', '家庭装 500g', '旅行装 20 包'],
    region: 'CN-33',
    grams: 400,
  },
  {
    category: 'apparel',
    producer: 'silk-mill',
    prefix: 'silk',
    merchants: ['shop-silk', 'shop-qipao'],
    distributor: 'east-trading',
    products: [
      ['真丝围巾', 'silk scarf', 29_900],
      ['改良旗袍', 'modern qipao', 89_900],
      ['丝绸睡衣', 'silk pyjamas', 59_900],
      ['桑蚕丝衬衫', 'mulberry silk shirt', 45_900],
      ['刺绣披肩', 'embroidered shawl', 39_900],
      ['真丝眼罩', 'silk eye mask', 6_900],
      ['宋锦手包', 'Song brocade clutch', 25_900],
      ['丝巾礼盒', 'scarf gift box', 35_900],
    ],
    variants: ['朱红 S', '黛青 M', '月白 L', '墨黑 M', '藕粉 S'],
    region: 'CN-32',
    grams: 300,
  },
  {
    category: 'home',
    producer: 'porcelain-works',
    prefix: 'clay',
    merchants: ['shop-clay', 'shop-kiln'],
    distributor: 'south-supply',
    products: [
      ['青花瓷碗', 'blue-and-white bowl', 6_800],
      ['功夫茶具套装', 'gongfu tea set', 39_800],
      ['粉彩花瓶', 'famille-rose vase', 58_800],
      ['白瓷盖碗', 'white porcelain gaiwan', 8_800],
      ['手绘马克杯', 'hand-painted mug', 4_900],
      ['青瓷餐盘', 'celadon plate', 7_900],
      ['窑变茶杯', 'kiln-glaze cup', 5_900],
      ['陶瓷香炉', 'ceramic incense burner', 12_800],
    ],
    variants: ['单只', '两只装', '四只装', '礼盒装', '大号'],
    region: 'CN-36',
    grams: 1_200,
  },
  {
    category: 'food',
    producer: 'snack-foods',
    prefix: 'snack',
    merchants: ['shop-snack', 'shop-gift'],
    distributor: 'south-supply',
    products: [
      ['每日坚果礼盒', 'daily nuts gift box', 12_900],
      ['五香牛肉干', 'five-spice beef jerky', 5_900],
      ['广式月饼', 'Cantonese mooncakes', 16_800],
      ['芒果干', 'dried mango', 2_990],
      ['桂花糕', 'osmanthus cake', 3_990],
      ['麻辣小龙虾', 'spicy crayfish', 8_900],
      ['手工凤梨酥', 'pineapple cakes', 6_900],
      ['蜂蜜柚子茶', 'honey citron tea', 4_500],
    ],
    variants: ['原味 200g', '香辣 200g', '家庭装 500g', '礼盒装 1kg', '小包装 30 袋'],
    region: 'CN-44',
    grams: 800,
  },
  {
    category: 'electronics',
    producer: 'gadget-factory',
    prefix: 'gadget',
    merchants: ['shop-digital', 'shop-geek'],
    distributor: 'south-supply',
    products: [
      ['蓝牙耳机', 'wireless earbuds', 19_900],
      ['充电宝 20000mAh', 'power bank 20000mAh', 12_900],
      ['智能手环', 'fitness band', 24_900],
      ['机械键盘', 'mechanical keyboard', 39_900],
      ['快充数据线', 'fast-charge cable', 2_900],
      ['护眼台灯', 'eye-care desk lamp', 15_900],
      ['便携音箱', 'portable speaker', 18_900],
      ['无线鼠标', 'wireless mouse', 7_900],
    ],
    variants: ['黑色', '白色', '蓝色', 'Pro 版', '标准版'],
    region: 'CN-44',
    grams: 500,
  },
  {
    category: 'books',
    producer: 'bookpress',
    prefix: 'book',
    merchants: ['shop-books', 'shop-read'],
    distributor: 'east-trading',
    products: [
      ['三国演义', 'Romance of the Three Kingdoms', 6_800],
      ['水浒传', 'Water Margin', 5_800],
      ['西游记', 'Journey to the West', 5_800],
      ['论语译注', 'The Analects, annotated', 3_800],
      ['唐诗三百首', '300 Tang Poems', 2_800],
      ['聊斋志异', 'Strange Tales from a Chinese Studio', 4_800],
      ['边城', 'Border Town', 3_200],
      ['围城', 'Fortress Besieged', 3_900],
    ],
    variants: ['精装版', '平装版', '插图本', '典藏版', '口袋本'],
    region: 'CN-31',
    grams: 700,
  },
];

/** Buyer regions and how often orders come from each (provinces: coarse by design). */
const REGIONS: ReadonlyArray<readonly [string, number]> = [
  ['CN-11', 5],
  ['CN-31', 5],
  ['CN-44', 4],
  ['CN-33', 3],
  ['CN-32', 2],
  ['CN-51', 1],
];

/** A small deterministic generator (mulberry32): the same seed makes the same market. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface MarketProduct {
  /** Its place in its category: 0 sells best. */
  readonly rank: number;
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly producer: string;
  readonly factoryPrice: number;
  readonly spec: CategorySpec;
}

/** The products of the market: 8 × 5 per category, 240 in all. */
export function marketProducts(): MarketProduct[] {
  const out: MarketProduct[] = [];
  for (const spec of CATEGORIES) {
    spec.products.forEach(([zh, en, price], p) => {
      spec.variants.forEach((variant, v) => {
        out.push({
          // Variants interleave so that each product's first variants are the bestsellers.
          rank: v * spec.products.length + p,
          sku: `${spec.prefix}-${p + 1}${String.fromCharCode(97 + v)}`,
          name: `${zh} ${variant} ${en}`,
          category: spec.category,
          producer: spec.producer,
          factoryPrice: Math.round((price * (0.8 + 0.1 * v)) / 100) * 100 - 10,
          spec,
        });
      });
    });
  }
  return out;
}

const BATCH = 'm1';
const MINTED = 400;
/** How many of a category's products sell well (its first ones): they get more stock and most orders. */
const BESTSELLERS = 5;
/** Items each merchant receives of a bestseller and of any other product (every item moves by name, so
 * stock is kept to what the orders need: the chain writes each moved item). */
const STOCK_BESTSELLER = 40;
const STOCK_OTHER = 6;
/** Items a distributor holds of each bestseller. */
const STOCK_DISTRIBUTOR = 20;
/** The most the market's shoppers accept to pay a carrier (fen): above any quote for its routes and weights. */
const MAX_SHIPPING = 20_000;
const CARRIERS = ['carrier-a.express', 'carrier-b.economy'] as const;
const PAYMENTS = ['paybank-a.payment', 'paybank-b.payment'] as const;
const GATEWAYS = ['platform-a', 'platform-b'] as const;

export interface MarketOptions {
  readonly dir: string;
  readonly api: string;
  /** Orders to place in all (default 1,500). */
  readonly orders?: number;
  /** Orders placed per round (default 120): each round moves every open order one step. */
  readonly ordersPerRound?: number;
  readonly seed?: number;
  readonly onStep?: (line: string) => void;
  /** Called when the catalogue (products, stock, listings, sessions) is on chain. */
  readonly onCatalogue?: () => void;
}

export interface MarketReport {
  readonly products: number;
  readonly listings: number;
  readonly orders: number;
  readonly transactions: number;
  readonly ok: number;
  readonly catalogueMs: number;
  readonly totalMs: number;
}

type Fate = 'complete' | 'return' | 'dispute' | 'cancel' | 'open-paid' | 'open-shipped' | 'recalled';

interface Step {
  readonly signer: Signer;
  readonly call: TxCall;
  readonly actors: Signer[];
}

interface LiveOrder {
  readonly id: string;
  readonly listing: string;
  readonly merchant: string;
  readonly carrier: string;
  readonly payer: string;
  readonly gateway: string;
  readonly buyer: Signer;
  readonly fate: Fate;
  step: number;
}

/** Plays the market on a running development network (after the book story). */
export async function seedMarket(options: MarketOptions): Promise<MarketReport> {
  const started = performance.now();
  const say = options.onStep ?? (() => undefined);
  const rand = random(options.seed ?? 20_261_120);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const client: Client = createClient({ url: options.api });
  const members = openNetworkMembers(options.dir);
  const signer = (org: string) => members.signer(org);
  const batcher = new Batcher(client);
  const products = marketProducts();

  say(`  registering ${products.length} products and minting ${MINTED} coded items of each…`);
  for (const p of products) {
    void batcher.add(
      signer(p.producer),
      items.registerProduct({
        sku: p.sku,
        name: p.name,
        category: p.category,
        factoryPrice: p.factoryPrice,
        attributes: { origin: p.spec.region, cover: `${p.category}:${p.sku}` },
      }),
    );
    void batcher.add(
      signer(p.producer),
      items.mintBatch({
        sku: p.sku,
        batch: BATCH,
        count: MINTED,
        site: `${p.producer} plant, ${p.spec.region}`,
      }),
    );
  }
  for (const spec of CATEGORIES) {
    for (const org of [...spec.merchants, spec.distributor]) {
      void batcher.add(
        signer(spec.producer),
        distribution.authoriseChannel({
          org,
          skus: products.filter((p) => p.spec === spec).map((p) => p.sku),
          regions: ['CN'],
        }),
      );
    }
  }
  // Each producer ships every merchant of its category one shipment of named codes (a few of each
  // product, more of its bestsellers), and its distributor wholesale stock of the bestsellers; in the
  // same batch as its minting, since one submitter's transactions run in nonce order.
  const shipments: Array<{ from: string; to: string; id: string }> = [];
  for (const spec of CATEGORIES) {
    const own = products.filter((p) => p.spec === spec);
    const codes = (merchantIndex: number) =>
      own.flatMap((p) => {
        const stock = p.rank < BESTSELLERS ? STOCK_BESTSELLER : STOCK_OTHER;
        return Array.from({ length: stock }, (_, i) => `${p.sku}:${BATCH}:${1 + merchantIndex * stock + i}`);
      });
    const consignments: Array<[string, string[]]> = [
      ...spec.merchants.map((merchant, m): [string, string[]] => [merchant, codes(m)]),
      [
        spec.distributor,
        own
          .filter((p) => p.rank < BESTSELLERS)
          .flatMap((p) =>
            Array.from(
              { length: STOCK_DISTRIBUTOR },
              (_, i) => `${p.sku}:${BATCH}:${2 * STOCK_BESTSELLER + 1 + i}`,
            ),
          ),
      ],
    ];
    for (const [to, list] of consignments) {
      const id = `${spec.category}-${to}-001`;
      shipments.push({ from: spec.producer, to, id });
      void batcher.add(
        signer(spec.producer),
        distribution.ship({
          shipment: id,
          to,
          items: { codes: list },
          where: `${spec.producer} warehouse, ${spec.region}`,
        }),
      );
    }
  }
  await batcher.flush();
  const registered = performance.now();
  say(
    `  ${products.length} products registered, minted and shipped to merchants (${((registered - started) / 1000).toFixed(1)} s)`,
  );

  say(
    '  the merchants confirm receipt and list every product of their category; hosts announce live sessions…',
  );
  for (const s of shipments) {
    void batcher.add(
      signer(s.to),
      distribution.receive({ from: s.from, shipment: s.id, accept: true, where: `${s.to} warehouse` }),
    );
  }
  const listings: Array<{ id: string; merchant: string; product: MarketProduct; price: number }> = [];
  for (const p of products) {
    p.spec.merchants.forEach((merchant, m) => {
      const price = Math.round((p.factoryPrice * (1.35 + 0.1 * m + rand() * 0.3)) / 10) * 10 - 1;
      listings.push({ id: `${merchant}/${p.sku}`, merchant, product: p, price });
      void batcher.add(
        signer(merchant),
        catalog.createListing({
          listing: p.sku,
          sku: p.sku,
          title: `${p.name} · ${merchantLabel(merchant)}`.slice(0, 200),
          price,
          carriers: ['carrier-a', 'carrier-b'],
          shipsTo: ['CN'],
          shipsFrom: p.spec.region,
          returnPolicy: { days: 7, restockingFeeBps: m === 0 ? 0 : 500 },
          hostCommissionBps: 600 + 100 * m,
        }),
      );
    });
  }
  await batcher.flush();
  const { latestBlockTime } = await client.getStatus();
  const featured = (category: string) =>
    listings.filter((l) => l.product.category === category && l.product.rank < 6).map((l) => l.id);
  void batcher.add(
    signer('host-a'),
    catalog.createSession({
      session: 'tea-and-books',
      title: '茶与书之夜 Tea and books night',
      startsAt: latestBlockTime,
      endsAt: latestBlockTime + 30 * 86_400_000,
      listings: [...featured('tea'), ...featured('books')],
    }),
  );
  void batcher.add(
    signer('host-b'),
    catalog.createSession({
      session: 'gadget-friday',
      title: '数码好物周五 Gadget Friday',
      startsAt: latestBlockTime,
      endsAt: latestBlockTime + 30 * 86_400_000,
      listings: [...featured('electronics'), ...featured('food')],
    }),
  );
  await batcher.flush();
  const catalogueMs = performance.now() - started;
  say(
    `  catalogue on chain: ${products.length} products, ${listings.length} listings (${(catalogueMs / 1000).toFixed(1)} s)`,
  );
  options.onCatalogue?.();

  // Orders: a few listings sell most (a long tail, as in real shops), so 带数 has groups large enough
  // to show; each round places new orders and moves every open one a step along its fate.
  const total = options.orders ?? 1_500;
  const perRound = options.ordersPerRound ?? 120;
  const weights = listings.map((_, i) => 1 / (1 + (i % 40)) ** 1.1);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const pickListing = () => {
    let r = rand() * weightSum;
    for (let i = 0; i < listings.length; i++) {
      r -= weights[i]!;
      if (r <= 0) return listings[i]!;
    }
    return listings[0]!;
  };
  const regionSum = REGIONS.reduce((a, [, w]) => a + w, 0);
  const pickRegion = () => {
    let r = rand() * regionSum;
    for (const [region, w] of REGIONS) {
      r -= w;
      if (r <= 0) return region;
    }
    return 'CN-11';
  };
  const fateOf = (): Fate => {
    const r = rand();
    if (r < 0.72) return 'complete';
    if (r < 0.8) return 'return';
    if (r < 0.85) return 'dispute';
    if (r < 0.91) return 'cancel';
    if (r < 0.96) return 'open-paid';
    return 'open-shipped';
  };
  const encryptionKey = new Map<string, Uint8Array>();
  for (const carrier of ['carrier-a', 'carrier-b']) {
    const { result } = await query<{ publicKey: string } | null>(client, {
      module: 'identity',
      name: 'encryptionKey',
      params: { org: carrier },
    });
    if (result !== null) encryptionKey.set(carrier, hexToBytes(result.publicKey));
  }
  const wallet = walletFromSeed(new Uint8Array(32).fill(7));
  let placed = 0;
  let open: LiveOrder[] = [];
  let recalled = false;
  let round = 0;
  while (placed < total || open.length > 0) {
    round++;
    const moving = open;
    open = [];
    // Step every open order along its fate.
    const steps = moving.map((o) => {
      const next = advance(o, signer);
      if (next === undefined) return Promise.resolve(undefined);
      return batcher.add(next.signer, next.call, next.actors).then((outcome) => ({ o, outcome }));
    });
    // New orders.
    const fresh: Array<Promise<{ o: LiveOrder; outcome: { txId: string; code: string } } | undefined>> = [];
    for (let i = 0; i < perRound && placed < total; i++, placed++) {
      const listing = pickListing();
      const buyer = wallet.orderKey(placed);
      const carrierImpl = pick(CARRIERS);
      const carrier = carrierImpl.split('.')[0]!;
      const gateway = pick(GATEWAYS);
      const payment = pick(PAYMENTS);
      const key = encryptionKey.get(carrier);
      if (key === undefined) continue;
      const region = pickRegion();
      const delivery = sealDelivery(
        {
          name: `买家 ${placed}`,
          phone: '+86 138 0000 0000',
          address: `${region} 示例路 ${placed} 号`,
          region,
          postcode: '100000',
        },
        [{ org: carrier, publicKey: key }],
        { context: buyer.address },
      );
      const quantity = rand() < 0.85 ? 1 : 2;
      const call = orders.create({
        buyer: buyer.address,
        listing: listing.id,
        quantity,
        // The order key signs the most it pays. The market's shoppers skip the per-order preview (1,500
        // read-only contract calls would slow the demo down): they accept the listed price and any
        // carrier's fee up to MAX_SHIPPING, which every route and weight here stays below.
        maxTotal: listing.price * quantity + MAX_SHIPPING,
        payment,
        logistics: carrierImpl,
        platform: gateway,
        ...(listing.product.category === 'tea' || listing.product.category === 'electronics'
          ? { session: listing.product.category === 'tea' ? 'host-a/tea-and-books' : 'host-b/gadget-friday' }
          : {}),
        arbiter: 'regulator',
        buyerRegion: region,
        delivery,
        weightGrams: listing.product.spec.grams,
      });
      const o: LiveOrder = {
        id: '',
        listing: listing.id,
        merchant: listing.merchant,
        carrier,
        payer: payment.split('.')[0]!,
        gateway,
        buyer,
        fate: fateOf(),
        step: 0,
      };
      fresh.push(batcher.add(signer(gateway), call, [buyer]).then((outcome) => ({ o, outcome })));
    }
    // A recall, once, half-way: the producer of a popular tea recalls its batch; open orders holding
    // its items are refunded by their next step.
    if (!recalled && placed >= total / 2) {
      recalled = true;
      void batcher.add(
        signer('tea-house'),
        items.recallBatch({ sku: 'tea-1c', batch: BATCH, reason: '包装受潮 damp packaging' }),
      );
    }
    await batcher.flush();
    for (const r of await Promise.all(steps)) {
      if (r === undefined) continue;
      if (r.outcome.code === 'ORDERS_RECALLED') {
        open.push({ ...r.o, fate: 'recalled', step: 1 });
        continue;
      }
      if (r.outcome.code !== 'OK') continue;
      r.o.step++;
      open.push(r.o);
    }
    for (const r of await Promise.all(fresh)) {
      if (r === undefined || r.outcome.code !== 'OK') continue;
      open.push({ ...r.o, id: r.outcome.txId.slice(0, 32), step: 1 });
    }
    open = open.filter((o) => advance(o, signer) !== undefined);
    say(
      `  round ${round}: ${placed} orders placed, ${open.length} open, ${batcher.ok} transactions ok of ${batcher.sent}`,
    );
  }
  return {
    products: products.length,
    listings: listings.length,
    orders: placed,
    transactions: batcher.sent,
    ok: batcher.ok,
    catalogueMs,
    totalMs: performance.now() - started,
  };
}

function merchantLabel(merchant: string): string {
  const spec = MARKET_ORGANISATIONS.find((o) => o.id === merchant);
  return spec?.name.split(' ').at(-1) ?? merchant;
}

/** The next step of an order along its fate, or undefined when it has none left. */
function advance(o: LiveOrder, signer: (org: string) => Signer): Step | undefined {
  const order = o.id;
  const plan: Record<Fate, Array<() => Step>> = {
    complete: [pay, ship, deliver, confirm],
    return: [
      pay,
      ship,
      deliver,
      () => ({
        signer: signer(o.gateway),
        call: orders.return({ order, where: 'buyer' }),
        actors: [o.buyer],
      }),
      () => ({
        signer: signer(o.merchant),
        call: orders.returnReceived({ order, where: 'warehouse' }),
        actors: [],
      }),
    ],
    dispute: [
      pay,
      ship,
      () => ({
        signer: signer(o.gateway),
        call: orders.dispute({ order, reason: '包裹破损 parcel damaged' }),
        actors: [o.buyer],
      }),
      () => ({
        signer: signer('regulator'),
        call: orders.arbitrate({ order, refund: 0, items: 'buyer' }),
        actors: [],
      }),
    ],
    cancel: [() => ({ signer: signer(o.gateway), call: orders.cancel({ order }), actors: [o.buyer] })],
    'open-paid': [pay],
    'open-shipped': [pay, ship],
    // An order holding recalled items: any member may trigger its refund at once.
    recalled: [() => ({ signer: signer(o.gateway), call: orders.refundRecalled({ order }), actors: [] })],
  };
  function pay(): Step {
    return { signer: signer(o.payer), call: orders.confirmPayment({ order }), actors: [] };
  }
  function ship(): Step {
    return {
      signer: signer(o.merchant),
      call: orders.ship({ order, where: `${o.merchant} warehouse` }),
      actors: [],
    };
  }
  function deliver(): Step {
    return {
      signer: signer(o.carrier),
      call: orders.deliver({ order, where: 'doorstep' }),
      actors: [o.buyer],
    };
  }
  function confirm(): Step {
    return { signer: signer(o.gateway), call: orders.confirm({ order }), actors: [o.buyer] };
  }
  const next = plan[o.fate][o.step - 1];
  return next?.();
}

/** Where the market keeps its report beside the network. */
export function marketMarker(dir: string): string {
  return join(dir, 'market-seeded.json');
}

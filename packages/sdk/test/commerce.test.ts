/**
 * The builders of the commerce modules (items, distribution, catalog, registry, orders, reviews) and the
 * insights parameter action: their parameter types equal the state machine's (checked when this file
 * compiles), every command has one, what they build passes each command's schema, and a whole market runs
 * on the state machine's TestChain with nothing but their output (including real sealed delivery details).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { addressFromPublicKey, bytesToHex, hexToBytes, type SigningKey, sha256, utf8 } from '@hanglian/core';
import type * as Kernel from '@hanglian/state-machine';
import {
  type AggregatesView,
  type ContractExecutionThread,
  createKernel,
  RegistryModule,
  type StandardDefinition,
  schemaValue,
  standardTestNetwork,
  TestChain,
  testKey,
  type VerificationView,
} from '@hanglian/state-machine';
import type { Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type * as Sdk from '../src/index.js';
import {
  catalog,
  type DeliveryDetails,
  distribution,
  generateEncryptionKey,
  governance,
  interchain,
  items,
  lightclients,
  openDelivery,
  orders,
  type PurchasedOrder,
  registry,
  reviews,
  sealDelivery,
  type TxCall,
} from '../src/index.js';
import { searchContextFromPurchases } from '../src/local/index.js';
import { LARGEST_REALISTIC_DELIVERY } from './helpers.js';

// Compile-time drift check: a change to a command's schema breaks this build until the SDK follows.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const paramsMatch: [
  Same<Sdk.RegisterProductParams, Kernel.RegisterProductParams>,
  Same<Sdk.MintBatchParams, Kernel.MintBatchParams>,
  Same<Sdk.RecordEventParams, Kernel.RecordEventParams>,
  Same<Sdk.RecallBatchParams, Kernel.RecallBatchParams>,
  Same<Sdk.ItemSelection, Kernel.ItemSelection>,
  Same<Sdk.AuthoriseChannelParams, Kernel.AuthoriseChannelParams>,
  Same<Sdk.RevokeChannelParams, Static<typeof Kernel.RevokeChannelParamsSchema>>,
  Same<Sdk.ShipParams, Kernel.ShipParams>,
  Same<Sdk.ReceiveParams, Kernel.ReceiveParams>,
  Same<Sdk.CreateListingParams, Kernel.CreateListingParams>,
  Same<Sdk.UpdateListingParams, Kernel.UpdateListingParams>,
  Same<Sdk.CreateSessionParams, Kernel.CreateSessionParams>,
  Same<Sdk.DeployCodeParams, Kernel.DeployCodeParams>,
  Same<Sdk.RegisterImplementationParams, Kernel.RegisterImplementationParams>,
  Same<Sdk.RegistryCallParams, Kernel.CallParams>,
  Same<Sdk.CreateOrderParams, Kernel.CreateOrderParams>,
  Same<Sdk.ConfirmPaymentParams, Kernel.ConfirmPaymentParams>,
  Same<Sdk.OrderStepParams, Kernel.ShipOrderParams>,
  Same<Sdk.OrderStepParams, Kernel.DeliverParams>,
  Same<Sdk.OrderStepParams, Kernel.RequestReturnParams>,
  Same<Sdk.OrderStepParams, Kernel.ReturnReceivedParams>,
  Same<Sdk.OrderRefParams, Kernel.ConfirmParams>,
  Same<Sdk.OrderRefParams, Kernel.CancelParams>,
  Same<Sdk.OrderRefParams, Kernel.RefundRecalledParams>,
  Same<Sdk.DisputeParams, Kernel.DisputeParams>,
  Same<Sdk.ArbitrateParams, Kernel.ArbitrateParams>,
  Same<Sdk.SetPayeeParams, Kernel.SetPayeeParams>,
  Same<Sdk.LinkLogisticsParams, Kernel.LinkLogisticsParams>,
  Same<Sdk.SendAcrossParams, Kernel.SendAcrossParams>,
  Same<Sdk.SendMessageParams, Kernel.SendParams>,
  Same<Sdk.UpdateClientParams, Kernel.UpdateParams>,
  Same<
    Extract<Sdk.ProposalAction, { type: 'admitLightClient' }>,
    Static<typeof Kernel.AdmitLightClientActionSchema>
  >,
  Same<Sdk.WriteReviewParams, Kernel.WriteReviewParams>,
  Same<Sdk.ReplyParams, Kernel.ReplyParams>,
  Same<
    Extract<Sdk.ProposalAction, { type: 'setInsightsParameters' }>,
    Static<typeof Kernel.SetInsightsParametersActionSchema>
  >,
  Same<
    Extract<Sdk.ProposalAction, { type: 'setOrdersParameters' }>,
    Static<typeof Kernel.SetOrdersParametersActionSchema>
  >,
  Same<Sdk.GetInsightsParameters, Kernel.AggregatesParams>,
  // What the node answers reads as the SDK's type.
  [AggregatesView] extends [Sdk.InsightsAggregates] ? true : false,
  [VerificationView] extends [Sdk.ItemVerification] ? true : false,
] = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];

const builders: Record<string, Record<string, (params: never) => TxCall>> = {
  items,
  distribution,
  catalog,
  registry,
  orders,
  reviews,
  lightclients,
  interchain,
};

const SKU = 'isbn-9787020002207';
const address = (key: SigningKey) => addressFromPublicKey(key.publicKey);
const order32 = 'ab'.repeat(16);

/** Calls of the linked-chain builders with well-formed (unsigned) headers, packets and proofs. */
function linkedChainSamples(): TxCall[] {
  const zero = new Uint8Array(32);
  const key = testKey('remote/v1');
  const header = {
    v: 1 as const,
    chainId: 'logistics',
    height: 1,
    time: 1,
    previousBlockHash: zero,
    txRoot: zero,
    txCount: 0,
    stateRoot: zero,
    resultsRoot: zero,
    proposer: address(key),
    validatorSetHash: zero,
    nextValidatorSetHash: zero,
    lastCommitHash: zero,
  };
  const validators = [{ publicKey: key.publicKey, power: 1, org: 'remote' }];
  const signed = {
    header,
    commit: {
      height: 1,
      round: 0,
      blockHash: zero,
      signatures: [{ validator: key.publicKey, signature: new Uint8Array(64) }],
    },
    validators,
  };
  const packet = {
    sourceChain: 'logistics',
    destChain: 'commerce',
    sequence: 1,
    sourceModule: 'interchain',
    destModule: 'orders',
    sender: { org: 'carrier-a', address: address(key) },
    payload: { type: 'delivered', order: order32 },
    timeoutHeight: 0,
    timeoutTime: 1,
    sentAtHeight: 1,
    sentAt: 1,
  };
  const proof = { siblings: [zero], leaf: null };
  return [
    lightclients.update({ chainId: 'logistics', trustedHeight: 0, signed }),
    lightclients.update({ chainId: 'logistics', trustedHeight: 0, signed, trustedValidators: validators }),
    lightclients.submitMisbehaviour({
      chainId: 'logistics',
      trustedHeight: 0,
      first: signed,
      second: signed,
    }),
    interchain.send({ destChain: 'commerce', destModule: 'orders', payload: packet.payload, timeoutTime: 1 }),
    interchain.receive({ packet, proofHeight: 1, proof }),
    interchain.acknowledge({
      destChain: 'commerce',
      sequence: 1,
      receipt: {
        sourceChain: 'logistics',
        sequence: 1,
        packetHash: zero,
        status: 'delivered',
        code: 'OK',
        message: '',
        receivedAtHeight: 1,
        receivedAt: 1,
      },
      proofHeight: 1,
      proof,
    }),
  ];
}

/** One call of every builder, with optional parameters present and absent. */
function samples(): TxCall[] {
  const delivery = new Uint8Array(64);
  return [
    items.registerProduct({ sku: SKU, name: '红楼梦', category: 'books', factoryPrice: 3_500 }),
    items.registerProduct({
      sku: SKU,
      name: 'x',
      category: 'books',
      factoryPrice: 1,
      attributes: { a: 'b' },
    }),
    items.mintBatch({ sku: SKU, batch: 'b1', count: 10, site: 'press' }),
    items.recordEvent({ items: { codes: [`${SKU}:b1:1`] }, bizStep: 'packing', where: 'dock', why: '' }),
    items.recordEvent({
      items: { range: { sku: SKU, batch: 'b1', from: 1, to: 5 } },
      bizStep: 'inspecting',
      where: 'lab',
      why: 'qc',
    }),
    items.recallBatch({ sku: SKU, batch: 'b1', reason: 'misprint' }),
    distribution.authoriseChannel({ org: 'shop' }),
    distribution.authoriseChannel({ org: 'shop', skus: [SKU], regions: ['CN'], until: undefined }),
    distribution.authoriseChannel({ org: 'shop', skus: [SKU], regions: ['CN-31'], until: 1 }),
    distribution.revokeChannel({ org: 'shop' }),
    distribution.ship({ shipment: 's-1', to: 'shop', items: { codes: [`${SKU}:b1:1`] }, where: 'dock' }),
    distribution.receive({ from: 'brand', shipment: 's-1', accept: false, where: 'shop' }),
    catalog.createListing({
      listing: 'l1',
      sku: SKU,
      title: 't',
      price: 1,
      carriers: ['post'],
      returnPolicy: { days: 0, restockingFeeBps: 0 },
      shipsTo: undefined,
    }),
    catalog.createListing({
      listing: 'l1',
      sku: SKU,
      title: 't',
      price: 1,
      carriers: ['post'],
      shipsTo: ['CN'],
      returnPolicy: { days: 7, restockingFeeBps: 500 },
      hostCommissionBps: 800,
      inventory: 'shop.inventory',
      shipsFrom: 'CN-31',
    }),
    catalog.updateListing({ listing: 'l1', status: 'paused', price: undefined }),
    catalog.createSession({ session: 's1', title: 't', startsAt: 0, endsAt: 1, listings: ['shop/l1'] }),
    registry.deployCode({ source: 'var contract = {};' }),
    registry.registerImplementation({
      id: 'pay.fee',
      standard: 'commerce.payment/1',
      codeHash: '0'.repeat(64),
      displayName: 'fee',
    }),
    registry.call({ implementation: 'pay.fee', method: 'fee', args: [{ amount: 1 }] }),
    orders.create({
      buyer: address(testKey('o')),
      listing: 'shop/l1',
      quantity: 1,
      payment: 'pay.fee',
      logistics: 'post.quote',
      platform: 'plat',
      arbiter: 'reg',
      buyerRegion: 'CN-11',
      delivery,
      weightGrams: 500,
      session: undefined,
      maxTotal: 1_000,
      unitPrice: undefined,
      maxShipping: 800,
    }),
    orders.confirmPayment({ order: order32 }),
    orders.confirmPayment({ order: order32, from: address(testKey('o')) }),
    orders.ship({ order: order32 }),
    orders.deliver({ order: order32, where: 'door' }),
    orders.confirm({ order: order32 }),
    orders.cancel({ order: order32 }),
    orders.return({ order: order32, where: undefined }),
    orders.returnReceived({ order: order32, where: 'shop' }),
    orders.dispute({ order: order32, reason: 'late' }),
    orders.arbitrate({ order: order32, refund: 0, items: 'merchant' }),
    orders.refundRecalled({ order: order32 }),
    orders.setPayee({ address: address(testKey('payee')) }),
    items.sendAcross({ codes: [`${SKU}:b1:1`], destChain: 'logistics', to: 'carrier-a', timeoutHeight: 10 }),
    items.sendAcross({ codes: [`${SKU}:b1:2`], destChain: 'logistics', to: 'carrier-a' }),
    orders.linkLogistics({ implementation: 'carrier-a.express', chainId: 'logistics', carrier: 'carrier-a' }),
    ...linkedChainSamples(),
    reviews.write({ order: order32, rating: 5, text: '' }),
    reviews.reply({ order: order32, text: 'thanks' }),
  ];
}

describe('commerce builders', () => {
  const registryModule = new RegistryModule();
  const kernel = createKernel({ registry: registryModule });
  after(() => (registryModule.executor as ContractExecutionThread).close());

  it('there is a builder for every command of the commerce modules; insights has none to build', () => {
    assert.ok(paramsMatch.every(Boolean));
    for (const module of kernel.modules) {
      if (!(module.name in builders)) continue;
      const commands = module.commands.map((c) => c.name).sort();
      assert.deepEqual(Object.keys(builders[module.name] ?? {}).sort(), commands, module.name);
    }
    assert.deepEqual(kernel.insights.commands, [], 'insights is written by orders and set by governance');
  });

  it("every builder's output passes its command's schema, with absent optional params dropped", () => {
    const commands = new Map(
      kernel.modules.flatMap((m) => m.commands.map((c) => [`${m.name}.${c.name}`, c] as const)),
    );
    const built = samples();
    for (const call of built) {
      const command = commands.get(`${call.module}.${call.command}`);
      assert.ok(command !== undefined, `${call.module}.${call.command} exists`);
      const check = TypeCompiler.Compile(command.paramsSchema);
      assert.ok(
        check.Check(call.params),
        `${call.module}.${call.command}: ${check.Errors(call.params).First()?.message}`,
      );
      assert.ok(
        Object.values(call.params as object).every((v) => v !== undefined),
        `${call.command} has no undefined`,
      );
    }
    const covered = new Set(built.map((c) => `${c.module}.${c.command}`));
    for (const [module, set] of Object.entries(builders)) {
      for (const name of Object.keys(set)) assert.ok(covered.has(`${module}.${name}`), `${module}.${name}`);
    }
  });
});

const one = (name: string, schema: object) => [{ name, schema: schemaValue(schema) }];
const loose = { type: 'object' };
const STANDARDS: StandardDefinition[] = [
  {
    id: 'commerce.payment/1',
    title: 'Payment fee',
    behaviour: 'fee({amount}) returns {fee}.',
    methods: [
      { name: 'fee', summary: 'Fee.', params: one('r', loose), output: schemaValue(loose), readOnly: true },
    ],
    events: [],
    vectors: [{ name: 'fee', method: 'fee', args: [{ amount: 10_000 }], expect: { ok: true } }],
    implementerRoles: ['payment'],
  },
  {
    id: 'commerce.logistics/1',
    title: 'Parcel quote',
    behaviour: 'quote(r) returns {fee, days}.',
    methods: [
      {
        name: 'quote',
        summary: 'Quote.',
        params: one('r', loose),
        output: schemaValue(loose),
        readOnly: true,
      },
    ],
    events: [],
    vectors: [{ name: 'quote', method: 'quote', args: [{ items: 1, weightGrams: 1 }], expect: { ok: true } }],
    implementerRoles: ['carrier'],
  },
];
const FEE = 'var contract = { fee(r) { return { fee: Math.floor(r.amount / 100) }; } };';
const QUOTE = 'var contract = { quote(r) { return { fee: 800, days: 1 }; } };';

describe('a market run with nothing but the builders', () => {
  const registryModule = new RegistryModule();
  after(() => (registryModule.executor as ContractExecutionThread).close());

  it('the state machine accepts every builder: produce, distribute, list, deploy, order, review', async () => {
    const post = generateEncryptionKey();
    const shopKey = generateEncryptionKey();
    const builder = standardTestNetwork()
      .organisation('plat', ['platform'], 'Platform Co.')
      .organisation('post', ['carrier'], 'Post Co.');
    for (const org of ['plat', 'post']) {
      builder
        .identity(`${org}/admin`, { org, permissions: ['admin', 'transact'] })
        .identity(`${org}/clerk`, { org, permissions: ['transact'] });
    }
    builder.encryptionKey('post', post.publicKey).encryptionKey('shop', shopKey.publicKey);
    builder.balance(address(testKey('pay/clerk')), 10_000_000, 'pay');
    const genesis = builder.build();
    genesis.modules.registry = { standards: STANDARDS };
    const chain = new TestChain(genesis, {
      kernel: createKernel({ registry: registryModule }),
      blockIntervalMs: 3_600_000,
    });
    const run = (signer: string, call: TxCall, actors: SigningKey[] = []) => {
      const result = chain.submit(testKey(signer), call.module, call.command, call.params, { actors });
      assert.equal(result.code, 'OK', `${call.module}.${call.command}: ${result.code} ${result.message}`);
      return result;
    };

    run(
      'brand/clerk',
      items.registerProduct({ sku: SKU, name: '红楼梦', category: 'books', factoryPrice: 3_500 }),
    );
    run('brand/clerk', items.mintBatch({ sku: SKU, batch: 'b1', count: 20, site: 'press' }));
    run('brand/clerk', items.mintBatch({ sku: SKU, batch: 'b2', count: 2, site: 'press' }));
    const range = (batch: string, to: number) => ({ range: { sku: SKU, batch, from: 1, to } });
    run(
      'brand/clerk',
      items.recordEvent({ items: range('b1', 20), bizStep: 'packing', where: 'dock', why: '' }),
    );
    run('brand/clerk', distribution.authoriseChannel({ org: 'shop', skus: [SKU], regions: ['CN'] }));
    run(
      'brand/clerk',
      distribution.ship({ shipment: 's-1', to: 'shop', items: range('b1', 20), where: 'dock' }),
    );
    run('shop/clerk', distribution.receive({ from: 'brand', shipment: 's-1', accept: true, where: 'shop' }));
    run(
      'brand/clerk',
      distribution.ship({ shipment: 's-2', to: 'shop', items: range('b2', 2), where: 'dock' }),
    );
    run('shop/clerk', distribution.receive({ from: 'brand', shipment: 's-2', accept: true, where: 'shop' }));

    for (const [admin, id, standard, source] of [
      ['pay/admin', 'pay.fee', 'commerce.payment/1', FEE],
      ['post/admin', 'post.quote', 'commerce.logistics/1', QUOTE],
    ] as const) {
      run(admin, registry.deployCode({ source }));
      const codeHash = bytesToHex(sha256(utf8(source)));
      run(admin, registry.registerImplementation({ id, standard, codeHash, displayName: id }));
    }
    run('pay/clerk', registry.call({ implementation: 'pay.fee', method: 'fee', args: [{ amount: 5_000 }] }));

    run(
      'shop/clerk',
      catalog.createListing({
        listing: 'hlm',
        sku: SKU,
        title: '红楼梦',
        price: 6_000,
        carriers: ['post'],
        shipsTo: ['CN'],
        shipsFrom: 'CN-31',
        returnPolicy: { days: 7, restockingFeeBps: 500 },
        hostCommissionBps: 800,
      }),
    );
    run('shop/clerk', catalog.updateListing({ listing: 'hlm', price: 5_980 }));
    const now = chain.blockInfo().time;
    run(
      'shop/clerk',
      catalog.createSession({
        session: 'night',
        title: 'Reading night',
        startsAt: now - 1,
        endsAt: now + 30 * 86_400_000,
        listings: ['shop/hlm'],
      }),
    );

    let n = 0;
    const place = (
      details: DeliveryDetails = {
        name: '李华',
        phone: '+86 138 0013 8000',
        address: '海淀区 27 号',
        region: 'CN-11',
      },
    ): { id: string; key: SigningKey } => {
      const key = testKey(`sdk-commerce/order-${n++}`);
      const delivery = sealDelivery(
        details,
        [
          { org: 'post', publicKey: post.publicKey },
          { org: 'shop', publicKey: shopKey.publicKey },
        ],
        { context: address(key) },
      );
      const created = run(
        'plat/clerk',
        orders.create({
          buyer: address(key),
          listing: 'shop/hlm',
          quantity: 1,
          payment: 'pay.fee',
          logistics: 'post.quote',
          platform: 'plat',
          session: 'shop/night',
          arbiter: 'reg',
          buyerRegion: 'CN-11',
          delivery,
          weightGrams: 800,
          // 59.80 and the carrier's flat 8.00, as a wallet would have shown the buyer.
          maxTotal: 6_780,
          unitPrice: 5_980,
        }),
        [key],
      );
      return { id: (created.events.find((e) => e.name === 'created')!.data as { order: string }).order, key };
    };
    const pay = (order: string) => run('pay/clerk', orders.confirmPayment({ order }));
    const shipAndDeliver = ({ id, key }: { id: string; key: SigningKey }) => {
      run('shop/clerk', orders.ship({ order: id, where: 'shop' }));
      run('post/clerk', orders.deliver({ order: id, where: 'door' }), [key]);
    };

    // Completed and reviewed.
    const first = place();
    pay(first.id);
    shipAndDeliver(first);
    run('plat/clerk', orders.confirm({ order: first.id }), [first.key]);
    run('plat/clerk', reviews.write({ order: first.id, rating: 5, text: 'fast' }), [first.key]);
    run('shop/clerk', reviews.reply({ order: first.id, text: 'thanks' }));
    // Cancelled.
    const second = place();
    run('plat/clerk', orders.cancel({ order: second.id }), [second.key]);
    // Returned.
    const third = place();
    pay(third.id);
    shipAndDeliver(third);
    run('plat/clerk', orders.return({ order: third.id }), [third.key]);
    run('shop/clerk', orders.returnReceived({ order: third.id, where: 'shop' }));
    // Disputed and arbitrated.
    const fourth = place();
    pay(fourth.id);
    run('plat/clerk', orders.dispute({ order: fourth.id, reason: 'never shipped' }), [fourth.key]);
    run('reg/clerk', orders.arbitrate({ order: fourth.id, refund: 3_000, items: 'merchant' }));
    // Recalled, then refunded by any member.
    const fifth = place();
    pay(fifth.id);
    const code = (chain.query('orders', 'order', { id: fifth.id }) as { codes: string[] }).codes[0]!;
    run('brand/clerk', items.recallBatch({ sku: SKU, batch: code.split(':')[1]!, reason: 'misprint' }));
    run('reg/clerk', orders.refundRecalled({ order: fifth.id }));
    // The shop's shares go to a payee account that co-signs.
    const payee = testKey('sdk-commerce/payee');
    run('shop/admin', orders.setPayee({ address: address(payee) }), [payee]);
    run('brand/clerk', distribution.revokeChannel({ org: 'shop' }));
    // Governance can set the orders' deadline windows with the SDK's action type.
    run(
      'brand/admin',
      governance.submitProposal({
        title: 'A day to pay',
        action: { type: 'setOrdersParameters', paymentWindowMs: 86_400_000 },
      }),
    );
    // Governance can set the insights group size with the SDK's action type.
    run(
      'brand/admin',
      governance.submitProposal({
        title: 'Groups of 10',
        action: { type: 'setInsightsParameters', minGroupSize: 10 },
      }),
    );

    // The largest realistic delivery details: accepted by create, and the carrier reads them back.
    const sixth = place(LARGEST_REALISTIC_DELIVERY);
    const sealed = chain.query('orders', 'delivery', { id: sixth.id }) as { sealed: string };
    assert.deepEqual(
      openDelivery(hexToBytes(sealed.sealed), 'post', post.privateKey, { context: address(sixth.key) }),
      { ...LARGEST_REALISTIC_DELIVERY },
    );

    const statuses = [first, second, third, fourth, fifth].map(
      ({ id }) => (chain.query('orders', 'order', { id }) as { status: string }).status,
    );
    assert.deepEqual(statuses, ['completed', 'cancelled', 'returned', 'arbitrated', 'refunded']);

    // The wallet's search context from these purchases as discovery finds them (`orders.buyerBucket`,
    // answered by this state machine with each order's category and review): the orders kept (not
    // cancelled, returned or refunded), each with its product's category and unit price, and the review
    // the first order's key wrote.
    const purchases = [first, second, third, fourth, fifth].map(({ id }) => {
      const { buyer } = chain.query('orders', 'order', { id }) as PurchasedOrder;
      const answer = chain.query('orders', 'buyerBucket', { bucket: buyer.slice(2, 8) }) as {
        orders: PurchasedOrder[];
      };
      return { order: answer.orders.find((o) => o.id === id)! };
    });
    const context = searchContextFromPurchases(purchases, {
      grants: [{ grantee: 'plat', categories: ['books'], expiresAt: 1 }],
    });
    const category = (chain.query('items', 'product', { sku: SKU }) as { category: string }).category;
    assert.deepEqual(
      context.purchases.map((p) => [p.sku, p.category, p.merchant, p.price, p.quantity]),
      [
        [SKU, category, 'shop', 5_980, 1],
        [SKU, category, 'shop', 5_980, 1],
      ],
    );
    assert.deepEqual(
      context.reviews.map((r) => [r.sku, r.merchant, r.stars]),
      [[SKU, 'shop', 5]],
    );
    assert.deepEqual(context.grants, [{ grantee: 'plat', categories: ['books'], expiresAt: 1 }]);
  });
});

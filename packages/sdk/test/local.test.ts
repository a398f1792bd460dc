/**
 * `@hanglian/sdk/local` against a real node: the two reference `commerce.search/2` implementations are
 * deployed and registered by their platforms; a wallet fetches each one's code with proofs, runs it in its
 * own sandbox and gets exactly the chain's `callReadOnly` answer and gas; the requests it makes (recorded
 * at its fetch) carry nothing of the private context and are the same whatever the context; a node that
 * alters the code is caught; a method that reads chain state gives no local answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  commerceGenesisSection,
  PERSONAL_SEARCH_STANDARD,
  type PersonalSearchRequest,
  referenceImplementation,
  searchWorkload,
} from '@hanglian/commerce-standards';
import { bytesToHex, sha256, utf8 } from '@hanglian/core';
import type { ReadOnlyCallView, StandardDefinition } from '@hanglian/state-machine';
import {
  type Client,
  createClient,
  createLightClient,
  genesisHashOf,
  type LightClient,
  memberSigner,
  query,
  registry,
  signAndSubmit,
  validatorSetFromGenesis,
} from '../src/index.js';
import {
  fetchImplementation,
  LocalRunner,
  type PersonalSearchInput,
  rankLocally,
  type SearchContext,
} from '../src/local/index.js';
import { rejectsWithCode, startTestChain, type TestChain } from './helpers.js';

// Compile-time drift check: the SDK's copy of the request type is the standard's.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const requestTypesAgree: Same<PersonalSearchInput, PersonalSearchRequest> = true;

/** A standard whose one method reads contract state: it cannot be answered without the chain. */
const PEEK_STANDARD: StandardDefinition = {
  id: 'test.peek/1',
  title: 'Reads its own state',
  behaviour: 'peek() returns the value under k, or null.',
  methods: [{ name: 'peek', summary: 'k', params: [], output: {}, readOnly: true }],
  events: [],
  vectors: [{ name: 'empty', method: 'peek', args: [], expect: { ok: true, value: null } }],
  implementerRoles: [],
};
const PEEK_SOURCE = "var contract = { peek: function () { return chain.state.get('k') || null; } };";

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

describe('@hanglian/sdk/local: a platform’s search run in the wallet', () => {
  let chain: TestChain;
  let plain: Client;
  let tamper: ((url: string, text: string) => string) | undefined;
  let light: LightClient;
  let runner: LocalRunner;

  /**
   * A wallet that trusts the genesis: its client records every request it makes (and lets a test alter
   * the answers, to play a lying node), its light client follows the chain from height 0.
   */
  const newWallet = (): { light: LightClient; recorded: Recorded[] } => {
    const recorded: Recorded[] = [];
    const client = createClient({
      url: chain.url,
      fetch: async (input, init) => {
        const url = String(input);
        recorded.push({ method: init?.method ?? 'GET', url, body: String(init?.body ?? '') });
        const response = await fetch(input, init);
        if (tamper === undefined) return response;
        const text = tamper(url, await response.text());
        return new Response(text, { status: response.status, headers: response.headers });
      },
    });
    const walletLight = createLightClient({
      client,
      trust: {
        chainId: chain.genesis.chainId,
        height: 0,
        blockHash: genesisHashOf(chain.genesis),
        validators: validatorSetFromGenesis(chain.genesis),
      },
    });
    return { light: walletLight, recorded };
  };

  before(async () => {
    chain = await startTestChain({
      registry: {
        ...commerceGenesisSection(),
        standards: [...commerceGenesisSection().standards!, PEEK_STANDARD],
      },
    });
    // Generous: on a loaded machine the node's query workers (a lower thread priority) start slowly.
    plain = createClient({ url: chain.url, timeoutMs: 180_000 });
    for (const [id, org] of [
      ['platform-a.merchants', 'platform-a'],
      ['platform-b.discover', 'platform-b'],
    ] as const) {
      const implementation = referenceImplementation(id);
      const signer = memberSigner(chain.key(`${org}/admin`));
      await signAndSubmit(plain, { signer, ...registry.deployCode({ source: implementation.source }) });
      const registered = await signAndSubmit(plain, {
        signer,
        ...registry.registerImplementation({
          id,
          standard: implementation.standard,
          codeHash: implementation.codeHash,
          displayName: implementation.displayName,
        }),
      });
      assert.equal(registered.status.status, 'committed');
    }
    const peekSigner = memberSigner(chain.key('bookstore/admin'));
    await signAndSubmit(plain, { signer: peekSigner, ...registry.deployCode({ source: PEEK_SOURCE }) });
    await signAndSubmit(plain, {
      signer: peekSigner,
      ...registry.registerImplementation({
        id: 'bookstore.peek',
        standard: PEEK_STANDARD.id,
        codeHash: bytesToHex(sha256(utf8(PEEK_SOURCE))),
        displayName: 'peek',
      }),
    });
    light = newWallet().light;
    runner = await LocalRunner.create();
  });
  after(() => chain?.stop());

  const contextOf = (seed: number): SearchContext =>
    searchWorkload({ listings: 0, purchases: 40, seed }).context;
  // Small enough for the node's own query gas cap (50 M), so the chain can answer the same request.
  const request = (context: SearchContext): PersonalSearchInput => ({
    ...searchWorkload({ listings: 120, purchases: 0, seed: 7 }),
    query: '',
    context,
  });

  it('fetches each platform’s code with proofs and ranks exactly as the chain does, gas included', async () => {
    assert.ok(requestTypesAgree);
    for (const id of ['platform-a.merchants', 'platform-b.discover']) {
      for (const seed of [1, 2]) {
        const input = request(contextOf(seed));
        // The chain's answer first (the node runs it on a query worker at its latest height), then the
        // wallet's at that same height: the engine is handed the height, so the gas is equal only there.
        const { result: onChain, height } = await query<ReadOnlyCallView>(plain, {
          module: 'registry',
          name: 'callReadOnly',
          params: { implementation: id, method: 'rank', args: [input] },
        });
        assert.ok(onChain.ok, JSON.stringify(onChain));
        const verified = await fetchImplementation(light, id, { height });
        assert.equal(verified.code.hash, referenceImplementation(id).codeHash);
        assert.equal(verified.standard.id, PERSONAL_SEARCH_STANDARD.id);
        assert.equal(verified.parameters.queryGasLimit, commerceGenesisSection().parameters!.queryGasLimit);
        const local = rankLocally(runner, verified, input);
        assert.deepEqual(local.ids, (onChain.value as { ids: string[] }).ids, `${id}, context ${seed}`);
        assert.equal(local.gasUsed, onChain.gasUsed, `${id}: the same gas as the chain`);
        assert.equal(local.codeHash, onChain.codeHash);
      }
    }
  });

  it('two contexts rank differently, with the same requests, none carrying the context', async () => {
    const rankings: string[][] = [];
    const traffic: string[][] = [];
    const contexts = [contextOf(1), contextOf(2)];
    // Two wallets (two shoppers), each with its own history, searching at the same height.
    const { height } = await plain.getStatus();
    for (const context of contexts) {
      const wallet = newWallet();
      const { recorded } = wallet;
      const verified = await fetchImplementation(wallet.light, 'platform-b.discover', { height });
      const before = recorded.length;
      rankings.push(rankLocally(runner, verified, request(context)).ids);
      assert.equal(recorded.length, before, 'a local ranking makes no request');
      traffic.push(recorded.map((r) => `${r.method} ${r.url} ${r.body}`));
    }
    assert.notDeepEqual(rankings[0], rankings[1], 'different histories, different rankings');
    assert.deepEqual(traffic[0], traffic[1], 'identical network traffic');
    const everything = traffic.flat().join('\n');
    assert.ok(traffic[0]!.length > 0, 'the code and limits were fetched');
    for (const context of contexts) {
      for (const purchase of context.purchases) {
        assert.ok(!everything.includes(`"${purchase.sku}"`), `${purchase.sku} left the wallet`);
        assert.ok(!everything.includes(String(purchase.time)), 'a purchase time left the wallet');
      }
    }
    assert.doesNotMatch(everything, /purchases|reviews|grants|callReadOnly/);
  });

  it('refuses code a node altered (the proof does not verify)', async () => {
    tamper = (url, text) => {
      if (!url.includes('registry%2Fcode') && !url.includes('registry/code')) return text;
      const answer = JSON.parse(text) as { value: string | null };
      // Flip one character of the source (hex of the CBOR value): the proof no longer matches.
      const value = answer.value!;
      const at = value.length - 8;
      answer.value = value.slice(0, at) + (value[at] === '0' ? '1' : '0') + value.slice(at + 1);
      return JSON.stringify(answer);
    };
    try {
      await rejectsWithCode(fetchImplementation(light, 'platform-a.merchants'), 'SDK_VERIFY_FAILED');
    } finally {
      tamper = undefined;
    }
  });

  it('gives no local answer for a method that reads chain state, and none for an unknown id', async () => {
    const peek = await fetchImplementation(light, 'bookstore.peek');
    assert.throws(() => runner.call(peek, 'peek', []), { code: 'SDK_LOCAL_STATE_READ' });
    await rejectsWithCode(fetchImplementation(light, 'platform-c.none'), 'SDK_LOCAL_NOT_FOUND');
    const discover = await fetchImplementation(light, 'platform-b.discover');
    assert.throws(() => rankLocally(runner, discover, { ...request(contextOf(1)), query: 'x'.repeat(201) }), {
      code: 'REGISTRY_BAD_ARGS',
    });
  });
});

// The operator's command line end to end, against a real node process: keys, generic transactions and
// queries, item verification, organisation admission by vote, key rotation, evidence export and verify.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addressFromPublicKey, bytesToHex } from '@hanglian/core';
import { initNetwork, networkPaths, orgPaths, readCard, readKeyFile, readOrgKey } from '@hanglian/node';
import { createClient, memberSigner, query, settlement, signAndSubmit } from '@hanglian/sdk';
import { freePortRange } from '@hanglian/testkit';
import { hanglian, type RunningNode, startNodeProcess } from './helpers.js';

describe('hanglian CLI against a running node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-cli-'));
  const net = join(dir, 'net');
  let node: RunningNode;
  let api: string;

  before(async () => {
    const basePort = await freePortRange(16);
    initNetwork({ dir: net, chainId: 'hanglian-cli', genesisTime: Date.now(), basePort, scryptN: 1024 });
    node = await startNodeProcess(net);
    api = node.api;
  });

  after(async () => {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const heightOf = async (url: string) =>
    ((await (await fetch(`${url}/v1/status`)).json()) as { height: number }).height;
  const signer = (org: string, key = 'ops') => ['--network', net, '--org', org, '--key', key, '--api', api];

  it('creates and shows encrypted keys', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'a long passphrase\n');
    const created = await hanglian(
      'keys',
      'new',
      '--out',
      join(dir, 'k.json'),
      '--passphrase-file',
      join(dir, 'secret.txt'),
      '--json',
    );
    assert.equal(created.code, 0, created.stderr);
    const shown = await hanglian('keys', 'show', join(dir, 'k.json'), '--json');
    assert.equal(JSON.parse(shown.stdout).publicKey, JSON.parse(created.stdout).publicKey);
    assert.ok(!readFileSync(join(dir, 'k.json'), 'utf8').includes('a long passphrase'));
    const again = await hanglian(
      'keys',
      'new',
      '--out',
      join(dir, 'k.json'),
      '--passphrase-file',
      join(dir, 'secret.txt'),
    );
    assert.notEqual(again.code, 0, 'never overwrites a key file');
  });

  it('submits any command and runs any query; a failed command exits with its code', async () => {
    const pass = readFileSync(join(net, 'DEV-ONLY-PASSPHRASE.txt'), 'utf8').trim();
    const to = addressFromPublicKey(readKeyFile(networkPaths.key(net, 'bookpress/ops'), pass).publicKey);
    const paid = await hanglian(
      'tx',
      'settlement',
      'transfer',
      JSON.stringify({ to, amount: 1_234 }),
      ...signer('bookstore'),
      '--json',
    );
    assert.equal(paid.code, 0, paid.stderr);
    assert.equal(JSON.parse(paid.stdout).result.code, 'OK');
    // A balance is a members-only read: without a member key it is refused with its code.
    const anonymous = await hanglian(
      'query',
      'settlement',
      'balance',
      JSON.stringify({ address: to }),
      '--api',
      api,
    );
    assert.notEqual(anonymous.code, 0, anonymous.stdout + anonymous.stderr);
    assert.match(anonymous.stderr, /READ_AUTH_REQUIRED/, anonymous.stdout + anonymous.stderr);
    const balance = await hanglian(
      'query',
      'settlement',
      'balance',
      JSON.stringify({ address: to }),
      ...signer('bookpress'),
    );
    assert.equal(balance.code, 0, balance.stderr);
    assert.equal(JSON.parse(balance.stdout).result.amount, 100_001_234);
    const tooMuch = await hanglian(
      'tx',
      'settlement',
      'transfer',
      JSON.stringify({ to, amount: 10 ** 15 }),
      ...signer('bookstore'),
    );
    assert.notEqual(tooMuch.code, 0);
    assert.match(tooMuch.stderr, /SETTLEMENT_INSUFFICIENT_BALANCE/);
    const badJson = await hanglian('tx', 'settlement', 'transfer', '{not json', ...signer('bookstore'));
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /BAD_REQUEST/);
  });

  it("reads a producer's 带数 aggregates only as a member, and only for closed months", async () => {
    const args = (month: string, measure = 'sales') => [
      'insights',
      '--producer',
      'bookpress',
      '--month',
      month,
      '--measure',
      measure,
    ];
    const anonymous = await hanglian(...args('2020-01'), '--api', api);
    assert.notEqual(anonymous.code, 0, anonymous.stdout);
    assert.match(anonymous.stderr, /READ_AUTH_REQUIRED/);
    // A month before the chain is closed and empty; the current month (chain calendar, UTC+8) is open.
    const before = await hanglian(...args('2020-01'), ...signer('bookpress'), '--json');
    assert.equal(before.code, 0, before.stderr);
    assert.equal(JSON.parse(before.stdout).month, '2020-01');
    const current = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    const open = await hanglian(...args(current), ...signer('bookpress'));
    assert.notEqual(open.code, 0, open.stdout);
    assert.match(open.stderr, /INSIGHTS_MONTH_OPEN/);
    const badMeasure = await hanglian(...args('2020-01', 'profits'), ...signer('bookpress'));
    assert.equal(badMeasure.code, 2);
    assert.match(badMeasure.stderr, /--measure must be one of/);
  });

  it('verifies item codes: genuine exits 0, unknown exits 8', async () => {
    const product = {
      sku: 'isbn-9787020002207',
      name: 'Dream of the Red Chamber',
      category: 'books',
      factoryPrice: 3500,
    };
    assert.equal(
      (await hanglian('tx', 'items', 'registerProduct', JSON.stringify(product), ...signer('bookpress')))
        .code,
      0,
    );
    assert.equal(
      (
        await hanglian(
          'tx',
          'items',
          'mintBatch',
          JSON.stringify({ sku: product.sku, batch: 'b1', count: 10_000, site: 'press-1' }),
          ...signer('bookpress'),
        )
      ).code,
      0,
    );
    const genuine = await hanglian('item', 'verify', `${product.sku}:b1:9999`, '--api', api);
    assert.equal(genuine.code, 0, genuine.stdout + genuine.stderr);
    assert.match(genuine.stdout, /GENUINE/);
    assert.match(genuine.stdout, /commissioning/);
    const clone = await hanglian('item', 'verify', `${product.sku}:b1:10001`, '--api', api);
    assert.equal(clone.code, 8);
    assert.match(clone.stdout, /UNKNOWN/);
  });

  it('admits an organisation by the votes of more than 2/3 of the members', async () => {
    writeFileSync(join(dir, 'newshop-secret.txt'), 'another passphrase\n');
    const root = JSON.parse(
      (
        await hanglian(
          'keys',
          'new',
          '--out',
          join(dir, 'newshop.json'),
          '--passphrase-file',
          join(dir, 'newshop-secret.txt'),
          '--json',
        )
      ).stdout,
    );
    const proposed = await hanglian(
      'org',
      'propose-admission',
      '--id',
      'newshop',
      '--name',
      'New Shop',
      '--roles',
      'merchant',
      '--root-key',
      root.publicKey,
      ...signer('regulator', 'admin'),
    );
    assert.equal(proposed.code, 0, proposed.stderr);
    const id = /proposal (\d+)/.exec(proposed.stdout)?.[1];
    assert.ok(id !== undefined, proposed.stdout);
    // Ten organisations: the proposer's yes and six more make 7 > 2/3 of 10 (each needed). The six vote at
    // once, each with its own admin key, and each waits for its own commit.
    const voters = ['platform-a', 'paybank-a', 'carrier-a', 'bookpress', 'bookstore', 'platform-b'];
    const votes = await Promise.all(
      voters.map((org) => hanglian('org', 'vote', id, 'yes', ...signer(org, 'admin'))),
    );
    for (const [i, voted] of votes.entries()) assert.equal(voted.code, 0, `${voters[i]}: ${voted.stderr}`);
    const org = await hanglian(
      'query',
      'identity',
      'organisation',
      JSON.stringify({ id: 'newshop' }),
      '--api',
      api,
    );
    assert.equal(JSON.parse(org.stdout).result?.status, 'active');
    // Expulsion is proposed the same way; the proposal carries the final action.
    const expulsion = await hanglian(
      'org',
      'propose-expulsion',
      '--org',
      'newshop',
      '--network',
      net,
      '--as',
      'regulator',
      '--api',
      api,
    );
    assert.equal(expulsion.code, 0, expulsion.stderr);
    const expulsionId = Number(/proposal (\d+)/.exec(expulsion.stdout)?.[1]);
    const shown = await hanglian(
      'query',
      'governance',
      'proposal',
      JSON.stringify({ id: expulsionId }),
      '--api',
      api,
    );
    assert.deepEqual(JSON.parse(shown.stdout).result?.action, { type: 'expelOrganisation', org: 'newshop' });
  });

  it("rotates an organisation's root key while its node runs: key files, card and proceeds follow it", async () => {
    const orgDir = networkPaths.orgDir(net, 'bookstore');
    const pass = readFileSync(join(net, 'DEV-ONLY-PASSPHRASE.txt'), 'utf8').trim();
    const oldRoot = readOrgKey(orgDir, 'root', pass);
    const oldAddress = addressFromPublicKey(oldRoot.publicKey);
    // Shares are paid to the root's address (no payee set): some arrive there.
    const paid = await hanglian(
      'tx',
      'settlement',
      'transfer',
      JSON.stringify({ to: oldAddress, amount: 777 }),
      ...signer('bookpress'),
    );
    assert.equal(paid.code, 0, paid.stderr);
    const heightBefore = await heightOf(api);
    const rotated = await hanglian('org', 'rotate-root-key', '--dir', orgDir, '--api', api);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /bookstore: root key rotated in \w+ at height \d+/);
    assert.match(rotated.stdout, /balance 777 moved to the new root/);
    // The directory follows: the new key is keys/root.json, the old one retired, the card names the new
    // root and is signed by it (readCard checks that), and nothing is left half-done.
    const newRoot = readOrgKey(orgDir, 'root', pass);
    const newAddress = addressFromPublicKey(newRoot.publicKey);
    assert.notEqual(newAddress, oldAddress);
    const card = readCard(orgPaths.card(orgDir));
    assert.equal(card.rootPublicKey, bytesToHex(newRoot.publicKey));
    assert.ok(existsSync(join(orgPaths.retiredKeys(orgDir), `root.${oldAddress}.json`)));
    assert.equal(existsSync(orgPaths.nextRootKey(orgDir)), false);
    // The chain follows: the old root identity is revoked in favour of the new one.
    const client = createClient({ url: api, reader: memberSigner(newRoot) });
    const { result: old } = await query<{ status: string; rotatedTo?: string }>(client, {
      module: 'identity',
      name: 'identity',
      params: { address: oldAddress },
    });
    assert.equal(old.status, 'revoked');
    assert.equal(old.rotatedTo, newAddress);
    const { result: fresh } = await query<{ kind: string; permissions: string[] }>(client, {
      module: 'identity',
      name: 'identity',
      params: { address: newAddress },
    });
    assert.equal(fresh.kind, 'root');
    // The proceeds moved with it, and the new root spends them; the old root signs nothing any more.
    const { result: balance } = await query<{ amount: number }>(client, {
      module: 'settlement',
      name: 'balance',
      params: { address: newAddress },
    });
    assert.equal(balance.amount, 777);
    const spent = await hanglian(
      'tx',
      'settlement',
      'transfer',
      JSON.stringify({ to: oldAddress, amount: 1 }),
      ...signer('bookstore', 'root'),
    );
    assert.equal(spent.code, 0, spent.stderr);
    await assert.rejects(
      signAndSubmit(createClient({ url: api }), {
        signer: memberSigner(oldRoot),
        ...settlement.transfer({ to: newAddress, amount: 1 }),
      }),
      (error: { code?: string }) => error.code === 'TX_NOT_MEMBER',
    );
    // No downtime: the node that was running before the rotation (never restarted) kept committing.
    assert.equal(node.process.exitCode, null);
    const later = heightBefore + 3;
    while ((await heightOf(api)) < later) await new Promise((r) => setTimeout(r, 50));
  });

  it('exports an evidence bundle and verifies it offline against the genesis validators', async () => {
    const pass = readFileSync(join(net, 'DEV-ONLY-PASSPHRASE.txt'), 'utf8').trim();
    const to = addressFromPublicKey(readKeyFile(networkPaths.key(net, 'host-a/ops'), pass).publicKey);
    const paid = JSON.parse(
      (
        await hanglian(
          'tx',
          'settlement',
          'transfer',
          JSON.stringify({ to, amount: 77 }),
          ...signer('platform-a'),
          '--json',
        )
      ).stdout,
    );
    const out = join(dir, 'case.json');
    const exported = await hanglian(
      'evidence',
      'export',
      // Transactions and balances are members-only reads: the regulator's key signs them.
      ...signer('regulator'),
      '--tx',
      paid.txId,
      '--path',
      `settlement/balances/${to}`,
      '--title',
      'case 7',
      '--out',
      out,
    );
    assert.equal(exported.code, 0, exported.stderr);
    const verified = await hanglian('evidence', 'verify', out, '--validators', join(net, 'genesis.json'));
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /VERIFIED/);
    const bundle = JSON.parse(readFileSync(out, 'utf8'));
    bundle.heights[0].header.stateRoot = '00'.repeat(32);
    writeFileSync(out, JSON.stringify(bundle));
    const forged = await hanglian('evidence', 'verify', out);
    assert.equal(forged.code, 7);
    assert.match(forged.stdout, /NOT VERIFIED/);
  });
});

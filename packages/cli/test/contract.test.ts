// The contract author's path end to end: scaffold, build, run the vectors locally (fail on the stubs, pass
// on a real implementation), deploy and register two implementations against a real node process, then
// switch a transaction from one to the other.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOGISTICS_QUOTE_STANDARD } from '@hanglian/contract-sdk/testing';
import { initNetwork } from '@hanglian/node';
import { freePortRange } from '@hanglian/testkit';
import { hanglian, type RunningNode, startNodeProcess } from './helpers.js';

/** A real implementation for each carrier: the two differ in price and days, so a switch is visible. */
function implementation(base: number, perKg: number): string {
  return `import { defineContract, emit, state } from '@hanglian/contract-sdk';

const served = ['cn-east', 'cn-north', 'cn-south', 'cn-west'];

export default defineContract({
  quote(weightGrams: number, fromRegion: string, toRegion: string) {
    if (!served.includes(fromRegion) || !served.includes(toRegion)) throw new Error('route not served');
    return { price: ${base} + Math.ceil(weightGrams / 1000) * ${perKg}, days: fromRegion === toRegion ? 1 : 2 };
  },
  ship(orderRef: string, weightGrams: number, fromRegion: string, toRegion: string) {
    if (state.get('shipment/' + orderRef) !== null) throw new Error('already booked');
    state.set('shipment/' + orderRef, 'booked');
    emit('shipped', { orderRef });
    return this.quote(weightGrams, fromRegion, toRegion);
  },
});
`;
}

describe('hanglian contract: scaffold, build, test, deploy, register, switch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-contract-'));
  const net = join(dir, 'net');
  let node: RunningNode;
  let api: string;

  before(async () => {
    const basePort = await freePortRange(16);
    // The sample standard is on chain from genesis, through the registry's genesis section.
    initNetwork({
      dir: net,
      chainId: 'hanglian-contract',
      genesisTime: Date.now(),
      basePort,
      scryptN: 1024,
      registry: { standards: [LOGISTICS_QUOTE_STANDARD] },
    });
    node = await startNodeProcess(net);
    api = node.api;
  });

  after(async () => {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const carriers = [
    { org: 'carrier-a', id: 'carrier-a.quote.v1', project: join(dir, 'quote-a'), base: 800, perKg: 200 },
    { org: 'carrier-b', id: 'carrier-b.quote.v1', project: join(dir, 'quote-b'), base: 600, perKg: 300 },
  ];
  const signer = (org: string) => ['--network', net, '--org', org, '--api', api, '--json'];

  it('scaffolds a project whose stubs build but fail the vectors', async () => {
    for (const c of carriers) {
      const made = await hanglian(
        'contract',
        'scaffold',
        c.project,
        '--standard',
        'logistics.quote/1',
        '--json',
      );
      assert.equal(made.code, 0, made.stderr);
      assert.ok(existsSync(join(c.project, 'src', 'contract.ts')));
      assert.equal(
        JSON.parse(readFileSync(join(c.project, 'standard.json'), 'utf8')).id,
        'logistics.quote/1',
      );
    }
    const built = await hanglian('contract', 'build', carriers[0]!.project, '--json');
    assert.equal(built.code, 0, built.stderr);
    assert.match(JSON.parse(built.stdout).hash, /^[0-9a-f]{64}$/);
    const tested = await hanglian('contract', 'test', carriers[0]!.project);
    assert.equal(tested.code, 2, tested.stdout);
    // A stub throws, so only the vectors that expect a refusal pass.
    assert.match(tested.stdout, /FAIL quotes a served route/);
    assert.match(tested.stdout, /\d+ passed, [1-9]\d* failed/);
  });

  it('passes the vectors with a real implementation', async () => {
    for (const c of carriers) {
      writeFileSync(join(c.project, 'src', 'contract.ts'), implementation(c.base, c.perKg));
      const tested = await hanglian('contract', 'test', c.project, '--json');
      assert.equal(tested.code, 0, tested.stdout + tested.stderr);
      const report = JSON.parse(tested.stdout) as { passed: boolean; vectors: unknown[] };
      assert.equal(report.passed, true);
      assert.equal(report.vectors.length, LOGISTICS_QUOTE_STANDARD.vectors.length);
    }
  });

  it('deploys and registers both implementations on the node', async () => {
    for (const c of carriers) {
      const deployed = await hanglian('contract', 'deploy', c.project, ...signer(c.org));
      assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
      const registered = await hanglian('contract', 'register', c.project, '--id', c.id, ...signer(c.org));
      assert.equal(registered.code, 0, registered.stdout + registered.stderr);
    }
    const listed = await hanglian(
      'query',
      'registry',
      'implementations',
      JSON.stringify({ standard: 'logistics.quote/1' }),
      '--api',
      api,
    );
    const ids = (JSON.parse(listed.stdout).result as Array<{ id: string }>).map((i) => i.id);
    assert.deepEqual(
      ids,
      carriers.map((c) => c.id),
    );
    // Registering the same id twice is refused: a new version is a new id.
    const again = await hanglian(
      'contract',
      'register',
      carriers[0]!.project,
      '--id',
      carriers[0]!.id,
      ...signer('carrier-a'),
    );
    assert.notEqual(again.code, 0);
  });

  it('switches a booking from one implementation to the other by naming it', async () => {
    const served: Array<{ implementation: string; price: number }> = [];
    for (const [i, c] of carriers.entries()) {
      const booked = await hanglian(
        'tx',
        'registry',
        'call',
        JSON.stringify({
          implementation: c.id,
          method: 'ship',
          args: [`order-${i}`, 2500, 'cn-east', 'cn-north'],
        }),
        ...signer('bookstore'),
      );
      assert.equal(booked.code, 0, booked.stdout + booked.stderr);
      const { result } = JSON.parse(booked.stdout) as {
        result: {
          code: string;
          events: Array<{ name: string; data: { implementation: string; resultJson: string } }>;
        };
      };
      assert.equal(result.code, 'OK');
      const called = result.events.find((e) => e.name === 'called')!.data;
      served.push({ implementation: called.implementation, price: JSON.parse(called.resultJson).price });
    }
    assert.deepEqual(served, [
      { implementation: 'carrier-a.quote.v1', price: 800 + 3 * 200 },
      { implementation: 'carrier-b.quote.v1', price: 600 + 3 * 300 },
    ]);
    const state = await hanglian(
      'query',
      'registry',
      'contractState',
      JSON.stringify({ implementation: 'carrier-b.quote.v1', key: 'shipment/order-1' }),
      // A contract's state is a members-only read: the carrier's own key signs it.
      '--network',
      net,
      '--org',
      'carrier-b',
      '--api',
      api,
    );
    assert.equal(state.code, 0, state.stderr);
    assert.equal(JSON.parse(state.stdout).result.value, 'booked');
  });
});

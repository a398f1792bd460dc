/**
 * A software upgrade scheduled by governance (decision 0011): the node stops executing and voting when
 * the block before the upgrade's height commits, unless its build carries the upgrade; started again
 * without it, it refuses (UPGRADE_REQUIRED); the build that carries it continues from the same data.
 * One organisation, one validator, in this process: a proposal of its own passes at once.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { HanglianError } from '@hanglian/core';
import { appliedUpgrades } from '@hanglian/state-machine';
import { initNetwork, type NodeOptions, networkPaths, readKeyFile, SOFTWARE_UPGRADES } from '../src/index.js';
import { makeTx, startNodeBelowEphemeral, submitHex, TEST_SCRYPT_N } from './helpers.js';

describe('a software upgrade at a height', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-upgrade-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const net = initNetwork({
    dir,
    chainId: 'hanglian-test',
    organisations: [{ id: 'solo', name: 'Solo Co.', roles: ['regulator'] }],
    validators: 1,
    genesisTime: 1_700_000_000_000,
    scryptN: TEST_SCRYPT_N,
    basePort: 0,
  });
  const admin = readKeyFile(networkPaths.key(dir, 'solo/admin'), net.passphrase);
  const nodeKey = readKeyFile(networkPaths.key(dir, 'node0'), net.passphrase);
  const start = (options: Partial<NodeOptions> = {}) =>
    startNodeBelowEphemeral({
      name: 'node0',
      dataDir: networkPaths.nodeData(dir, 'node0'),
      walPath: networkPaths.nodeWal(dir, 'node0'),
      genesis: net.genesis,
      validatorKey: nodeKey,
      logLevel: 'silent',
      blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 20 },
      ...options,
    });

  it('stops before the height without the upgrade, refuses to start again, and the release with it goes on', async () => {
    const node = await start();
    const upgradeAt = node.chain.height + 8;
    const required = once(node.events, 'upgrade-required');
    const proposed = await submitHex(
      node.apiUrl,
      makeTx(admin, {
        module: 'governance',
        command: 'submitProposal',
        params: { title: 'v2', action: { type: 'scheduleUpgrade', name: 'v2', height: upgradeAt } },
        nonce: 0,
        expiresAt: upgradeAt,
      }),
    );
    assert.equal(proposed.body.result?.code, 'OK', JSON.stringify(proposed.body));
    const [error] = (await required) as [HanglianError];
    assert.equal(error.code, 'UPGRADE_REQUIRED');
    assert.match(error.message, new RegExp(`"v2" is scheduled at height ${upgradeAt}`));
    // It stopped right after the block before the upgrade, and stays there.
    assert.equal(node.chain.height, upgradeAt - 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(node.chain.height, upgradeAt - 1);
    assert.ok(node.readiness().reasons.some((r) => r.includes('"v2"')));
    await node.stop();

    // The old release refuses the same data.
    await assert.rejects(start(), (e: HanglianError) => e.code === 'UPGRADE_REQUIRED');

    // The release that carries the upgrade continues from it.
    const next = await start({ softwareUpgrades: [...SOFTWARE_UPGRADES, 'v2'] });
    try {
      assert.equal(next.chain.height, upgradeAt - 1);
      assert.deepEqual(
        appliedUpgrades(next.chain.reader()).map((u) => u.name),
        [...SOFTWARE_UPGRADES].sort(),
        'before its height, only what the chain was born with is in effect',
      );
      const deadline = Date.now() + 20_000;
      while (next.chain.height < upgradeAt + 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(next.chain.height >= upgradeAt + 2, `stuck at ${next.chain.height}`);
      assert.equal(next.upgradeRequired, undefined);
      // The block at the upgrade's height recorded it as in effect from there.
      assert.deepEqual(
        appliedUpgrades(next.chain.reader()).find((u) => u.name === 'v2'),
        { name: 'v2', height: upgradeAt },
      );
    } finally {
      await next.stop();
    }
  });

  it('refuses to start on a chain born with an upgrade its release does not carry', async () => {
    const other = mkdtempSync(join(tmpdir(), 'hanglian-upgrade-born-'));
    try {
      const born = initNetwork({
        dir: other,
        chainId: 'hanglian-test',
        organisations: [{ id: 'solo', name: 'Solo Co.', roles: ['regulator'] }],
        validators: 1,
        genesisTime: 1_700_000_000_000,
        scryptN: TEST_SCRYPT_N,
        basePort: 0,
      });
      assert.deepEqual(
        born.genesis.upgrades,
        [...SOFTWARE_UPGRADES],
        'a new chain is born with every upgrade',
      );
      const key = readKeyFile(networkPaths.key(other, 'node0'), born.passphrase);
      await assert.rejects(
        startNodeBelowEphemeral({
          name: 'node0',
          dataDir: networkPaths.nodeData(other, 'node0'),
          walPath: networkPaths.nodeWal(other, 'node0'),
          genesis: born.genesis,
          validatorKey: key,
          logLevel: 'silent',
          softwareUpgrades: [],
        }),
        (e: HanglianError) =>
          e.code === 'UPGRADE_REQUIRED' && e.message.includes(`"${SOFTWARE_UPGRADES[0]}"`),
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

// The examples in packages/sdk/examples run against a real node, so the documentation cannot rot.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { addressFromPublicKey, bytesToHex } from '@hanglian/core';
import { startTestChain, type TestChain } from './helpers.js';

const run = promisify(execFile);
const examples = fileURLToPath(new URL('../examples/', import.meta.url));

// Asynchronous on purpose: the node answering the example runs in this process.
async function example(name: string, env: Record<string, string>): Promise<any> {
  const { stdout } = await run(process.execPath, [join(examples, `${name}.js`)], {
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '');
}

describe('examples', () => {
  let chain: TestChain;
  before(async () => {
    chain = await startTestChain();
  });
  after(() => chain.stop());

  it('queryStatus prints the chain id and height', async () => {
    const out = await example('queryStatus', { HANGLIAN_URL: chain.url });
    assert.equal(out.chainId, 'hanglian-test');
    assert.equal(typeof out.height, 'number');
  });

  it('transfer commits a transfer, and verifyBalance proves the new balance', async () => {
    const to = addressFromPublicKey(chain.key('bookpress/ops').publicKey);
    const seed = bytesToHex(chain.key('bookstore/ops').exportSeed());
    const sent = await example('transfer', {
      HANGLIAN_URL: chain.url,
      HANGLIAN_MEMBER_SEED: seed,
      HANGLIAN_TO: to,
    });
    assert.equal(sent.status, 'committed');
    const genesisFile = join(chain.dir, 'example-genesis.json');
    writeFileSync(genesisFile, JSON.stringify(chain.genesis));
    const verified = await example('verifyBalance', {
      HANGLIAN_URL: chain.url,
      HANGLIAN_GENESIS: genesisFile,
      HANGLIAN_ADDRESS: to,
      HANGLIAN_MEMBER_SEED: seed,
    });
    assert.equal(verified.amount, 100_000_100);
    assert.ok(verified.height >= sent.height);
  });

  it('orderKeys derives three distinct keys and reopens the wallet from its keystore', async () => {
    const out = await example('orderKeys', {});
    assert.equal(new Set(out.orders.map((o: { address: string }) => o.address)).size, 3);
    assert.equal(out.reopenedFirst, out.orders[0].address);
    assert.equal(out.words, 24);
  });
});

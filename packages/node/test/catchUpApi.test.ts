// The API keeps answering while a node catches up by block sync (issue 12; docs/reliability.md, the API
// silence of chaos seed 2028). A validator makes a chain, a new node joins and applies it block by block;
// meanwhile health requests are sent one after another. Counted, not timed: how many blocks the joiner
// committed while each request waited for its answer. Before the fix the driver started each synced
// height on the next turn of the event loop, and a request (accept, then read: two polls at least) waited
// for two blocks or more nearly every time (74 of 76); on a machine starved to seconds per block the
// chaos runner then saw an API that did not answer for a minute.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bytesToHex } from '@hanglian/core';
import { type HanglianNode, LoopbackHub } from '../src/index.js';
import { createTestNetwork, startNodeBelowEphemeral, type TestNetwork } from './helpers.js';

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the API answers while the node catches up', () => {
  let net: TestNetwork;
  const hub = new LoopbackHub();
  const nodes: HanglianNode[] = [];
  let validator: HanglianNode;

  function start(name: string, id: string, key?: ReturnType<TestNetwork['key']>): Promise<HanglianNode> {
    return startNodeBelowEphemeral({
      name,
      dataDir: `${net.dir}/${name}-data`,
      walPath: `${net.dir}/${name}.wal`,
      genesis: net.genesis,
      ...(key === undefined ? {} : { validatorKey: key }),
      logLevel: 'silent',
      transport: hub.connect(id),
      blockTiming: { minBlockIntervalMs: 5, emptyBlockIntervalMs: 20 },
    });
  }

  before(async () => {
    net = createTestNetwork({ validators: 1 });
    validator = await start('node0', bytesToHex(net.key('node0').publicKey), net.key('node0'));
    nodes.push(validator);
  });

  after(async () => {
    for (const node of nodes) await node.stop();
    net?.remove();
  });

  it('answers health requests between two synced blocks', async () => {
    await waitFor(() => validator.chain.height >= 150, 60_000, 'the validator to make 150 blocks');
    const joiner = await start('joiner', 'joiner');
    nodes.push(joiner);
    const waits: number[] = [];
    while (joiner.chain.height < 140) {
      const at = joiner.chain.height;
      const response = await fetch(`${joiner.apiUrl}/v1/health`);
      assert.equal(response.status, 200);
      await response.text();
      waits.push(joiner.chain.height - at);
    }
    assert.ok(waits.length >= 10, `${waits.length} requests answered during catch-up`);
    // Loopback delivery may be late on a loaded machine: a few slow answers are allowed, not a rule of them.
    const slow = waits.filter((w) => w >= 2).length;
    assert.ok(
      slow <= waits.length / 10,
      `${slow} of ${waits.length} requests waited for 2 blocks or more: ${waits.join(',')}`,
    );
  });
});

// Test ports: a reserved range is really bound (nobody else can take it), lies below the ephemeral range,
// and is free again once released.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { freePortRange, reservePortRange, TEST_PORT_CEILING, TEST_PORT_FLOOR } from '../src/index.js';

const canBind = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });

describe('test ports', () => {
  it('holds a reserved range until it is released', async () => {
    const range = await reservePortRange(3);
    try {
      assert.deepEqual(range.ports, [range.base, range.base + 1, range.base + 2]);
      assert.ok(range.base >= TEST_PORT_FLOOR && range.base + 2 < TEST_PORT_CEILING);
      for (const port of range.ports) assert.equal(await canBind(port), false, `${port} is held`);
    } finally {
      await range.release();
      await range.release();
    }
    for (const port of range.ports) assert.equal(await canBind(port), true, `${port} is free again`);
  });

  it('skips a range that holds a port fetch refuses (10080)', async () => {
    const span = Math.floor((TEST_PORT_CEILING - TEST_PORT_FLOOR - 4) / 2);
    // The first candidate is base 10078 (its 4 ports hold 10080), then any other.
    const blockedPick = ((10_078 - TEST_PORT_FLOOR) / 2 + 0.5) / span;
    const picks = [blockedPick, 0.9];
    let i = 0;
    const base = await freePortRange(4, () => picks[Math.min(i++, 1)]!);
    assert.ok(base > 10_080 || base + 3 < 10_080, `range ${base}..${base + 3}`);
    assert.equal(i, 2, 'a second base was tried');
  });

  it('skips a base whose ports are taken', async () => {
    const taken = await reservePortRange(2);
    try {
      // The first candidate is the taken base, then any other.
      const span = Math.floor((TEST_PORT_CEILING - TEST_PORT_FLOOR - 2) / 2);
      const takenPick = ((taken.base - TEST_PORT_FLOOR) / 2 + 0.5) / span;
      const picks = [takenPick, takenPick > 0.5 ? 0.1 : 0.9];
      let i = 0;
      const base = await freePortRange(2, () => picks[Math.min(i++, 1)]!);
      assert.notEqual(base, taken.base);
      assert.equal(i, 2, 'a second base was tried');
    } finally {
      await taken.release();
    }
  });
});

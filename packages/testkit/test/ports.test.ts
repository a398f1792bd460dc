// Test ports: a reserved range is really bound (nobody else can take it), lies below the ephemeral range,
// and is free again once released; a server listening through listenBelowEphemeral is bound there too,
// and moves on from a taken port.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import {
  freePortRange,
  listenBelowEphemeral,
  listenOn,
  reservePortRange,
  TEST_PORT_CEILING,
  TEST_PORT_FLOOR,
} from '../src/index.js';

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

/** A bare server bound on `port`; rejects with EADDRINUSE (and the port) when it is taken. */
async function serverOn(port: number): Promise<Server> {
  const server = createServer();
  await listenOn(server, port);
  return server;
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** The `random()` value that makes listenBelowEphemeral pick `port`. */
const pickOf = (port: number) => (port - TEST_PORT_FLOOR + 0.5) / (TEST_PORT_CEILING - TEST_PORT_FLOOR);

describe('listening below the ephemeral range', () => {
  it('binds a port below 32768 and returns what the listen returned', async () => {
    let asked: number | undefined;
    const server = await listenBelowEphemeral((port) => {
      asked = port;
      return serverOn(port);
    });
    try {
      const bound = (server.address() as { port: number }).port;
      assert.equal(bound, asked, 'the server listens on the port it was given');
      assert.ok(bound >= TEST_PORT_FLOOR && bound < TEST_PORT_CEILING && bound < 32_768, `port ${bound}`);
      assert.equal(await canBind(bound), false, `${bound} is bound`);
    } finally {
      await closeServer(server);
    }
  });

  /** listenBelowEphemeral whose first pick is `first` and later ones random, noting every port it tried. */
  async function listenPickingFirst(first: number) {
    let picks = 0;
    const tried: number[] = [];
    const server = await listenBelowEphemeral(
      (port) => {
        tried.push(port);
        return serverOn(port);
      },
      () => (picks++ === 0 ? pickOf(first) : Math.random()),
    );
    return { server, tried, picks };
  }

  it('moves on from a taken port to another', async () => {
    const taken = await reservePortRange(1);
    try {
      const { server, tried } = await listenPickingFirst(taken.base);
      try {
        assert.equal(tried[0], taken.base, 'the taken port was tried first');
        // Then random ones: usually one, more if a random one is in use too.
        assert.ok(tried.length >= 2, 'another port was tried');
        const bound = (server.address() as { port: number }).port;
        assert.equal(bound, tried.at(-1));
        assert.notEqual(bound, taken.base);
      } finally {
        await closeServer(server);
      }
    } finally {
      await taken.release();
    }
  });

  it('never hands out a port fetch refuses (10080)', async () => {
    const { server, tried, picks } = await listenPickingFirst(10_080);
    await closeServer(server);
    assert.equal(picks, 2, 'a second port was picked');
    assert.equal(tried.length, 1);
    assert.notEqual(tried[0], 10_080);
  });

  it('gives up with a clear error when every port it picks is taken', async () => {
    const taken = await reservePortRange(1);
    try {
      let calls = 0;
      await assert.rejects(
        listenBelowEphemeral(
          (port) => {
            calls++;
            return serverOn(port);
          },
          () => pickOf(taken.base),
        ),
        (error: Error) =>
          /^no free port between 10000 and 31999 after \d+ tries \(in use: \d+/.test(error.message) &&
          error.message.includes(String(taken.base)) &&
          (error.cause as { code?: string }).code === 'EADDRINUSE',
      );
      assert.ok(calls > 1 && calls <= 100, `${calls} tries, bounded`);
    } finally {
      await taken.release();
    }
  });

  it('throws any other failure at once, and EADDRINUSE on a port the caller fixed', async () => {
    let calls = 0;
    await assert.rejects(
      listenBelowEphemeral(async () => {
        calls++;
        throw new Error('the node refused to start');
      }),
      /the node refused to start/,
    );
    assert.equal(calls, 1);

    // A node whose API port is chosen here but whose peer port is fixed: that one being taken is final.
    const fixed = await reservePortRange(1);
    try {
      calls = 0;
      await assert.rejects(
        listenBelowEphemeral(
          async () => {
            calls++;
            return serverOn(fixed.base);
          },
          () => pickOf(fixed.base + 1),
        ),
        (error: Error & { code?: string; port?: number }) =>
          error.code === 'EADDRINUSE' && error.port === fixed.base,
      );
      assert.equal(calls, 1);
    } finally {
      await fixed.release();
    }
  });
});

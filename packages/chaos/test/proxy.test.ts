// The runner's link proxies on real sockets: bytes pass both ways, a link set down closes its open
// connections and refuses new ones until it is up again, and a latency keeps every chunk in order.
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listenBelowEphemeral, listenOn } from '@hanglian/testkit';
import { LinkProxy, ProxyMesh } from '../src/proxy.js';

/** An echo server on a free port below the ephemeral range. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.pipe(socket));
  return { server, port: await listenBelowEphemeral((port) => listenOn(server, port)) };
}

/** A link proxy to `targetPort` on a free port below the ephemeral range. */
const proxyTo = (name: string, targetPort: number) =>
  listenBelowEphemeral((port) => LinkProxy.listen(name, port, targetPort));

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with everything the socket receives until `bytes` have come. */
function receive(socket: Socket, bytes: number): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    socket.on('data', (chunk) => {
      got += chunk.toString();
      if (got.length >= bytes) resolve(got);
    });
  });
}

const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

describe('link proxy', () => {
  let echo: { server: Server; port: number };
  let proxy: LinkProxy;

  before(async () => {
    echo = await echoServer();
    proxy = await proxyTo('a>b', echo.port);
  });

  after(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => echo.server.close(() => resolve()));
  });

  it('passes bytes both ways', async () => {
    const port = proxy.port;
    const socket = await dial(port);
    const reply = receive(socket, 5);
    socket.write('hello');
    assert.equal(await reply, 'hello');
    socket.destroy();
  });

  it('down: open connections are closed, new ones refused; up again: connections work', async () => {
    const port = proxy.port;
    const open = await dial(port);
    const openClosed = closed(open);
    proxy.setDown(true);
    await openClosed;
    const refused = await dial(port);
    await closed(refused);
    assert.ok(proxy.refused >= 1);
    proxy.setDown(false);
    const again = await dial(port);
    const reply = receive(again, 4);
    again.write('back');
    assert.equal(await reply, 'back');
    again.destroy();
  });

  it('with a latency, every chunk arrives and in the order sent, also when the latency drops midway', async () => {
    const port = proxy.port;
    const socket = await dial(port);
    socket.setNoDelay(true);
    const parts = Array.from({ length: 20 }, (_, i) => `<${String(i).padStart(2, '0')}>`);
    const reply = receive(socket, parts.join('').length);
    proxy.setLatency(80);
    for (const [i, part] of parts.entries()) {
      if (i === 10) proxy.setLatency(0);
      socket.write(part);
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(await reply, parts.join(''));
    proxy.setLatency(0);
    socket.destroy();
  });
});

describe('proxy mesh', () => {
  it('cuts and restores both directions between two groups, and heals everything', async () => {
    const mesh = new ProxyMesh();
    const names = ['n0', 'n1', 'n2'];
    for (const from of names)
      for (const to of names) if (from !== to) mesh.add(await proxyTo(ProxyMesh.key(from, to), 1));
    try {
      mesh.cut(['n0'], ['n1', 'n2'], true);
      assert.deepEqual(
        mesh.links
          .filter((l) => l.down)
          .map((l) => l.name)
          .sort(),
        ['n0>n1', 'n0>n2', 'n1>n0', 'n2>n0'],
      );
      mesh.link('n1', 'n2').setLatency(100);
      mesh.healAll();
      assert.ok(mesh.links.every((l) => !l.down && l.latencyMs === 0));
      assert.throws(() => mesh.link('n0', 'n9'), /no proxy/);
    } finally {
      await mesh.close();
    }
  });
});

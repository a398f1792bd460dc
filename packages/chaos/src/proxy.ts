/**
 * A TCP proxy per directed link between two nodes, so the runner can cut and slow links without root:
 * each node is started with a view of the network in which every other node's P2P port is the port of
 * the proxy for that link. A link is `up` (bytes pass), `down` (open connections are destroyed and new
 * ones closed at once) or `up` with a latency added to every chunk in both directions.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

interface LinkState {
  down: boolean;
  latencyMs: number;
}

export class LinkProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #state: LinkState = { down: false, latencyMs: 0 };
  /** Connections this proxy accepted, and refused while down (for the log). */
  accepted = 0;
  refused = 0;

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly targetPort: number,
    server: Server,
  ) {
    this.#server = server;
    server.on('connection', (socket) => this.#onConnection(socket));
  }

  static async listen(
    name: string,
    port: number,
    targetPort: number,
    host = '127.0.0.1',
  ): Promise<LinkProxy> {
    const server = createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The port bound: the kernel's choice when asked for port 0.
    return new LinkProxy(name, (server.address() as { port: number }).port, targetPort, server);
  }

  get down(): boolean {
    return this.#state.down;
  }

  get latencyMs(): number {
    return this.#state.latencyMs;
  }

  setDown(down: boolean): void {
    this.#state.down = down;
    if (down) for (const socket of this.#sockets) socket.destroy();
  }

  setLatency(ms: number): void {
    this.#state.latencyMs = Math.max(0, ms);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => {});
  }

  #onConnection(inbound: Socket): void {
    this.#track(inbound);
    if (this.#state.down) {
      this.refused++;
      inbound.destroy();
      return;
    }
    this.accepted++;
    const outbound = connect({ port: this.targetPort, host: '127.0.0.1' });
    this.#track(outbound);
    const closeBoth = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.once('close', closeBoth);
    outbound.once('close', closeBoth);
    outbound.once('connect', () => {
      this.#pipe(inbound, outbound);
      this.#pipe(outbound, inbound);
      inbound.resume();
    });
  }

  /**
   * Copies bytes from `from` to `to`, each chunk held back by the link's latency when it came. Chunks
   * leave in the order they came, through one queue per direction drained by one timer: a timer per
   * chunk would let a later chunk overtake an earlier one (timers start from the loop's cached time),
   * which on a TCP stream is corruption, not latency (the proxy test caught it).
   */
  #pipe(from: Socket, to: Socket): void {
    const queue: Array<{ due: number; chunk: Buffer }> = [];
    let timer: NodeJS.Timeout | undefined;
    const drain = () => {
      timer = undefined;
      const now = Date.now();
      while (queue.length > 0 && queue[0]!.due <= now) {
        const { chunk } = queue.shift()!;
        if (!to.destroyed) to.write(chunk);
      }
      if (queue.length > 0) timer = setTimeout(drain, queue[0]!.due - now);
    };
    from.on('data', (chunk: Buffer) => {
      const latency = this.#state.latencyMs;
      if (latency === 0 && queue.length === 0) {
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
        return;
      }
      queue.push({ due: Date.now() + latency, chunk });
      timer ??= setTimeout(drain, Math.max(0, queue[0]!.due - Date.now()));
    });
    from.once('close', () => {
      if (timer !== undefined) clearTimeout(timer);
    });
  }
}

/** One proxy per ordered pair of nodes. */
export class ProxyMesh {
  readonly #links = new Map<string, LinkProxy>();

  static key(from: string, to: string): string {
    return `${from}>${to}`;
  }

  add(proxy: LinkProxy): void {
    this.#links.set(proxy.name, proxy);
  }

  link(from: string, to: string): LinkProxy {
    const link = this.#links.get(ProxyMesh.key(from, to));
    if (link === undefined) throw new Error(`no proxy for ${from}>${to}`);
    return link;
  }

  get links(): LinkProxy[] {
    return [...this.#links.values()];
  }

  /** Cuts (or restores) both directions between every node of `a` and every node of `b`. */
  cut(a: readonly string[], b: readonly string[], down: boolean): void {
    for (const x of a)
      for (const y of b) {
        this.link(x, y).setDown(down);
        this.link(y, x).setDown(down);
      }
  }

  /** Every link up, with no latency. */
  healAll(): void {
    for (const link of this.#links.values()) {
      link.setDown(false);
      link.setLatency(0);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#links.values()].map((l) => l.close()));
    this.#links.clear();
  }
}

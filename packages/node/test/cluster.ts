// A network of real node processes for the fault tests: a network directory on free ports, one
// `hanglian node start` process per node, signals, HTTP with timeouts, load of transfers through several
// nodes, and the checks every fault ends with (agreement on every header, no acknowledged transaction
// lost, progress).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressFromPublicKey, bytesToHex, type SigningKey } from '@hanglian/core';
import { freePortRange } from '@hanglian/testkit';
import { type InitNetworkResult, initNetwork, networkPaths, readKeyFile } from '../src/index.js';
import { makeTx, TEST_SCRYPT_N } from './helpers.js';
import { type NodeProcess, startNodeProcess } from './processes.js';

export const CHAIN_ID = 'hanglian-test';

export { freePortRange };

/** fetch with a deadline: a SIGSTOPped node must not hang a client or a check. */
export async function httpJson(
  url: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: AbortSignal.timeout(init.timeoutMs ?? 5_000),
  });
  const text = await response.text();
  return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface ClusterNode {
  readonly name: string;
  readonly validator: boolean;
  readonly publicKey: string;
  readonly address: string;
  proc: NodeProcess | undefined;
  /** API base URL of the running process (changes on restart: the API port is picked at start). */
  url: string;
  stopped: boolean;
}

export class Cluster {
  readonly dir: string;
  readonly net: InitNetworkResult;
  readonly nodes: ClusterNode[];
  readonly #keys = new Map<string, SigningKey>();

  private constructor(dir: string, net: InitNetworkResult) {
    this.dir = dir;
    this.net = net;
    this.nodes = net.manifest.nodes.map((n) => ({
      name: n.name,
      validator: n.validator,
      publicKey: n.publicKey,
      address: addressFromPublicKey(Buffer.from(n.publicKey, 'hex')),
      proc: undefined,
      url: '',
      stopped: true,
    }));
  }

  /** Creates the network directory on a free port range (nothing is started). */
  static async create(options: {
    validators: number;
    fullNodes?: number;
    extraAccounts?: number;
    random?: () => number;
  }): Promise<Cluster> {
    const count = options.validators + (options.fullNodes ?? 0);
    const basePort = await freePortRange(2 * count, options.random);
    const dir = mkdtempSync(join(tmpdir(), 'hanglian-faults-'));
    const net = initNetwork({
      dir,
      chainId: CHAIN_ID,
      validators: options.validators,
      fullNodes: options.fullNodes ?? 0,
      genesisTime: Date.now(),
      scryptN: TEST_SCRYPT_N,
      basePort,
      ...(options.extraAccounts === undefined ? {} : { extraAccounts: options.extraAccounts }),
    });
    return new Cluster(dir, net);
  }

  node(name: string): ClusterNode {
    const node = this.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no node ${name}`);
    return node;
  }

  get running(): ClusterNode[] {
    return this.nodes.filter((n) => n.proc !== undefined && !n.stopped);
  }

  get validators(): ClusterNode[] {
    return this.nodes.filter((n) => n.validator);
  }

  /** `<org>/ops`, `<org>/account-<i>` or a node name. */
  key(label: string): SigningKey {
    let key = this.#keys.get(label);
    if (key === undefined) {
      key = readKeyFile(networkPaths.key(this.dir, label), this.net.passphrase);
      this.#keys.set(label, key);
    }
    return key;
  }

  adminToken(name: string): string {
    return readFileSync(networkPaths.nodeAdminToken(this.dir, name), 'utf8').trim();
  }

  async start(name: string, extraArgs: string[] = []): Promise<ClusterNode> {
    const node = this.node(name);
    if (node.proc !== undefined) throw new Error(`${name} is already running`);
    // A restarted node rebinds its P2P port: a port just released by a killed process may linger briefly.
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        node.proc = await startNodeProcess(this.dir, name, extraArgs);
        node.url = node.proc.url;
        node.stopped = false;
        void node.proc.exited.then(() => {
          if (node.proc !== undefined && node.proc.child.exitCode !== null) node.stopped = true;
        });
        return node;
      } catch (error) {
        lastError = error;
        if (!String(error).includes('EADDRINUSE')) break;
        await sleep(300);
      }
    }
    throw lastError;
  }

  async startAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.start(n.name)));
  }

  /** Sends a signal; SIGKILL and SIGTERM wait for the exit. */
  async signal(
    name: string,
    signal: NodeJS.Signals,
  ): Promise<{ code: number | null; signal: string | null }> {
    const node = this.node(name);
    const proc = node.proc;
    if (proc === undefined) throw new Error(`${name} is not running`);
    if (signal === 'SIGSTOP') {
      node.stopped = true;
      proc.child.kill('SIGSTOP');
      return { code: null, signal };
    }
    if (signal === 'SIGCONT') {
      proc.child.kill('SIGCONT');
      node.stopped = false;
      return { code: null, signal };
    }
    node.stopped = true;
    proc.child.kill(signal);
    const exit = await proc.exited;
    node.proc = undefined;
    return exit;
  }

  /** Ends every process this cluster started: resumes stopped ones, then SIGKILL. Never throws. */
  async killAll(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n) => {
        const proc = n.proc;
        if (proc === undefined) return;
        try {
          proc.child.kill('SIGCONT');
          proc.child.kill('SIGKILL');
        } catch {}
        await Promise.race([proc.exited, sleep(5_000)]);
        n.proc = undefined;
        n.stopped = true;
      }),
    );
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  async status(name: string): Promise<any> {
    return (await httpJson(`${this.node(name).url}/v1/status`, { timeoutMs: 3_000 })).body;
  }

  async height(name: string): Promise<number> {
    return (await this.status(name)).height as number;
  }

  async heights(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const n of this.running) out[n.name] = await this.height(n.name);
    return out;
  }

  /** Waits until every running node is at `height` or above. */
  async waitForHeight(height: number, timeoutMs: number, nodes = this.running): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const heights = await Promise.all(nodes.map((n) => this.height(n.name).catch(() => -1)));
      if (heights.every((h) => h >= height)) return;
      if (Date.now() > deadline) {
        throw new Error(
          `height ${height} not reached within ${timeoutMs} ms: ${nodes.map((n, i) => `${n.name}=${heights[i]}`).join(' ')}`,
        );
      }
      await sleep(200);
    }
  }

  async admin(name: string, action: 'isolate' | 'restore'): Promise<void> {
    const response = await httpJson(`${this.node(name).url}/v1/admin/network/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.adminToken(name)}` },
    });
    if (response.status !== 200)
      throw new Error(`${action} ${name}: ${response.status} ${JSON.stringify(response.body)}`);
  }
}

/** Runs `tasks` with at most `limit` in flight. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await task(item);
    }
  });
  await Promise.all(workers);
}

/** Hash of the block at each height 1..to on one node (undefined where it has no block, e.g. below a state-sync snapshot). */
export async function headerHashes(
  url: string,
  from: number,
  to: number,
): Promise<Map<number, string | undefined>> {
  const out = new Map<number, string | undefined>();
  const heights = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  await pool(heights, 16, async (h) => {
    const response = await httpJson(`${url}/v1/headers/${h}`, { timeoutMs: 10_000 });
    out.set(h, response.status === 200 ? (response.body.hash as string) : undefined);
  });
  return out;
}

export interface AckedTx {
  readonly id: string;
  readonly height: number;
  readonly via: string;
}

/**
 * Closed-loop transfer clients with `wait=commit`: each client owns a funded key and sends through a
 * node chosen from `via`; when its node fails or stalls, it moves to the next one and learns its nonce
 * again. Every acknowledged (committed) transaction is recorded with its height.
 */
export class Load {
  readonly acked: AckedTx[] = [];
  errors = 0;
  lastError = '';
  #stop = false;
  #clients: Promise<void>[] = [];

  constructor(
    readonly cluster: Cluster,
    readonly keys: SigningKey[],
    readonly sink: string,
  ) {}

  start(): void {
    this.#stop = false;
    this.#clients = this.keys.map((key, i) => this.#client(key, i));
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await Promise.all(this.#clients);
    this.#clients = [];
  }

  async #client(key: SigningKey, index: number): Promise<void> {
    const address = addressFromPublicKey(key.publicKey);
    let slot = index;
    let nonce: number | undefined;
    let expiresAt = 0;
    while (!this.#stop) {
      const targets = this.cluster.running;
      if (targets.length === 0) {
        await sleep(200);
        continue;
      }
      const node = targets[slot % targets.length]!;
      try {
        if (nonce === undefined) {
          nonce = (await httpJson(`${node.url}/v1/accounts/${address}`, { timeoutMs: 3_000 })).body
            .nextNonce as number;
          // Transactions may not expire more than 10,000 blocks ahead.
          expiresAt = (await this.cluster.height(node.name)) + 5_000;
        }
        const tx = makeTx(key, {
          module: 'settlement',
          command: 'transfer',
          params: { to: this.sink, amount: 1 },
          nonce,
          expiresAt,
        });
        const response = await httpJson(`${node.url}/v1/txs?wait=commit&timeoutMs=8000`, {
          json: { tx: bytesToHex(tx) },
          timeoutMs: 9_000,
        });
        if (response.status === 200 && response.body.status === 'committed') {
          if (response.body.result.code !== 'OK')
            throw new Error(`transfer failed: ${JSON.stringify(response.body.result)}`);
          this.acked.push({ id: response.body.txId, height: response.body.height, via: node.name });
          nonce++;
        } else {
          // Refused (a nonce raced by a copy committed elsewhere) or timed out: learn the nonce again.
          this.errors++;
          this.lastError = `${node.name}: ${response.status} ${JSON.stringify(response.body)}`;
          nonce = undefined;
          slot++;
          await sleep(100);
        }
      } catch (error) {
        this.lastError = `${node.name}: ${String(error)}`;
        // The node is down or stopped: try the next one.
        this.errors++;
        nonce = undefined;
        slot++;
        await sleep(100);
      }
    }
  }
}

/**
 * The checks that end every fault: all running nodes agree on every header hash up to the common height,
 * and each acknowledged transaction is `committed` on every running node at the height it was
 * acknowledged at. Both are incremental per node; `forget` makes a restarted or wiped node check all again.
 * A node that state-synced holds no blocks (and no transaction index) below its snapshot: a missing prefix
 * of heights is excused for the nodes named in `stateSynced`, and nothing else.
 */
export class Checker {
  /** The hash the nodes agreed on at each height checked so far. */
  readonly agreed = new Map<number, string>();
  readonly #headersChecked = new Map<string, number>();
  readonly #txChecked = new Map<string, number>();
  /** Per state-synced node, its lowest stored block. */
  readonly lowest = new Map<string, number>();

  constructor(readonly cluster: Cluster) {}

  forget(name: string): void {
    this.#headersChecked.delete(name);
    this.#txChecked.delete(name);
    this.lowest.delete(name);
  }

  /** Returns the common height checked. */
  async agreement(stateSynced: readonly string[] = []): Promise<number> {
    const nodes = this.cluster.running;
    const heights = await Promise.all(nodes.map((n) => this.cluster.height(n.name)));
    const common = Math.min(...heights);
    for (const node of nodes) {
      const from = (this.#headersChecked.get(node.name) ?? 0) + 1;
      const hashes = await headerHashes(node.url, from, common);
      for (let h = from; h <= common; h++) {
        const hash = hashes.get(h);
        if (hash === undefined) {
          const lowest = this.lowest.get(node.name);
          if (stateSynced.includes(node.name) && (lowest === undefined || h < lowest)) continue;
          throw new Error(`${node.name} has no block at height ${h} (common height ${common})`);
        }
        if (stateSynced.includes(node.name) && !this.lowest.has(node.name)) this.lowest.set(node.name, h);
        const agreed = this.agreed.get(h);
        if (agreed === undefined) this.agreed.set(h, hash);
        else if (agreed !== hash)
          throw new Error(`fork at height ${h}: ${node.name} has ${hash}, another node ${agreed}`);
      }
      this.#headersChecked.set(node.name, common);
    }
    return common;
  }

  /** Returns how many acknowledged transactions were confirmed on every running node. */
  async acked(load: Load): Promise<number> {
    const acked = [...load.acked];
    for (const node of this.cluster.running) {
      const from = this.#txChecked.get(node.name) ?? 0;
      const below = this.lowest.get(node.name) ?? 0;
      const todo = acked.slice(from).filter((tx) => tx.height >= below);
      const lost: string[] = [];
      await pool(todo, 16, async (tx) => {
        const response = await httpJson(`${node.url}/v1/txs/${tx.id}`, { timeoutMs: 10_000 });
        if (response.body?.status !== 'committed' || response.body.height !== tx.height)
          lost.push(`${tx.id}@${tx.height} via ${tx.via}: ${JSON.stringify(response.body)}`);
      });
      if (lost.length > 0)
        throw new Error(
          `${lost.length} acknowledged transactions missing on ${node.name}: ${lost.slice(0, 3).join('; ')}`,
        );
      this.#txChecked.set(node.name, acked.length);
    }
    return acked.length;
  }
}

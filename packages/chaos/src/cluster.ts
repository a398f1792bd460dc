/**
 * The network under test: a network directory made by `initNetwork`, every node a real
 * `hanglian node start` process, and every link between two nodes through a proxy of the runner.
 *
 * Each node runs from its own view directory: a copy of network.json in which every other node's P2P
 * port is the proxy for that link, and links to the real genesis, passphrase file and organisation
 * directories (its own holds the node's key, ledger, WAL and admin token). The node code is the one
 * operators run; only the addresses differ.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
  type WriteStream,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commerceGenesisSection } from '@hanglian/commerce-standards';
import { addressFromPublicKey, type SigningKey } from '@hanglian/core';
import {
  type InitNetworkResult,
  initNetwork,
  type NetworkManifest,
  networkPaths,
  readKeyFile,
} from '@hanglian/node';
import { LossyDisk } from './lossyDisk.js';
import { LinkProxy, ProxyMesh } from './proxy.js';

export const CLI_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'cli',
  'bin',
  'hanglian.js',
);

/** scrypt cost of the campaign's throwaway keys (real key files use 2^15). */
const CAMPAIGN_SCRYPT_N = 1024;
export const CHAOS_CHAIN_ID = 'hanglian-chaos';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** fetch with a deadline: a stopped node must never hang the runner. */
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

async function portFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A base port such that base..base+count-1 are free now, below the ephemeral range (32768) so a client
 * socket cannot take one between the probe and the bind. `pick` chooses candidates (seeded by the runner).
 */
export async function freePortRange(count: number, pick: () => number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 12_000 + Math.floor(pick() * (32_000 - 12_000 - count));
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error(`no ${count} free ports found below 32768`);
}

export interface ChaosNode {
  readonly name: string;
  /** The organisation that runs it. */
  readonly org: string;
  readonly validator: boolean;
  readonly publicKey: string;
  readonly address: string;
  readonly p2pPort: number;
  /** The node's own network directory (see the module comment). */
  readonly viewDir: string;
  child: ChildProcess | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  url: string;
  /** SIGSTOPped now. */
  paused: boolean;
  /** Times this node was started. */
  starts: number;
  /** The runner is stopping it: its exit is expected. */
  stopping: boolean;
}

export interface ClusterOptions {
  readonly validators: number;
  /** Full nodes that run with the validators. */
  readonly fullNodes: number;
  /** Funded accounts for the load (keys/<first org>/account-<i>). */
  readonly accounts: number;
  /** Where the campaign directory goes (default: the system temp directory). */
  readonly parentDir?: string;
  /** Node log level (their stderr goes to logs/<node>.log). */
  readonly logLevel?: string;
  readonly random: () => number;
  /** A built lossyfs: every running node's directory is then a lossy disk (see lossyDisk.ts). */
  readonly lossyfs?: string;
}

export class ChaosCluster {
  readonly nodes: ChaosNode[];
  /** The member identity of the forging peer: a full node of the manifest that never runs. */
  readonly byzantineName: string;
  /** The member identity of the wire observer: another full node of the manifest that never runs. */
  readonly observerName: string;
  readonly mesh = new ProxyMesh();
  /** Each node's lossy disk, when the cluster has them. */
  readonly disks = new Map<string, LossyDisk>();
  readonly #keys = new Map<string, SigningKey>();
  readonly #logs = new Map<string, WriteStream>();
  /** Exits the runner did not cause (a node that stopped itself), in order. */
  readonly unexpectedExits: Array<{ name: string; code: number | null; signal: string | null }> = [];

  private constructor(
    readonly dir: string,
    readonly net: InitNetworkResult,
    readonly logLevel: string,
  ) {
    const manifest = net.manifest;
    const byzantine = manifest.nodes.at(-1)!;
    const observer = manifest.nodes.at(-2)!;
    this.byzantineName = byzantine.name;
    this.observerName = observer.name;
    this.nodes = manifest.nodes
      .filter((n) => n.name !== byzantine.name && n.name !== observer.name)
      .map((n) => ({
        name: n.name,
        org: n.org,
        validator: n.validator,
        publicKey: n.publicKey,
        address: addressFromPublicKey(Buffer.from(n.publicKey, 'hex')),
        p2pPort: n.p2pPort,
        viewDir: join(dir, 'views', n.name),
        child: undefined,
        exited: undefined,
        url: '',
        paused: false,
        starts: 0,
        stopping: false,
      }));
  }

  /** Makes the network directory, the proxies and each node's view (nothing is started). */
  static async create(options: ClusterOptions): Promise<ChaosCluster> {
    const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'hanglian-chaos-'));
    const running = options.validators + options.fullNodes;
    // Ports: API and P2P per node (+ the forger's and the observer's identities), then one proxy per
    // ordered pair of running nodes.
    const nodePorts = 2 * (running + 2);
    const proxyPorts = running * (running - 1);
    const base = await freePortRange(nodePorts + proxyPorts, options.random);
    const net = initNetwork({
      dir: join(dir, 'net'),
      chainId: CHAOS_CHAIN_ID,
      validators: options.validators,
      fullNodes: options.fullNodes + 2,
      genesisTime: Date.now(),
      scryptN: CAMPAIGN_SCRYPT_N,
      basePort: base,
      extraAccounts: options.accounts,
      // The commerce standards on chain from genesis, as on a devnet: the order load registers
      // implementations of them and sells through them.
      registry: commerceGenesisSection(),
    });
    const cluster = new ChaosCluster(dir, net, options.logLevel ?? 'warn');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    let port = base + nodePorts;
    for (const from of cluster.nodes)
      for (const to of cluster.nodes) {
        if (from === to) continue;
        cluster.mesh.add(await LinkProxy.listen(ProxyMesh.key(from.name, to.name), port++, to.p2pPort));
      }
    for (const node of cluster.nodes) cluster.#writeView(node);
    if (options.lossyfs !== undefined) {
      try {
        for (const node of cluster.nodes)
          cluster.disks.set(
            node.name,
            await LossyDisk.over(options.lossyfs, networkPaths.nodeDir(cluster.netDir, node.name)),
          );
      } catch (error) {
        await cluster.shutdown();
        throw error;
      }
    }
    return cluster;
  }

  get netDir(): string {
    return join(this.dir, 'net');
  }

  get manifest(): NetworkManifest {
    return this.net.manifest;
  }

  #writeView(node: ChaosNode): void {
    const view = node.viewDir;
    mkdirSync(join(view, 'orgs'), { recursive: true });
    const manifest: NetworkManifest = {
      ...this.manifest,
      nodes: this.manifest.nodes.map((n) =>
        n.name === node.name || n.name === this.byzantineName || n.name === this.observerName
          ? n
          : { ...n, p2pPort: this.mesh.link(node.name, n.name).port },
      ),
    };
    writeFileSync(networkPaths.manifest(view), `${JSON.stringify(manifest, null, 2)}\n`);
    symlinkSync(networkPaths.genesis(this.netDir), networkPaths.genesis(view));
    symlinkSync(networkPaths.devPassphrase(this.netDir), networkPaths.devPassphrase(view));
    // The node runs from its organisation's directory, shared with the network directory (as are the
    // others', whose cards name the node keys it dials); only the manifest (the peers' ports, through
    // the proxies) is the view's own.
    for (const org of this.manifest.organisations)
      symlinkSync(networkPaths.orgDir(this.netDir, org.id), networkPaths.orgDir(view, org.id));
  }

  node(name: string): ChaosNode {
    const node = this.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no node ${name}`);
    return node;
  }

  get validators(): ChaosNode[] {
    return this.nodes.filter((n) => n.validator);
  }

  get fullNodes(): ChaosNode[] {
    return this.nodes.filter((n) => !n.validator);
  }

  /** Nodes whose process runs and is not stopped. */
  get live(): ChaosNode[] {
    return this.nodes.filter((n) => n.child !== undefined && !n.paused && n.url !== '');
  }

  /** `<org>/<identity>` or a node name. */
  key(label: string): SigningKey {
    let key = this.#keys.get(label);
    if (key === undefined) {
      key = readKeyFile(networkPaths.key(this.netDir, label), this.net.passphrase);
      this.#keys.set(label, key);
    }
    return key;
  }

  logPath(name: string): string {
    return join(this.dir, 'logs', `${name}.log`);
  }

  /** The whole log of `name` so far ('' when it has none). */
  logText(name: string): string {
    return existsSync(this.logPath(name)) ? readFileSync(this.logPath(name), 'utf8') : '';
  }

  /** The size of `name`'s log so far, in bytes: a mark for `logSince`. */
  logSize(name: string): number {
    return existsSync(this.logPath(name)) ? statSync(this.logPath(name)).size : 0;
  }

  /** What `name`'s log gained after the mark `offset` (from `logSize`), without reading what came before. */
  logSince(name: string, offset: number): string {
    const size = this.logSize(name);
    if (size <= offset) return '';
    const bytes = Buffer.alloc(size - offset);
    const fd = openSync(this.logPath(name), 'r');
    try {
      readSync(fd, bytes, 0, bytes.length, offset);
    } finally {
      closeSync(fd);
    }
    return bytes.toString('utf8');
  }

  /**
   * CPU time (user + system, ms) `name`'s running process has used, from /proc; undefined when it is not
   * running or /proc cannot tell (not Linux). A node whose API is silent but whose CPU time grows is working.
   */
  cpuMs(name: string): number | undefined {
    const pid = this.node(name).child?.pid;
    if (pid === undefined) return undefined;
    try {
      // Fields after the command name (which may hold spaces, inside parentheses): utime and stime are
      // the 12th and 13th of them, in clock ticks (100 per second on Linux).
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return undefined;
    }
  }

  /** The last lines of a node's log (its stderr), for a violation report. */
  logTail(name: string, lines = 8): string {
    if (!existsSync(this.logPath(name))) return '';
    return readFileSync(this.logPath(name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Starts a node's process and resolves once its API listens. */
  async start(name: string, extraArgs: readonly string[] = []): Promise<ChaosNode> {
    const node = this.node(name);
    if (node.child !== undefined) throw new Error(`${name} is already running`);
    let lastError: unknown;
    // A port just released by a killed process can linger a moment: retry the bind.
    for (let attempt = 0; attempt < 6; attempt++) {
      try {
        await this.#spawn(node, extraArgs);
        return node;
      } catch (error) {
        lastError = error;
        if (!String(error).includes('EADDRINUSE')) break;
        await sleep(500);
      }
    }
    throw lastError;
  }

  #log(name: string): WriteStream {
    let log = this.#logs.get(name);
    if (log === undefined) {
      log = createWriteStream(this.logPath(name), { flags: 'a' });
      this.#logs.set(name, log);
    }
    return log;
  }

  #spawn(node: ChaosNode, extraArgs: readonly string[]): Promise<void> {
    const log = this.#log(node.name);
    log.write(`--- start ${node.starts + 1} ${new Date().toISOString()} ${extraArgs.join(' ')}\n`);
    const child = spawn(
      process.execPath,
      [
        CLI_PATH,
        'node',
        'start',
        '--dir',
        node.viewDir,
        '--node',
        node.name,
        '--api-port',
        '0',
        '--json',
        '--no-console',
        // Links go through the runner's proxies only: a node that learned its peers' real addresses
        // would dial around a partition.
        '--no-peer-exchange',
        '--log-level',
        this.logLevel,
        ...extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (stderr.length < 20_000) stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => {
        log.write(`--- exit ${code ?? signal} ${new Date().toISOString()}\n`);
        if (node.child === child) {
          node.child = undefined;
          node.paused = false;
          if (!node.stopping && node.url !== '') this.unexpectedExits.push({ name: node.name, code, signal });
          node.stopping = false;
        }
        resolve({ code, signal });
      });
    });
    node.child = child;
    node.exited = exited;
    node.paused = false;
    node.stopping = false;
    node.url = '';
    node.starts++;
    return new Promise<void>((resolve, reject) => {
      // The node's pino log goes to stdout too: all of it into the log file, and the start-up line
      // (not a log line, which is JSON as well) gives the API address.
      let stdout = '';
      const onData = (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('{"event":"listening"'));
        if (line === undefined) return;
        child.stdout!.off('data', onData);
        node.url = (JSON.parse(line) as { api: string }).api;
        resolve();
      };
      child.stdout!.on('data', (chunk: Buffer) => log.write(chunk));
      child.stdout!.on('data', onData);
      void exited.then(({ code, signal }) =>
        reject(
          new Error(
            `${node.name} exited before listening (code ${code}, signal ${signal}): ${stderr.slice(-2_000)}`,
          ),
        ),
      );
    });
  }

  /** SIGKILL (or SIGTERM) and wait for the exit. */
  async stop(name: string, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const node = this.node(name);
    const child = node.child;
    if (child === undefined) return;
    const exited = node.exited!;
    node.stopping = true;
    if (node.paused) child.kill('SIGCONT');
    child.kill(signal);
    await exited;
  }

  pause(name: string): void {
    const node = this.node(name);
    if (node.child === undefined || node.paused) return;
    node.child.kill('SIGSTOP');
    node.paused = true;
  }

  resume(name: string): void {
    const node = this.node(name);
    if (node.child === undefined || !node.paused) return;
    node.child.kill('SIGCONT');
    node.paused = false;
  }

  /** Deletes a stopped node's ledger; its WAL and key stay, as the operator's guide advises. */
  wipeLedger(name: string): void {
    const node = this.node(name);
    if (node.child !== undefined) throw new Error(`${name} runs: stop it before wiping its ledger`);
    rmSync(networkPaths.nodeData(this.netDir, name), { recursive: true, force: true });
  }

  /** The node's lossy disk (the cluster must have been made with lossyfs). */
  disk(name: string): LossyDisk {
    const disk = this.disks.get(name);
    if (disk === undefined) throw new Error(`${name} has no lossy disk (the campaign runs without lossyfs)`);
    return disk;
  }

  /**
   * The node may exit by itself from now on (a fault it must stop on): its exit is not counted as
   * unexpected. `false` ends that.
   */
  expectExit(name: string, expected = true): void {
    const node = this.node(name);
    if (node.child !== undefined) node.stopping = expected;
  }

  walExists(name: string): boolean {
    return existsSync(networkPaths.nodeWal(this.netDir, name));
  }

  async status(name: string, timeoutMs = 3_000): Promise<any> {
    const node = this.node(name);
    return (await httpJson(`${node.url}/v1/status`, { timeoutMs })).body;
  }

  async height(name: string): Promise<number> {
    return (await this.status(name)).height as number;
  }

  /** Heights of the live nodes; a node that does not answer is -1. */
  async heights(nodes: readonly ChaosNode[] = this.live): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    await Promise.all(
      nodes.map(async (n) => {
        out[n.name] = await this.height(n.name).catch(() => -1);
      }),
    );
    return out;
  }

  /** Ends every process this cluster started (resuming stopped ones first) and closes the proxies. */
  async shutdown(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n) => {
        const child = n.child;
        if (child === undefined) return;
        n.stopping = true;
        try {
          child.kill('SIGCONT');
          child.kill('SIGKILL');
        } catch {}
        await Promise.race([n.exited, sleep(5_000)]);
      }),
    );
    await this.mesh.close();
    await Promise.all([...this.disks.values()].map((d) => d.unmount()));
    await Promise.all([...this.#logs.values()].map((l) => new Promise<void>((r) => l.end(() => r()))));
    this.#logs.clear();
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

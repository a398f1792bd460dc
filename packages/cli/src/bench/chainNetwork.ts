/**
 * A 4-validator network of real node processes under OPEN-loop load: transfers are offered at a fixed
 * rate (whatever the chain does), in steps of rising rates, spread over the validators' APIs, each sender
 * pinned to one node (its nonces stay in order). For each rate: committed transfers per second, commit
 * latency p50/p99 (from sending to the commit's notice on the node's commit stream, `commitStream.ts`), and
 * per node CPU (utime+stime deltas from /proc/<pid>/stat) and resident memory. Stops raising the rate once
 * commits no longer keep up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  addressFromPublicKey,
  bytesToHex,
  type SigningKey,
  signTx,
  type TxBody,
  txBodyCodec,
  txIdOf,
} from '@hanglian/core';
import { type HeightStep, initNetwork, networkPaths, readKeyFile } from '@hanglian/node';
import { BUSY_REFUSALS, retryDelayMs } from '@hanglian/sdk';
import { type CommitStream, followCommits } from './commitStream.js';
import {
  EMPTY_HEIGHT_READING,
  failedRoundsBetween,
  formatHeightSteps,
  type HeightReading,
  heightReading,
  heightStepMeans,
} from './heightSteps.js';
import { createAgent, percentile, waitAtMost } from './openLoop.js';
import { batchSubmitter, singleSubmitter, type TxSubmitter } from './txSubmitter.js';

/** Refusals the bench's clients send again after the node's hint, as the SDK's account sender does. */
const RESENT_REFUSALS = new Set([...BUSY_REFUSALS, 'MEMPOOL_NONCE_TOO_FAR']);
// This package's own binary (dist/src/bench → bin).
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'hanglian.js');
const CHAIN_ID = 'hanglian-bench-net';
/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const CLK_TCK = 100;

export interface NodeUsage {
  readonly name: string;
  /** CPU used during the step, in percent of one core. */
  readonly cpuPercent: number;
  readonly rssMiB: number;
}

export interface RateStep {
  readonly offeredPerSecond: number;
  readonly sent: number;
  readonly committed: number;
  /** Transfers seen committed on the commit streams, per second of the step and its drain. */
  readonly committedPerSecond: number;
  readonly failed: number;
  /** Refused at admission with a busy answer and sent again after the hint (RESENT_REFUSALS), by code. */
  readonly refusedByCode: Readonly<Record<string, number>>;
  /** The failed ones by reason (error code, a socket error, or not committed by the step's end). */
  readonly failures: Readonly<Record<string, number>>;
  /** True for the step run past saturation (twice the rate at which commits stopped keeping up). */
  readonly pastSaturation: boolean;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  readonly blocks: number;
  /** The machine's 1-minute load average at the end of the step (others' work shares the cores). */
  readonly loadAverage: number;
  /** CPU the validators used per committed transfer, summed over them, in milliseconds (robust to load). */
  readonly cpuMsPerTransfer: number;
  /** CPU of this process (the load generator, which shares the cores) during the step, % of one core. */
  readonly generatorCpuPercent: number;
  /** The most transactions node0's mempool held at once during the step (sampled every 250 ms). */
  readonly peakMempool: number;
  /** node0's mempool transactions the next blocks could take (no missing nonce before them), at that peak. */
  readonly readyAtPeak: number;
  /**
   * Transactions relayed between the validators that admission refused during the step, by code, summed
   * over the validators (`hanglian_relayed_txs_refused_total`). Duplicates and used nonces are normal.
   */
  readonly relayRefusals: Readonly<Record<string, number>>;
  /** Peer messages the validators dropped during the step, by `channel reason` (`hanglian_peer_messages_dropped_total`). */
  readonly droppedMessages: Readonly<Record<string, number>>;
  /**
   * A height's steps on a validator, mean milliseconds over the heights the validators decided during the
   * step (their `hanglian_height_step_seconds` histograms): where a block's time goes.
   */
  readonly heightMs: Partial<Record<HeightStep, number>>;
  /** Rounds that ended without a decision during the step (each a timeout added to its height). */
  readonly failedRounds: number;
  readonly nodes: readonly NodeUsage[];
}

export interface NetworkBenchFigures {
  readonly validators: number;
  readonly senders: number;
  readonly stepSeconds: number;
  readonly steps: readonly RateStep[];
  readonly maxCommittedPerSecond: number;
  /** Growth of node0's LMDB file (bytes on disk) over the steps, per block and per committed transfer. */
  readonly diskBytesPerBlock: number;
  readonly diskBytesPerTransfer: number;
}

/** Bytes a file occupies on disk (LMDB's file is sparse: its length is not what it uses). */
function diskBytes(path: string): number {
  return statSync(path).blocks * 512;
}

/**
 * Node flags every validator process of the bench runs with: those docs/operations.md gives a node
 * (a 32 MiB semi-space: garbage collection took ~11% of a validator's CPU with the default 16 MiB, ~5.5%
 * with it, in the same minutes), so the figures are those of a node run as documented.
 */
export const VALIDATOR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

/** ` (CODE n, …)` for the failures by reason, or nothing when there were none. */
function formatFailures(failures: Readonly<Record<string, number>>): string {
  return Object.keys(failures).length === 0 ? '' : ` (${listCounts(failures)})`;
}

/** The total of counts by key. */
export function sumOf(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/** `CODE n, …` for counts by key, or `none`. */
export function listCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? 'none' : entries.map(([key, n]) => `${key} ${n}`).join(', ');
}

async function freeBase(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + 2 * Math.floor(Math.random() * 11_000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
  throw new Error('no free port range');
}

function cpuTicks(pid: number): number {
  // Fields after the command name (which may hold spaces) start at field 3; utime is 14, stime 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

function startNode(
  dir: string,
  name: string,
  nodeFlags: readonly string[],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      CLI,
      'node',
      'start',
      '--dir',
      dir,
      '--node',
      name,
      // The manifest's API port (below the ephemeral range, checked free by freeBase), not port 0.
      '--json',
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let resolved = false;
    // Keeps reading stdout after the start-up line, so the node never blocks on a full pipe.
    child.stdout!.on('data', (chunk: Buffer) => {
      if (resolved) return;
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) return;
      resolved = true;
      resolve({ child, url: (JSON.parse(line) as { api: string }).api });
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

async function getJson(url: string): Promise<any> {
  return (await fetch(url, { signal: AbortSignal.timeout(10_000) })).json();
}

interface MempoolReading {
  /** Transactions in the mempool, and those of them the next blocks can take. */
  readonly size: number;
  readonly ready: number;
  /** Relayed transactions refused so far, by code. */
  readonly relayRefusals: Record<string, number>;
  /** Peer messages dropped so far, by `channel reason`. */
  readonly droppedMessages: Record<string, number>;
}

/** A node's `/metrics` text; undefined when it does not answer in time. */
async function metricsText(url: string): Promise<string | undefined> {
  try {
    return await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  } catch {
    return undefined;
  }
}

/** What the validators' metrics say at one moment: their heights' steps and their mempools (one scrape each). */
async function readValidators(
  urls: readonly string[],
): Promise<{ heights: HeightReading[]; mempools: Array<MempoolReading | undefined> }> {
  const texts = await Promise.all(urls.map(metricsText));
  return {
    heights: texts.map((text) => (text === undefined ? EMPTY_HEIGHT_READING : heightReading(text))),
    mempools: texts.map((text) => (text === undefined ? undefined : mempoolReadingOf(text))),
  };
}

/** A node's mempool figures, from its metrics' text. */
function mempoolReadingOf(text: string): MempoolReading {
  const gauge = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  const relayRefusals: Record<string, number> = {};
  for (const match of text.matchAll(
    /^hanglian_relayed_txs_refused_total\{[^}]*code="([^"]+)"[^}]*\} (\d+)/gm,
  ))
    relayRefusals[match[1]!] = Number(match[2]);
  const droppedMessages: Record<string, number> = {};
  for (const match of text.matchAll(/^hanglian_peer_messages_dropped_total\{([^}]*)\} (\d+)/gm)) {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(match[1]!)?.[1];
    droppedMessages[`${label('channel')} ${label('reason')}`] = Number(match[2]);
  }
  return {
    size: gauge('hanglian_mempool_transactions'),
    ready: gauge('hanglian_mempool_ready_transactions'),
    relayRefusals,
    droppedMessages,
  };
}

/** What counters of the validators grew by between two readings of each, summed by key. */
function grownBetween(
  before: ReadonlyArray<MempoolReading | undefined>,
  after: ReadonlyArray<MempoolReading | undefined>,
  counters: 'relayRefusals' | 'droppedMessages',
): Record<string, number> {
  const out: Record<string, number> = {};
  after.forEach((reading, i) => {
    for (const [code, n] of Object.entries(reading?.[counters] ?? {})) {
      const grown = n - (before[i]?.[counters][code] ?? 0);
      if (grown > 0) out[code] = (out[code] ?? 0) + grown;
    }
  });
  return out;
}

export async function runNetworkBench(
  options: {
    rates?: readonly number[];
    stepSeconds?: number;
    senders?: number;
    validators?: number;
    /**
     * Flags for each validator's Node process besides VALIDATOR_NODE_FLAGS, e.g. `--cpu-prof
     * --cpu-prof-dir=DIR` to profile them.
     */
    nodeFlags?: readonly string[];
    /** Run one step at twice the rate where commits stopped keeping up (default true). */
    pastSaturation?: boolean;
    /**
     * Each transfer is sent on its own schedule and resent on its own when refused (default false: a
     * sender's transfers go one at a time, each once the one before was admitted).
     */
    naiveClients?: boolean;
    /**
     * Clients gather what they submit to a node within this many milliseconds into one `POST /v1/txs/batch`
     * (default 20); 0 sends one `POST /v1/txs` per transfer.
     */
    batchMs?: number;
    /** The past-saturation step offers this many times the rate where commits stopped keeping up (2). */
    pastSaturationFactor?: number;
    /**
     * Seconds of load at the first rate before the first measured step, reported apart (default: one step;
     * 0 for none). Just started, the validators compile their code paths and fill their caches: without
     * it the first step measured the start, not the chain (57/s committed at 100/s offered, p50 1.8 s, 32
     * ms of CPU per transfer in 3-s steps). The CLI gives 20 s (2 in quick mode).
     */
    warmupSeconds?: number;
    onProgress?: (line: string) => void;
  } = {},
): Promise<NetworkBenchFigures> {
  const rates = options.rates ?? [100, 200, 400, 800, 1600, 3200];
  const stepSeconds = options.stepSeconds ?? 6;
  const senderCount = options.senders ?? 256;
  const validators = options.validators ?? 4;
  const log = options.onProgress ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-bench-net-'));
  const net = initNetwork({
    dir,
    chainId: CHAIN_ID,
    validators,
    genesisTime: Date.now(),
    scryptN: 1024,
    extraAccounts: senderCount,
    basePort: await freeBase(2 * validators),
  });
  const org = net.manifest.organisations[0]!.id;
  const keys: SigningKey[] = [];
  for (let i = 0; i < senderCount; i++)
    keys.push(readKeyFile(networkPaths.orgKey(dir, org, `account-${i}`), net.passphrase));
  const sink = addressFromPublicKey(keys[0]!.publicKey);
  const nonces = keys.map(() => 0);

  const nodes: Array<{ name: string; child: ChildProcess; url: string }> = [];
  // One keep-alive pool of 256 connections per node. A submission is answered at admission and its commit
  // arrives on the node's commit stream, so a connection is held for one admission, not until the commit:
  // held until the commit (`wait=commit`), the pool capped the offer at 256 per node over the commit
  // latency, and a sender's transfer queued behind its own later nonces stalled them (commitStream.ts).
  // node:http, not fetch: with `fetch` (undici) the load generator, which shares the cores with the
  // validators, used 28-39% of a core at 200-400/s offered, with node:http 13-16% (2026-12-07).
  const agents = Array.from({ length: validators }, () => createAgent(256));
  const batchMs = options.batchMs ?? 20;
  let submitters: TxSubmitter[] = [];
  // Per node, the transfers sent there and not yet seen committed: id → what to do with its result code.
  const awaiting = Array.from({ length: validators }, () => new Map<string, (code: string) => void>());
  const streams: CommitStream[] = [];
  // Set when the bench ends: transfers still queued or being resent stop there.
  let benchOver = false;
  try {
    // Each node is recorded as soon as it runs, so a failed start still stops the others.
    await Promise.all(
      net.manifest.nodes.map(async (n) => {
        nodes.push({
          name: n.name,
          ...(await startNode(dir, n.name, [...VALIDATOR_NODE_FLAGS, ...(options.nodeFlags ?? [])])),
        });
      }),
    );
    nodes.sort((a, b) => a.name.localeCompare(b.name));
    submitters = nodes.map((n, i) =>
      batchMs > 0 ? batchSubmitter(agents[i]!, n.url, batchMs) : singleSubmitter(agents[i]!, n.url),
    );
    for (const [index, n] of nodes.entries()) {
      const waiting = awaiting[index]!;
      streams.push(
        followCommits(n.url, (txs) => {
          for (const { id, code } of txs) waiting.get(id)?.(code);
        }),
      );
    }
    await Promise.all(streams.map((stream) => stream.ready));
    const deadline = Date.now() + 30_000;
    while (((await getJson(`${nodes[0]!.url}/v1/status`)).height as number) < 2) {
      if (Date.now() > deadline) throw new Error('the network made no block in 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }

    const steps: RateStep[] = [];
    const ledgerFile = join(networkPaths.nodeData(dir, nodes[0]!.name), 'data.mdb');
    let diskBefore = diskBytes(ledgerFile);
    let heightAtStart = (await getJson(`${nodes[0]!.url}/v1/status`)).height as number;
    let sender = 0;
    const warmupSeconds = options.warmupSeconds ?? stepSeconds;
    // The warm-up is the plan's first step, at the first rate, for its own length; it is not a figure.
    const plan = warmupSeconds > 0 ? [rates[0]!, ...rates] : [...rates];
    let pastSaturation = false;
    // A sender's transfers go one at a time, each once the one before was admitted, as a wallet submits:
    // nonces reach the node in order, so none waits there behind a nonce refused for back-pressure.
    // (Sent on their own schedule, later nonces were taken between two blocks while the one they waited
    // for was refused again; a client holding its later transfers only while one was refused deadlocked
    // when a lower nonce was refused behind a higher one refused for the gap.) `--naive-clients` sends
    // each on its own schedule instead. Queues last across steps: a sender's nonces run on.
    const senderQueues = new Map<number, Array<() => Promise<void>>>();
    const submitInOrder = (sender: number, submit: () => Promise<void>): void => {
      let queue = senderQueues.get(sender);
      if (queue === undefined) {
        queue = [];
        senderQueues.set(sender, queue);
      }
      queue.push(submit);
      if (queue.length > 1) return;
      void (async (running: Array<() => Promise<void>>) => {
        while (running.length > 0 && !benchOver) {
          await running[0]!();
          running.shift();
        }
        senderQueues.delete(sender);
      })(queue);
    };
    for (let stepIndex = 0; stepIndex < plan.length; stepIndex++) {
      const rate = plan[stepIndex]!;
      const warmup = warmupSeconds > 0 && stepIndex === 0;
      // Sign the step's transfers first: the load generator shares the machine with the nodes.
      const total = Math.round(rate * (warmup ? warmupSeconds : stepSeconds));
      const height = (await getJson(`${nodes[0]!.url}/v1/status`)).height as number;
      const planned: Array<{ node: number; hex: string; id: string; sender: number }> = [];
      for (let i = 0; i < total; i++) {
        const s = sender++ % senderCount;
        const key = keys[s]!;
        const body: TxBody = {
          v: 1,
          chainId: CHAIN_ID,
          module: 'settlement',
          command: 'transfer',
          params: { to: s === 0 ? addressFromPublicKey(keys[1]!.publicKey) : sink, amount: 1 },
          submitter: key.publicKey,
          nonce: nonces[s]!++,
          expiresAt: height + 5_000,
          actors: [],
        };
        planned.push({
          node: s % nodes.length,
          hex: bytesToHex(signTx(body, key)),
          id: bytesToHex(txIdOf(txBodyCodec.encode(body))),
          sender: s,
        });
      }

      const pids = nodes.map((n) => n.child.pid!);
      const before = await readValidators(nodes.map((n) => n.url));
      const cpuBefore = pids.map(cpuTicks);
      const heightBefore = height;
      const latencies: number[] = [];
      let failed = 0;
      const refusedByCode: Record<string, number> = {};
      /** Why transfers failed: the node's error code, the answer's status, or the client's socket error. */
      const failures: Record<string, number> = {};
      const fail = (why: string) => {
        failed++;
        failures[why] = (failures[why] ?? 0) + 1;
      };
      const inFlight: Promise<void>[] = [];
      /** Gives up on the step's transfers still unsettled: `admitted` says whether the node took it. */
      const abandon: Array<() => void> = [];
      let peakMempool = 0;
      let readyAtPeak = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const text = await metricsText(nodes[0]!.url);
          const reading = text === undefined ? undefined : mempoolReadingOf(text);
          if (reading !== undefined && reading.size > peakMempool) {
            peakMempool = reading.size;
            readyAtPeak = reading.ready;
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      const generatorCpuBefore = process.cpuUsage();
      const t0 = performance.now();
      // Open loop: each 10 ms, send what the offered rate owes by now, answered or not.
      let next = 0;
      while (next < planned.length) {
        const due = Math.min(planned.length, Math.floor(((performance.now() - t0) / 1000) * rate));
        for (; next < due; next++) {
          const { node, hex, id, sender } = planned[next]!;
          const sentAt = performance.now();
          const waiting = awaiting[node]!;
          // Settled by its commit's notice on the node's stream, or by a refusal this client gives up on.
          let giveUp!: (why: string) => void;
          const settled = new Promise<void>((resolve) => {
            waiting.set(id, (code) => {
              waiting.delete(id);
              if (code === 'OK') latencies.push(performance.now() - sentAt);
              else fail(code);
              resolve();
            });
            giveUp = (why) => {
              if (!waiting.delete(id)) return;
              fail(why);
              resolve();
            };
          });
          let admitted = false;
          abandon.push(() =>
            giveUp(admitted ? "admitted, not committed by the step's end" : "not admitted by the step's end"),
          );
          // Until admitted: a refusal with MEMPOOL_BACKLOG is sent again after the node's hint, doubled at
          // each further refusal (with jitter) as the SDK does, so that refused clients thin out; a request
          // that failed on the way (a socket error, no answer in 10 s) is sent again too, since the node may
          // not have it. Giving up would leave a nonce missing that every later one of the sender waits for.
          const submit = async (): Promise<void> => {
            for (let attempt = 0, lost = 0; !benchOver; ) {
              const admission = await submitters[node]!.submit(hex);
              if (admission.kind === 'lost') {
                if (++lost > 5) return giveUp(admission.error);
                await new Promise((r) => setTimeout(r, 250 * 2 ** lost));
                continue;
              }
              if (admission.kind === 'refused') {
                // Busy answers, sent again after the hint: the backlog, a nonce ahead of the window, and the
                // address's transactions per window (a batch counts as many as it carries).
                if (!RESENT_REFUSALS.has(admission.code)) return giveUp(admission.code);
                refusedByCode[admission.code] = (refusedByCode[admission.code] ?? 0) + 1;
                // The SDK's back-off, as a client of the node would wait.
                await new Promise((r) => setTimeout(r, retryDelayMs(admission.retryAfterMs, attempt++)));
                continue;
              }
              // Admitted (or already pending after a resend): its commit comes on the stream.
              admitted = true;
              return;
            }
          };
          if (options.naiveClients) void submit();
          else submitInOrder(sender, submit);
          inFlight.push(settled);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      const sendEnd = performance.now();
      // Let the step's transfers settle (bounded), so the next step starts from an empty pipeline; what is
      // not committed by then counts as failed.
      await waitAtMost(Promise.all(inFlight), 15_000);
      for (const giveUp of abandon) giveUp();
      const lostStream = streams.map((stream) => stream.error()).find((why) => why !== undefined);
      if (lostStream !== undefined) throw new Error(`a node's commit stream ended: ${lostStream}`);
      const elapsed = (performance.now() - t0) / 1000;
      const cpuAfter = pids.map(cpuTicks);
      const generatorCpu = process.cpuUsage(generatorCpuBefore);
      sampling = false;
      await sampler;
      const heightAfter = (await getJson(`${nodes[0]!.url}/v1/status`)).height as number;
      const after = await readValidators(nodes.map((n) => n.url));
      latencies.sort((a, b) => a - b);
      const step: RateStep = {
        offeredPerSecond: rate,
        sent: planned.length,
        committed: latencies.length,
        // Transfers answered as committed, over the time from the first send to the last answer.
        committedPerSecond: Math.round(latencies.length / Math.max(elapsed, (sendEnd - t0) / 1000)),
        failed,
        refusedByCode,
        failures,
        pastSaturation,
        latencyMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)) },
        blocks: heightAfter - heightBefore,
        loadAverage: Math.round(loadavg()[0]! * 10) / 10,
        cpuMsPerTransfer:
          Math.round(
            (10 * (1000 * cpuAfter.reduce((sum, after, i) => sum + after - cpuBefore[i]!, 0))) /
              CLK_TCK /
              Math.max(1, latencies.length),
          ) / 10,
        generatorCpuPercent: Math.round((generatorCpu.user + generatorCpu.system) / 1e4 / elapsed),
        peakMempool,
        readyAtPeak,
        relayRefusals: grownBetween(before.mempools, after.mempools, 'relayRefusals'),
        droppedMessages: grownBetween(before.mempools, after.mempools, 'droppedMessages'),
        heightMs: heightStepMeans(before.heights, after.heights),
        failedRounds: failedRoundsBetween(before.heights, after.heights),
        nodes: nodes.map((n, i) => ({
          name: n.name,
          cpuPercent: Math.round(((cpuAfter[i]! - cpuBefore[i]!) / CLK_TCK / elapsed) * 100),
          rssMiB: rssMiB(pids[i]!),
        })),
      };
      if (warmup) {
        log(
          `  warm-up at ${rate}/s for ${warmupSeconds} s (not a figure): committed ${step.committedPerSecond}/s, p50 ${step.latencyMs.p50} ms, ${failed} failed${formatFailures(failures)}, ${sumOf(refusedByCode)} refused and resent (${listCounts(refusedByCode)}), mempool peak ${step.peakMempool} (${step.readyAtPeak} ready), relayed transactions refused: ${listCounts(step.relayRefusals)}; peer messages dropped: ${listCounts(step.droppedMessages)}, validators' CPU ${step.cpuMsPerTransfer} ms per committed transfer`,
        );
        diskBefore = diskBytes(ledgerFile);
        heightAtStart = heightAfter;
        continue;
      }
      steps.push(step);
      log(
        `  offered ${String(rate).padStart(5)}/s: committed ${String(step.committedPerSecond).padStart(5)}/s, p50 ${step.latencyMs.p50} ms, p99 ${step.latencyMs.p99} ms, ${step.blocks} blocks (${Math.round((1000 * elapsed) / Math.max(1, step.blocks))} ms, ${Math.round(step.committed / Math.max(1, step.blocks))} transfers each), load ${step.loadAverage}, ${failed} failed${formatFailures(failures)}, ${sumOf(refusedByCode)} refused and resent (${listCounts(refusedByCode)}), mempool peak ${peakMempool} (${readyAtPeak} ready)${pastSaturation ? ' [past saturation]' : ''}; CPU ${step.nodes.map((n) => `${n.cpuPercent}%`).join(' ')} + load generator ${step.generatorCpuPercent}%, validators' CPU ${step.cpuMsPerTransfer} ms per committed transfer; RSS ${step.nodes.map((n) => `${n.rssMiB}`).join('/')} MiB`,
      );
      log(
        `    a height on a validator (mean): ${formatHeightSteps(step.heightMs)}; ${step.failedRounds} rounds failed (timeouts); relayed transactions refused: ${listCounts(step.relayRefusals)}; peer messages dropped: ${listCounts(step.droppedMessages)}`,
      );
      // Commits no longer keep up with the offer: stop raising it.
      if (pastSaturation) break;
      if (step.committedPerSecond < 0.8 * rate || step.latencyMs.p99 > 5_000 || failed > 0.05 * total) {
        // One more step at twice the rate: with back-pressure, commits there should stay near the maximum.
        if (options.pastSaturation === false) break;
        pastSaturation = true;
        plan.splice(stepIndex + 1, plan.length, rate * (options.pastSaturationFactor ?? 2));
      }
    }
    const grown = diskBytes(ledgerFile) - diskBefore;
    const blocksMade = ((await getJson(`${nodes[0]!.url}/v1/status`)).height as number) - heightAtStart;
    const transfers = steps.reduce((sum, step) => sum + step.committed, 0);
    return {
      validators,
      senders: senderCount,
      stepSeconds,
      steps,
      maxCommittedPerSecond: Math.max(0, ...steps.map((s) => s.committedPerSecond)),
      diskBytesPerBlock: Math.round(grown / Math.max(1, blocksMade)),
      diskBytesPerTransfer: Math.round(grown / Math.max(1, transfers)),
    };
  } finally {
    benchOver = true;
    for (const stream of streams) stream.close();
    for (const agent of agents) agent.destroy();
    await Promise.all(
      nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            if (n.child.exitCode !== null || n.child.signalCode !== null) return resolve();
            n.child.once('exit', () => resolve());
            n.child.kill('SIGTERM');
            setTimeout(() => n.child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}

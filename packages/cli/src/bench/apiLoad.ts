/**
 * The API load benchmark (issue #6): the nodes' HTTP API driven from outside, as real clients would, with
 * OPEN-loop load (openLoop.ts) at rising offered rates, on a 4-validator network of node processes
 * playing the book story (`hanglian devnet --demo`, as the commerce benchmark starts it). Measured:
 *
 * - the machine's HTTP ceiling: a bare fastify process answering a trivial JSON route under the same
 *   generator, while the network idles beside it, so every query figure reads as a share of it;
 * - queries a real app makes, each kind on its own at rising rates, spread over the nodes: the catalogue
 *   (by product, by merchant), item verification, an order read, a member's balance with its Merkle proof,
 *   and the node's status: achieved rate and latency p50/p90/p99 (from the due time), errors, and 429s apart;
 * - transaction submission: settlement transfers between the member organisations' ops accounts (one
 *   sender per organisation, pinned to one node, nonces handed out locally and signed before the step);
 *   every other round of transactions asks for the acceptance answer only (`POST /v1/txs`), the rest waits
 *   for commit (`?wait=commit`), so both latencies come from the same load; committed transfers per
 *   second are counted from the senders' nonces on chain, from the step's first due time until the chain
 *   holds its last transfer. Steps of submission are twice as long as query steps.
 * - a member's balance proof is members-only data: each request is signed by the member's key
 *   (`x-hanglian-reader`), as the SDK signs it, so that cost is on the client side of the figure.
 *
 * The nodes' API rate limit (packages/node/src/api/server.ts) counts requests per client address over a
 * fixed window and does not exempt loopback: every request here comes from 127.0.0.1, so each node
 * allows this generator DEFAULT_RATE_LIMIT.max requests per window; 429 answers are counted, never hidden.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  addressFromPublicKey,
  bytesToHex,
  formatReaderHeader,
  READ_REQUEST_HEADER,
  readRequestSignBytes,
  type SigningKey,
  signTx,
  type TxBody,
} from '@hanglian/core';
import { DEFAULT_RATE_LIMIT } from '@hanglian/node';
import { BATCH, BOOK } from '../demo/bookStory.js';
import { freePortBase, startDevnetProcess } from '../demo/devnetProcess.js';
import { openNetworkMembers } from '../demo/members.js';
import {
  createAgent,
  type LoadRequest,
  type OpenLoopFigures,
  type Percentiles,
  runOpenLoop,
} from './openLoop.js';

export const QUERY_KINDS = ['catalog', 'verify', 'order', 'proof', 'status'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

export interface RateSeries {
  readonly steps: readonly OpenLoopFigures[];
  /** The best achieved rate of successful answers over the steps. */
  readonly maxOkPerSecond: number;
  /** Whether the last step no longer kept up; if not, the best rate is only a lower bound. */
  readonly saturated: boolean;
}

export interface SubmitStep {
  readonly offeredPerSecond: number;
  readonly load: OpenLoopFigures;
  /** Acceptance answers (`POST /v1/txs`): latency from the due time. */
  readonly acceptMs: Percentiles;
  /** Commit answers (`?wait=commit`): latency from the due time. */
  readonly commitMs: Percentiles;
  /** Transfers of the step the chain committed (the senders' nonces on chain). */
  readonly committed: number;
  /** Committed per second from the first due time until the chain held the step's last transfer. */
  readonly committedPerSecond: number;
  /** Whether every transfer of the step committed within 60 s of its end. */
  readonly settled: boolean;
  /** From the schedule's end until the chain held every transfer of the step (or gave up). */
  readonly drainMs: number;
  /** Refused submissions sent again after the step so nonces have no gap (not timed). */
  readonly resubmitted: number;
  readonly blocks: number;
  /** Committed at least 0.8 of the offer, all within 60 s, commit p99 at most 5 s, errors at most 5%. */
  readonly keptUp: boolean;
}

export interface ApiLoadFigures {
  readonly validators: number;
  readonly stepSeconds: number;
  readonly setupSeconds: number;
  readonly maxInFlight: number;
  readonly rateLimit: {
    readonly maxPerWindow: number;
    readonly windowMs: number;
    readonly loopbackExempt: false;
    readonly rateLimited: number;
  };
  readonly ceiling: RateSeries;
  readonly queries: Readonly<Record<QueryKind, RateSeries>>;
  readonly submission: {
    readonly senders: number;
    readonly steps: readonly SubmitStep[];
    readonly maxCommittedPerSecond: number;
  };
}

export interface ApiLoadOptions {
  readonly validators?: number;
  readonly stepSeconds?: number;
  readonly ceilingRates?: readonly number[];
  readonly queryRates?: readonly number[];
  readonly submitRates?: readonly number[];
  /** Seconds per submission step (longer than a query step: commits lag the offer by a latency). */
  readonly submitSeconds?: number;
  readonly maxInFlight?: number;
  readonly onProgress?: (line: string) => void;
}

const fmtMs = (p: Percentiles) => `p50 ${p.p50} p90 ${p.p90} p99 ${p.p99} ms`;

/** Whether a step no longer keeps up: the rate, the cap, errors or latency (p99 over 1 s by default). */
export function saturated(step: OpenLoopFigures, p99LimitMs = 1_000): boolean {
  const t = step.total;
  return (
    t.okPerSecond < 0.9 * step.offeredPerSecond ||
    step.capSkipped > 0.01 * step.scheduled ||
    t.errors + t.rateLimited > 0.01 * Math.max(1, t.sent) ||
    t.latencyMs.p99 > p99LimitMs
  );
}

function describe(step: OpenLoopFigures): string {
  const t = step.total;
  const extra = [
    t.errors > 0 ? `${t.errors} errors` : '',
    t.rateLimited > 0 ? `${t.rateLimited} × 429` : '',
    step.capSkipped > 0 ? `in-flight cap ${step.maxInFlight} hit: ${step.capSkipped} not sent` : '',
  ].filter((s) => s !== '');
  return `offered ${String(step.offeredPerSecond).padStart(5)}/s: ok ${String(t.okPerSecond).padStart(7)}/s, ${fmtMs(t.latencyMs)}; send lag p99 ${step.sendLagMs.p99} ms${extra.length > 0 ? `; ${extra.join(', ')}` : ''}`;
}

/** Runs steps at rising rates until one no longer keeps up. */
async function climb(
  rates: readonly number[],
  run: (rate: number) => Promise<OpenLoopFigures>,
  log: (line: string) => void,
  p99LimitMs = 1_000,
): Promise<RateSeries> {
  const steps: OpenLoopFigures[] = [];
  let reached = false;
  for (const rate of rates) {
    const step = await run(rate);
    steps.push(step);
    log(`    ${describe(step)}`);
    if (step.total.firstError !== undefined) log(`      first error: ${step.total.firstError}`);
    reached = saturated(step, p99LimitMs);
    if (reached) break;
  }
  return {
    steps,
    maxOkPerSecond: Math.max(0, ...steps.map((s) => s.total.okPerSecond)),
    saturated: reached,
  };
}

function startCeilingServer(): Promise<{ child: ChildProcess; url: string }> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'httpCeilingServer.js');
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.once('exit', (code) => reject(new Error(`the fastify ceiling server exited (${code})`)));
  });
}

function stop(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
  });
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export async function runApiLoadBench(options: ApiLoadOptions = {}): Promise<ApiLoadFigures> {
  const validators = options.validators ?? 4;
  const stepSeconds = options.stepSeconds ?? 4;
  const ceilingRates = options.ceilingRates ?? [500, 1_000, 2_000, 3_000, 4_000, 6_000, 8_000, 12_000];
  const queryRates = options.queryRates ?? [100, 200, 400, 800, 1_200, 1_600, 2_400, 3_200, 4_800, 6_400];
  const submitRates = options.submitRates ?? [25, 50, 100, 200, 400, 800];
  const submitSeconds = options.submitSeconds ?? 2 * stepSeconds;
  const maxInFlight = options.maxInFlight ?? 1_024;
  const log = options.onProgress ?? (() => {});
  const agent = createAgent(maxInFlight);
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-bench-api-'));
  const setupStart = performance.now();
  log(`  starting ${validators} validators and playing the book story…`);
  const devnet = await startDevnetProcess({ dir, validators, basePort: await freePortBase(2 * validators) });
  let ceilingServer: ChildProcess | undefined;
  try {
    const apis = devnet.apis;
    const status = await getJson<{ chainId: string; height: number }>(`${apis[0]}/v1/status`);
    const seeded = JSON.parse(readFileSync(join(dir, 'demo-seeded.json'), 'utf8')) as Array<{
      name: string;
      txId: string;
    }>;
    const orderTx = seeded.find((s) => s.name.startsWith('a consumer orders'))?.txId;
    if (orderTx === undefined) throw new Error('the demo recorded no order');
    const orderId = orderTx.slice(0, 32);
    const members = openNetworkMembers(dir);
    const keys: SigningKey[] = members.organisations.map((org) => members.key(org));
    const addresses = keys.map((k) => addressFromPublicKey(k.publicKey));
    const setupSeconds = Math.round((performance.now() - setupStart) / 100) / 10;
    log(`  set up in ${setupSeconds} s (chain ${status.chainId}, order ${orderId})`);

    // ---- the machine's HTTP ceiling, beside the idle network ----
    log(`  HTTP ceiling: bare fastify process, GET /ping → small JSON, ${stepSeconds} s per rate`);
    const ceilingProcess = await startCeilingServer();
    ceilingServer = ceilingProcess.child;
    const ceiling = await climb(
      ceilingRates,
      (rate) =>
        runOpenLoop({
          ratePerSecond: rate,
          seconds: stepSeconds,
          maxInFlight,
          agent,
          request: () => ({ method: 'GET', url: `${ceilingProcess.url}/ping` }),
        }),
      log,
    );
    await stop(ceilingServer, 5_000);
    ceilingServer = undefined;
    log(`  HTTP ceiling ${ceiling.maxOkPerSecond}/s`);

    // ---- queries, each kind on its own, round-robin over the nodes ----
    const post = (i: number, path: string, params: unknown): LoadRequest => ({
      method: 'POST',
      url: `${apis[i % apis.length]}${path}`,
      body: JSON.stringify({ params }),
    });
    const found = (body: string) => !body.includes('"result":null');
    const queryRequest: Record<QueryKind, (i: number) => LoadRequest> = {
      // A shop's catalogue page: the listings of the book, or of one merchant.
      catalog: (i) =>
        post(i, '/v1/query/catalog/listings', i % 2 === 0 ? { sku: BOOK.sku } : { merchant: 'bookstore' }),
      // A consumer scans a copy: spread over the 10,000 minted codes.
      verify: (i) =>
        post(i, '/v1/query/items/verify', { code: `${BOOK.sku}:${BATCH}:${1 + ((i * 7_919) % 10_000)}` }),
      order: (i) => ({
        method: 'GET',
        url: `${apis[i % apis.length]}/v1/query/orders/order?params=${encodeURIComponent(JSON.stringify({ id: orderId }))}`,
        check: found,
      }),
      // A member's own balance with its Merkle proof, header and commit (what a light client checks):
      // members-only data, so the member's app signs the read (x-hanglian-reader), as the SDK does.
      proof: (i) => {
        const key = keys[i % keys.length]!;
        const path = `/v1/state/proof?path=${encodeURIComponent(`settlement/balances/${addresses[i % keys.length]}`)}`;
        const time = Date.now();
        const signature = key.sign(
          readRequestSignBytes({
            chainId: status.chainId,
            method: 'GET',
            path,
            time,
            body: new Uint8Array(),
          }),
        );
        return {
          method: 'GET',
          url: `${apis[i % apis.length]}${path}`,
          headers: {
            [READ_REQUEST_HEADER]: formatReaderHeader({ publicKey: key.publicKey, time, signature }),
          },
        };
      },
      status: (i) => ({ method: 'GET', url: `${apis[i % apis.length]}/v1/status` }),
    };
    const queries = {} as Record<QueryKind, RateSeries>;
    for (const kind of QUERY_KINDS) {
      log(`  query ${kind}, ${stepSeconds} s per rate, over ${apis.length} nodes`);
      queries[kind] = await climb(
        queryRates,
        (rate) =>
          runOpenLoop({
            ratePerSecond: rate,
            seconds: stepSeconds,
            maxInFlight,
            agent,
            request: queryRequest[kind],
          }),
        log,
      );
      log(
        `  ${kind}: best ${queries[kind].maxOkPerSecond}/s = ${(queries[kind].maxOkPerSecond / Math.max(1, ceiling.maxOkPerSecond)).toFixed(2)} of the HTTP ceiling`,
      );
    }

    // ---- submission: transfers between the organisations' ops accounts ----
    const senders = keys.length;
    const nodeOf = (s: number) => s % apis.length;
    const nextNonces = () =>
      Promise.all(
        addresses.map(
          async (address, s) =>
            (await getJson<{ nextNonce: number }>(`${apis[nodeOf(s)]}/v1/accounts/${address}`)).nextNonce,
        ),
      );
    const nonces = await nextNonces();
    log(
      `  submission: ${senders} senders (the organisations' ops keys), each pinned to one node; half the rounds wait for commit`,
    );
    const submitSteps: SubmitStep[] = [];
    for (const rate of submitRates) {
      const total = Math.max(1, Math.round(rate * submitSeconds));
      const height = (await getJson<{ height: number }>(`${apis[0]}/v1/status`)).height;
      const before = [...nonces];
      // Signed when due (about 50 µs each), so a transfer the in-flight cap keeps back takes no nonce
      // and leaves no gap that would hold its sender's later transfers.
      const planned = new Map<number, { sender: number; hex: string; commit: boolean }>();
      const plan = (i: number) => {
        const s = i % senders;
        const key = keys[s]!;
        const body: TxBody = {
          v: 1,
          chainId: status.chainId,
          module: 'settlement',
          command: 'transfer',
          params: { to: addresses[(s + 1) % senders]!, amount: 1 },
          submitter: key.publicKey,
          nonce: nonces[s]!++,
          expiresAt: height + 5_000,
          actors: [],
        };
        const tx = {
          sender: s,
          hex: bytesToHex(signTx(body, key)),
          commit: Math.floor(i / senders) % 2 === 1,
        };
        planned.set(i, tx);
        return tx;
      };
      const refused: number[] = [];
      const t0 = performance.now();
      const load = await runOpenLoop({
        ratePerSecond: rate,
        seconds: submitSeconds,
        maxInFlight,
        agent,
        timeoutMs: 60_000,
        request: (i) => {
          const tx = plan(i);
          const base = `${apis[nodeOf(tx.sender)]}/v1/txs`;
          return tx.commit
            ? {
                method: 'POST',
                url: `${base}?wait=commit&timeoutMs=30000`,
                body: JSON.stringify({ tx: tx.hex }),
                tag: 'commit',
                check: (answer) => answer.includes('"status":"committed"') && answer.includes('"code":"OK"'),
              }
            : {
                method: 'POST',
                url: base,
                body: JSON.stringify({ tx: tx.hex }),
                tag: 'accept',
                check: (answer) => answer.includes('"status":"pending"'),
              };
        },
        onAnswer: (i, code) => {
          if (code < 200 || code >= 300) refused.push(i);
        },
      });
      // A refused transfer leaves a nonce gap that holds every later transfer of its sender: send those
      // again, in nonce order, untimed (a commit timeout was admitted: sending it again is harmless).
      const again = [...refused].sort((a, b) => a - b);
      for (const i of again) {
        const tx = planned.get(i)!;
        await fetch(`${apis[nodeOf(tx.sender)]}/v1/txs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ tx: tx.hex }),
        }).catch(() => undefined);
      }
      // Wait (bounded) until the chain holds every transfer of the step.
      const scheduleEnd = t0 + submitSeconds * 1000;
      const deadline = performance.now() + 60_000;
      let onChain = await nextNonces();
      let doneAt = performance.now();
      while (!onChain.every((nonce, s) => nonce >= nonces[s]!) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        onChain = await nextNonces();
        doneAt = performance.now();
      }
      const settled = onChain.every((nonce, s) => nonce >= nonces[s]!);
      const drainMs = Math.round(doneAt - scheduleEnd);
      const committed = onChain.reduce((n, nonce, s) => n + (nonce - before[s]!), 0);
      // Committed per second from the first due time until the chain held the step's last transfer: a
      // chain that keeps up loses only its drain time (one commit latency) against the offer; one that
      // does not shows what it managed over the whole step.
      const committedPerSecond = Math.round((committed / ((doneAt - t0) / 1000)) * 10) / 10;
      // Start the next step from what the chain has: a stuck transfer must not hold the next ones.
      if (!settled) for (let s = 0; s < senders; s++) nonces[s] = onChain[s]!;
      const heightAfter = (await getJson<{ height: number }>(`${apis[0]}/v1/status`)).height;
      const none: Percentiles = { p50: 0, p90: 0, p99: 0, max: 0 };
      const t = load.total;
      const keptUp =
        settled &&
        committedPerSecond >= 0.8 * rate &&
        (load.byTag.commit?.latencyMs.p99 ?? 0) <= 5_000 &&
        t.errors + t.rateLimited <= 0.05 * total;
      const step: SubmitStep = {
        offeredPerSecond: rate,
        load,
        acceptMs: load.byTag.accept?.latencyMs ?? none,
        commitMs: load.byTag.commit?.latencyMs ?? none,
        committed,
        committedPerSecond,
        settled,
        drainMs,
        resubmitted: again.length,
        blocks: heightAfter - height,
        keptUp,
      };
      submitSteps.push(step);
      log(
        `    offered ${String(rate).padStart(4)}/s: committed ${String(step.committedPerSecond).padStart(6)}/s (${committed} of ${load.sent} sent, ${settled ? `all on chain ${drainMs} ms after the step` : 'NOT all on chain 60 s after the step'}); accept ${fmtMs(step.acceptMs)}; commit ${fmtMs(step.commitMs)}; ${step.blocks} blocks${t.errors > 0 ? `; ${t.errors} errors` : ''}${t.rateLimited > 0 ? `; ${t.rateLimited} × 429` : ''}${load.capSkipped > 0 ? `; in-flight cap hit: ${load.capSkipped} not sent` : ''}${again.length > 0 ? `; ${again.length} sent again` : ''}`,
      );
      if (t.firstError !== undefined) log(`      first error: ${t.firstError}`);
      if (!keptUp) break;
    }
    const all = [...Object.values(queries).flatMap((q) => q.steps), ...submitSteps.map((s) => s.load)];
    return {
      validators,
      stepSeconds,
      setupSeconds,
      maxInFlight,
      rateLimit: {
        maxPerWindow: DEFAULT_RATE_LIMIT.max,
        windowMs: DEFAULT_RATE_LIMIT.windowMs,
        loopbackExempt: false,
        rateLimited: all.reduce((n, s) => n + s.total.rateLimited, 0),
      },
      ceiling,
      queries,
      submission: {
        senders,
        steps: submitSteps,
        maxCommittedPerSecond: Math.max(0, ...submitSteps.map((s) => s.committedPerSecond)),
      },
    };
  } finally {
    agent.destroy();
    if (ceilingServer !== undefined) await stop(ceilingServer, 5_000);
    await stop(devnet.child, 15_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An open-loop HTTP load generator (issue #6): request i is due at t0 + i / rate, and is sent when due
 * whether or not earlier requests were answered, so a slow server cannot slow the offer down (no
 * coordinated omission). Latency is measured from the time a request was DUE, not from when the generator
 * got round to sending it, so the generator's own lateness counts against the server as a real client's
 * queue would; the lateness is reported too. A cap bounds the requests in flight: a request due while the
 * cap is reached is not sent and is counted (`capSkipped`). Answers are sorted into ok, 429 (rate limited,
 * counted apart from errors), other errors (HTTP status, a failed check of the body, a network error or
 * a timeout). Requests go over keep-alive connections of node's own http client.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  /** Full URL, e.g. `http://127.0.0.1:26650/v1/status`. */
  readonly url: string;
  /** A JSON body (POST). */
  readonly body?: string;
  /** More headers, e.g. a member's read signature. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Figures are kept per tag (e.g. `accept` and `commit`); one tag `all` when not given. */
  readonly tag?: string;
  /** Whether a 2xx answer's body is a success; any 2xx is when not given. */
  readonly check?: (body: string) => boolean;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export interface TagFigures {
  readonly sent: number;
  readonly ok: number;
  readonly rateLimited: number;
  readonly errors: number;
  /** Successful answers per second, from the first due time to the last answer (or the schedule's end). */
  readonly okPerSecond: number;
  /** Latency of successful answers, from the due time, in ms (one decimal). */
  readonly latencyMs: Percentiles;
  /** The first error seen, e.g. `HTTP 503: {"code":…}` or `timeout`. */
  readonly firstError?: string;
}

export interface OpenLoopFigures {
  readonly offeredPerSecond: number;
  readonly seconds: number;
  /** Requests the schedule made due. */
  readonly scheduled: number;
  readonly sent: number;
  /** Due while `maxInFlight` requests were unanswered: not sent. */
  readonly capSkipped: number;
  readonly maxInFlight: number;
  /** Most requests unanswered at once. */
  readonly peakInFlight: number;
  /** Sent requests per second over the schedule's window. */
  readonly sentPerSecond: number;
  /** The generator's own lateness: how long after its due time a request left (ms). */
  readonly sendLagMs: Percentiles;
  /** Every tag together. */
  readonly total: TagFigures;
  readonly byTag: Readonly<Record<string, TagFigures>>;
}

export interface OpenLoopOptions {
  readonly ratePerSecond: number;
  readonly seconds: number;
  /** The i-th request of the run (i from 0). Called when it is due. */
  readonly request: (i: number) => LoadRequest;
  /** Most requests unanswered at once (default 512). */
  readonly maxInFlight?: number;
  /** Per-request timeout (default 30 s); a timeout counts as an error. */
  readonly timeoutMs?: number;
  /** Keep-alive connections to reuse; one of 256 sockets per host is made when not given. */
  readonly agent?: Agent;
  /** Every answer (or failure: status 0), e.g. to resubmit what was refused. */
  readonly onAnswer?: (i: number, status: number, body: string) => void;
  /** A request the cap kept back. */
  readonly onSkipped?: (i: number) => void;
}

/**
 * Waits for `promise`, or `ms` at most; the bound's timer is cleared either way, so that a bench that is done
 * does not stay alive for it (a pending 120-s bound kept the commerce bench's process up two minutes).
 */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise((resolve) => {
        timer = setTimeout(resolve, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Nearest-rank percentile of an ascending array; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

export function createAgent(maxSockets = 256): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

interface TagState {
  sent: number;
  ok: number;
  rateLimited: number;
  errors: number;
  latencies: number[];
  lastAnswerAt: number;
  firstError?: string;
}

/**
 * Sends one request over a keep-alive connection of `agent`; resolves with the status (0 when it failed)
 * and body. Never rejects.
 */
export function sendRequest(
  agent: Agent,
  req: LoadRequest,
  timeoutMs: number,
): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (value: { status: number; body: string; error?: string }) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(req.body));
    }
    const outgoing = httpRequest(req.url, { method: req.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', (error) => done({ status: 0, body: '', error: error.message }));
    });
    outgoing.setTimeout(timeoutMs, () => {
      outgoing.destroy(new Error('timeout'));
    });
    outgoing.on('error', (error) => done({ status: 0, body: '', error: error.message }));
    outgoing.end(req.body);
  });
}

/** Runs one open-loop step; resolves once every sent request is answered (or timed out). */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopFigures> {
  const rate = options.ratePerSecond;
  const maxInFlight = options.maxInFlight ?? 512;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const ownAgent = options.agent === undefined;
  const agent = options.agent ?? createAgent();
  const total = Math.max(1, Math.round(rate * options.seconds));
  const tags = new Map<string, TagState>();
  const tagOf = (name: string): TagState => {
    let state = tags.get(name);
    if (state === undefined) {
      state = { sent: 0, ok: 0, rateLimited: 0, errors: 0, latencies: [], lastAnswerAt: 0 };
      tags.set(name, state);
    }
    return state;
  };
  const lags: number[] = [];
  const pending = new Set<Promise<void>>();
  let inFlight = 0;
  let peakInFlight = 0;
  let capSkipped = 0;
  let sent = 0;
  const t0 = performance.now();
  const dueAt = (i: number) => t0 + (i * 1000) / rate;

  const fire = (i: number) => {
    const req = options.request(i);
    const state = tagOf(req.tag ?? 'all');
    const due = dueAt(i);
    lags.push(performance.now() - due);
    state.sent++;
    sent++;
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    const answered = sendRequest(agent, req, timeoutMs).then(({ status, body, error }) => {
      const now = performance.now();
      inFlight--;
      state.lastAnswerAt = Math.max(state.lastAnswerAt, now);
      const ok = status >= 200 && status < 300 && (req.check?.(body) ?? true);
      if (ok) {
        state.ok++;
        state.latencies.push(now - due);
      } else if (status === 429) {
        state.rateLimited++;
      } else {
        state.errors++;
        state.firstError ??=
          status === 0
            ? (error ?? 'no answer')
            : `HTTP ${status}: ${body.slice(0, 200).replace(/\s+/g, ' ')}`;
      }
      options.onAnswer?.(i, status, body);
    });
    const tracked = answered.finally(() => pending.delete(tracked));
    pending.add(tracked);
  };

  // The schedule: wake often, send everything due by now (answered or not), skip what the cap refuses.
  let next = 0;
  while (next < total) {
    const now = performance.now();
    for (; next < total && dueAt(next) <= now; next++) {
      if (inFlight >= maxInFlight) {
        capSkipped++;
        options.onSkipped?.(next);
      } else fire(next);
    }
    if (next < total) {
      const wait = Math.max(0, Math.min(5, dueAt(next) - performance.now()));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  const scheduleEnd = performance.now();
  await Promise.all(pending);
  if (ownAgent) agent.destroy();

  const scheduleSeconds = Math.max(options.seconds, (scheduleEnd - t0) / 1000);
  const figuresOf = (states: readonly TagState[]): TagFigures => {
    const sum = (pick: (s: TagState) => number) => states.reduce((n, s) => n + pick(s), 0);
    const lastAnswerAt = Math.max(0, ...states.map((s) => s.lastAnswerAt));
    const window = Math.max(scheduleSeconds, (lastAnswerAt - t0) / 1000);
    const ok = sum((s) => s.ok);
    const firstError = states.find((s) => s.firstError !== undefined)?.firstError;
    return {
      sent: sum((s) => s.sent),
      ok,
      rateLimited: sum((s) => s.rateLimited),
      errors: sum((s) => s.errors),
      okPerSecond: Math.round((ok / window) * 10) / 10,
      latencyMs: percentiles(states.flatMap((s) => s.latencies)),
      ...(firstError === undefined ? {} : { firstError }),
    };
  };
  return {
    offeredPerSecond: rate,
    seconds: options.seconds,
    scheduled: total,
    sent,
    capSkipped,
    maxInFlight,
    peakInFlight,
    sentPerSecond: Math.round((sent / scheduleSeconds) * 10) / 10,
    sendLagMs: percentiles(lags),
    total: figuresOf([...tags.values()]),
    byTag: Object.fromEntries([...tags].map(([name, state]) => [name, figuresOf([state])])),
  };
}

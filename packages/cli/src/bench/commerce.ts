/**
 * The commerce benchmark (issue #5): order lifecycles on a 4-validator network of real node processes.
 * `hanglian devnet --demo` brings the network up and plays the book story (product, 10,000 codes, channel,
 * listing, the eight implementations registered); the publisher then ships the bookstore enough copies,
 * and lifecycles are started OPEN-loop at rising rates: each lifecycle is the five transactions of a sale —
 * create (platform gateway + one-time order key; the inventory, payment and logistics contracts run),
 * confirmPayment (payment provider), ship (merchant), deliver (carrier + order key), confirm (order key:
 * the escrow pays out by the composition) — each sent once the previous one committed. Each role sends from
 * one account through the SDK's account sender (batched, in nonce order, commits followed on one event
 * stream per sender), as a member's gateway would. Reported per rate:
 * completed lifecycles per second, lifecycle latency p50/p99, each step's commit latency p50, blocks,
 * and the signature bound measured in the same run (cores × Ed25519 verifies per second ÷ validators ÷
 * signatures per lifecycle), since every validator verifies every signature.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexToBytes } from '@hanglian/core';
import {
  type AccountSender,
  createClient,
  generateWallet,
  getStatus,
  openAccountSender,
  previewOrder,
  query,
  type Signer,
  type TxCall,
} from '@hanglian/sdk';
import {
  BOOK_ORDER_REQUEST,
  LIFECYCLE_STEPS,
  type LifecycleStep,
  orderIdOf,
  saleStep,
} from '../demo/bookOrder.js';
import { stockBookstore } from '../demo/bookStory.js';
import { freePortBase, startDevnetProcess } from '../demo/devnetProcess.js';
import { openNetworkMembers } from '../demo/members.js';
import { failedRoundsBetween, formatHeightSteps, heightStepMeans, readHeightSteps } from './heightSteps.js';
import { percentile, waitAtMost } from './openLoop.js';

export { LIFECYCLE_STEPS } from '../demo/bookOrder.js';

type Step = LifecycleStep;
/** Signatures each validator verifies per lifecycle: create, deliver and confirm carry the order key too. */
export const SIGNATURES_PER_LIFECYCLE = 8;

export interface CommerceRateStep {
  readonly offeredPerSecond: number;
  /** The step after the last that kept up, at `pastSaturationFactor` times its rate: does throughput hold? */
  readonly pastSaturation: boolean;
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  /**
   * Completed lifecycles per second in the steady part of the step: completions between a third of the
   * way in (once the first lifecycles had time to finish) and the last start, over that window's length.
   * Counting from the first start to the last completion would charge one lifecycle's latency to the
   * throughput and under-report it.
   */
  readonly completedPerSecond: number;
  /**
   * Completed lifecycles over the whole step and its drain: from the first start to the last completion.
   * Past saturation, lifecycles take longer than the step's first third, so few complete in the window
   * above although the chain keeps committing; this says what it committed meanwhile.
   */
  readonly completedOverallPerSecond: number;
  readonly lifecycleMs: { readonly p50: number; readonly p99: number };
  /** Median commit latency of each step. */
  readonly stepP50Ms: Readonly<Record<Step, number>>;
  /** 99th percentile of each step's commit latency (the target: every step under 1 s at 80% of the max). */
  readonly stepP99Ms: Readonly<Record<Step, number>>;
  readonly blocks: number;
  /** A height's steps on a validator, mean ms over the heights decided during the step (as the network part). */
  readonly heightMs: ReturnType<typeof heightStepMeans>;
  /** Rounds that ended without a decision during the step (each a timeout added to its height). */
  readonly failedRounds: number;
  /** The earliest failure in time (its step, nonce, code and message), if any. */
  readonly firstError?: string;
  /** Failed lifecycles by the step that failed and the error's code (`create MEMPOOL_BACKLOG`). */
  readonly failures: Readonly<Record<string, number>>;
}

export interface CommerceBenchFigures {
  readonly validators: number;
  readonly stepSeconds: number;
  readonly setupSeconds: number;
  readonly steps: readonly CommerceRateStep[];
  /** The most completed per second in a step before saturation (the past-saturation step left out). */
  readonly maxCompletedPerSecond: number;
  /**
   * The past-saturation step's completions per second over the whole step and its drain, over the best
   * step's before it measured the same way (the target: at least 0.9).
   */
  readonly pastSaturationRatio?: number;
}

/**
 * Sends one role's transactions through the SDK's account sender (nonces handed out in send order,
 * submitted in order in batches, commits followed on one stream) and resolves at the commit, as a member's
 * gateway does: no HTTP request waits on a commit. A failure says which nonce failed, and when.
 */
function committedVia(sender: AccountSender) {
  return async (call: TxCall, actors: readonly Signer[] = []) => {
    const sent = await sender.send(call, { actors });
    try {
      await sent.committed;
    } catch (error) {
      throw Object.assign(error as Error, { nonce: sent.nonce, failedAt: performance.now() });
    }
    return sent;
  };
}

export async function runCommerceBench(
  options: {
    rates?: readonly number[];
    stepSeconds?: number;
    /**
     * Once completions stop keeping up, one more step at this many times that step's rate, to see whether
     * throughput holds past saturation (default 2; 1 or less: none).
     */
    pastSaturationFactor?: number;
    validators?: number;
    onProgress?: (line: string) => void;
  } = {},
): Promise<CommerceBenchFigures> {
  const rates = options.rates ?? [2, 4, 8, 16, 32, 64];
  const stepSeconds = options.stepSeconds ?? 8;
  const validators = options.validators ?? 4;
  const pastFactor = options.pastSaturationFactor ?? 2;
  const log = options.onProgress ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-bench-commerce-'));
  const setupStart = performance.now();
  log(`  starting ${validators} validators and playing the book story…`);
  const devnet = await startDevnetProcess({ dir, validators, basePort: await freePortBase(2 * validators) });
  let accountSenders: AccountSender[] = [];
  try {
    const members = openNetworkMembers(dir);
    const clients = devnet.apis.map((url) => createClient({ url }));
    const status = await getStatus(clients[0]!);
    // Each member sends through its own node: the load spreads over the validators.
    const roles = ['platform-a', 'paybank-a', 'bookstore', 'carrier-a', 'bookpress'] as const;
    accountSenders = await Promise.all(
      roles.map((org, i) =>
        openAccountSender(clients[i % clients.length]!, {
          signer: members.signer(org),
          chainId: status.chainId,
          expiresInBlocks: 10_000,
        }),
      ),
    );
    const senders = Object.fromEntries(
      roles.map((org, i) => [org, committedVia(accountSenders[i]!)]),
    ) as Record<(typeof roles)[number], ReturnType<typeof committedVia>>;

    // Stock for every lifecycle the rates can start: the demo shipped copies 1-200 (one is sold).
    const pastMost = pastFactor > 1 ? Math.max(...rates) * pastFactor * stepSeconds : 0;
    const needed = Math.ceil((rates.reduce((sum, rate) => sum + rate * stepSeconds, 0) + pastMost) * 1.1);
    const first = 201;
    const last = Math.min(10_000, first + needed);
    log(`  the publisher ships copies ${first}-${last} to the bookstore…`);
    await stockBookstore((org, call) => senders[org](call), first, last, 'bench');
    const setupSeconds = Math.round((performance.now() - setupStart) / 100) / 10;
    log(`  set up in ${setupSeconds} s`);

    const carrier = await query<{ publicKey: string }>(clients[0]!, {
      module: 'identity',
      name: 'encryptionKey',
      params: { org: 'carrier-a' },
    });
    const carrierKey = { org: 'carrier-a', publicKey: hexToBytes(carrier.result.publicKey) };
    // Every order is the same book by the same carrier: the total each order key signs, quoted once.
    const { total: maxTotal } = await previewOrder(clients[0]!, BOOK_ORDER_REQUEST);
    const wallet = generateWallet();
    let orderIndex = 0;
    const lifecycle = async (stepTimes: Record<Step, number[]>): Promise<number> => {
      const key = wallet.orderKey(orderIndex++);
      let failingStep: Step = 'create';
      const t0 = performance.now();
      const timed = async (step: Step, run: () => Promise<unknown>) => {
        const start = performance.now();
        await run();
        stepTimes[step].push(performance.now() - start);
      };
      let order = '';
      try {
        for (const name of LIFECYCLE_STEPS) {
          await timed(name, async () => {
            failingStep = name;
            // Built inside the timing: the wallet sealing the address to the carrier is part of the cost.
            const step = saleStep(name, order, key, carrierKey, maxTotal);
            const outcome = await senders[step.org](step.call, step.actors);
            if (name === 'create') order = orderIdOf(outcome.txId);
          });
        }
        return performance.now() - t0;
      } catch (error) {
        throw Object.assign(error as Error, { step: failingStep });
      }
    };

    const steps: CommerceRateStep[] = [];
    const plan = [...rates];
    let pastSaturation = false;
    for (let stepIndex = 0; stepIndex < plan.length; stepIndex++) {
      const rate = plan[stepIndex]!;
      const total = Math.round(rate * stepSeconds);
      const heightBefore = (await getStatus(clients[0]!)).height;
      const stepsBefore = await Promise.all(devnet.apis.map(readHeightSteps));
      const stepTimes = Object.fromEntries(LIFECYCLE_STEPS.map((s) => [s, [] as number[]])) as Record<
        Step,
        number[]
      >;
      const durations: number[] = [];
      const completedAt: number[] = [];
      let failed = 0;
      const failures: Record<string, number> = {};
      const earliest: { at: number; text: string }[] = [];
      const running: Promise<void>[] = [];
      const t0 = performance.now();
      let started = 0;
      // Open loop: every 10 ms, start the lifecycles the offered rate owes by now.
      while (started < total) {
        const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
        for (; started < due; started++) {
          running.push(
            lifecycle(stepTimes).then(
              (ms) => {
                durations.push(ms);
                completedAt.push(performance.now());
              },
              (error: Error & { code?: string; step?: Step; nonce?: number; failedAt?: number }) => {
                failed++;
                earliest.push({
                  at: error.failedAt ?? performance.now(),
                  text: `${error.step} nonce ${error.nonce}: ${error.code ?? error.name} ${error.message}`,
                });
                const reason = `${error.step ?? '?'} ${error.code ?? error.name}`;
                failures[reason] = (failures[reason] ?? 0) + 1;
              },
            ),
          );
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      await waitAtMost(Promise.all(running), 120_000);
      const windowStart = t0 + (stepSeconds * 1000) / 3;
      const windowEnd = t0 + stepSeconds * 1000;
      const inWindow = completedAt.filter((t) => t >= windowStart && t <= windowEnd).length;
      const heightAfter = (await getStatus(clients[0]!)).height;
      const stepsAfter = await Promise.all(devnet.apis.map(readHeightSteps));
      // In the order they happened, not the order they settled (a commit timeout settles a minute late).
      earliest.sort((a, b) => a.at - b.at);
      const firstError = earliest[0]?.text;
      durations.sort((a, b) => a - b);
      for (const times of Object.values(stepTimes)) times.sort((a, b) => a - b);
      const stepPercentile = (p: number) =>
        Object.fromEntries(
          LIFECYCLE_STEPS.map((s) => [s, Math.round(percentile(stepTimes[s], p))]),
        ) as Record<Step, number>;
      const step: CommerceRateStep = {
        offeredPerSecond: rate,
        pastSaturation,
        started: total,
        completed: durations.length,
        failed,
        completedPerSecond: Math.round((inWindow / ((windowEnd - windowStart) / 1000)) * 10) / 10,
        completedOverallPerSecond:
          completedAt.length === 0
            ? 0
            : Math.round((completedAt.length / ((Math.max(...completedAt) - t0) / 1000)) * 10) / 10,
        lifecycleMs: {
          p50: Math.round(percentile(durations, 50)),
          p99: Math.round(percentile(durations, 99)),
        },
        stepP50Ms: stepPercentile(50),
        stepP99Ms: stepPercentile(99),
        blocks: heightAfter - heightBefore,
        heightMs: heightStepMeans(stepsBefore, stepsAfter),
        failedRounds: failedRoundsBetween(stepsBefore, stepsAfter),
        failures,
        ...(firstError === undefined ? {} : { firstError }),
      };
      steps.push(step);
      log(
        `  offered ${String(rate).padStart(3)}/s${pastSaturation ? ' [past saturation]' : ''}: completed ${String(step.completedPerSecond).padStart(5)}/s (${step.completed}/${total}, ${failed} failed; ${step.completedOverallPerSecond}/s from the first start to the last completion), lifecycle p50 ${step.lifecycleMs.p50} ms p99 ${step.lifecycleMs.p99} ms; step p50 ${LIFECYCLE_STEPS.map((s) => `${s} ${step.stepP50Ms[s]}`).join(', ')} ms, p99 ${LIFECYCLE_STEPS.map((s) => step.stepP99Ms[s]).join(', ')} ms; ${step.blocks} blocks`,
      );
      log(
        `    a height on a validator (mean): ${formatHeightSteps(step.heightMs)}; ${step.failedRounds} rounds failed (timeouts)`,
      );
      if (firstError !== undefined) {
        for (const e of earliest.slice(0, 5)) log(`    failed at ${Math.round(e.at - t0)} ms: ${e.text}`);
        log(
          `    failures by step and code: ${Object.entries(failures)
            .sort((a, b) => b[1] - a[1])
            .map(([reason, count]) => `${reason} ${count}`)
            .join(', ')}`,
        );
      }
      if (pastSaturation) break;
      // Completions no longer keep up with the offer, or lifecycles queue up: stop raising it, after one
      // step further past it.
      if (
        step.completedPerSecond < 0.8 * rate ||
        failed > 0.05 * total ||
        step.completed < total ||
        step.lifecycleMs.p99 > 20_000
      ) {
        if (pastFactor <= 1) break;
        pastSaturation = true;
        plan.splice(stepIndex + 1, plan.length, Math.round(rate * pastFactor));
      }
    }
    const before = steps.filter((s) => !s.pastSaturation);
    const past = steps.find((s) => s.pastSaturation);
    // Past saturation a lifecycle takes longer than the step, so few complete inside the step's window:
    // the past step is compared over the whole step and its drain, with the best step before it the same way.
    const bestOverall = Math.max(0, ...before.map((s) => s.completedOverallPerSecond));
    return {
      validators,
      stepSeconds,
      setupSeconds,
      steps,
      maxCompletedPerSecond: Math.max(0, ...before.map((s) => s.completedPerSecond)),
      ...(past === undefined || bestOverall === 0
        ? {}
        : {
            pastSaturationRatio: Math.round((past.completedOverallPerSecond / bestOverall) * 100) / 100,
          }),
    };
  } finally {
    for (const sender of accountSenders) sender.close();
    await devnet.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

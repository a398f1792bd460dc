// The open-loop load generator of `hanglian bench --api` (src/bench/openLoop.ts) against a local fastify:
// it keeps the offered rate, does not slow down for a slow server, sorts 429s apart from errors, honours
// the in-flight cap and orders its percentiles.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listenBelowEphemeral } from '@hanglian/testkit';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAgent, percentile, percentiles, runOpenLoop } from '../src/bench/openLoop.js';

describe('open-loop load generator', () => {
  let app: FastifyInstance;
  let url: string;
  let hits = 0;
  let mixed = 0;
  const agent = createAgent(512);

  before(async () => {
    app = Fastify({ logger: false });
    app.get('/ok', async () => {
      hits++;
      return { ok: true };
    });
    app.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 250));
      return { ok: true };
    });
    // Every 4th answer is a 429, every 4th a 500, every 4th a 200 whose body fails the check.
    app.get('/mixed', async (_request, reply) => {
      const n = mixed++ % 4;
      if (n === 1) return reply.status(429).send({ code: 'RATE_LIMITED' });
      if (n === 2) return reply.status(500).send({ code: 'INTERNAL' });
      return { ok: n === 0 };
    });
    url = await listenBelowEphemeral((port) => app.listen({ host: '127.0.0.1', port }));
  });

  after(async () => {
    agent.destroy();
    await app.close();
  });

  it('percentiles are nearest-rank and ordered', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile([], 50), 0);
    const p = percentiles(values);
    assert.deepEqual(p, { p50: 50, p90: 90, p99: 99, max: 100 });
    assert.equal(percentile([7], 99), 7);
  });

  it('achieves an easy offered rate, every request sent on schedule', async () => {
    hits = 0;
    const figures = await runOpenLoop({
      ratePerSecond: 200,
      seconds: 2,
      agent,
      request: () => ({ method: 'GET', url: `${url}/ok` }),
    });
    assert.equal(figures.scheduled, 400);
    assert.equal(figures.sent, 400);
    assert.equal(hits, 400);
    assert.equal(figures.capSkipped, 0);
    assert.equal(figures.total.ok, 400);
    assert.equal(figures.total.errors + figures.total.rateLimited, 0);
    // Counts, not rates: the achieved rate depends on what else the machine runs (it read 168/s for 200/s
    // at a load average of 10), while every scheduled request sent and answered does not.
    assert.ok(figures.total.okPerSecond > 0);
    const l = figures.total.latencyMs;
    assert.ok(l.p50 > 0 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max, JSON.stringify(l));
  });

  it('keeps sending on schedule while answers are slow (open loop)', async () => {
    const figures = await runOpenLoop({
      ratePerSecond: 100,
      seconds: 1.5,
      agent,
      request: () => ({ method: 'GET', url: `${url}/slow` }),
    });
    // A closed loop of a few clients would send far fewer than 150 in 1.5 s against 250 ms answers.
    // What shows the open loop is how many were in flight at once (a closed loop of a few clients keeps at
    // most that many), not a rate read off the wall clock.
    assert.equal(figures.sent, 150);
    assert.ok(figures.peakInFlight >= 15, `peak in flight ${figures.peakInFlight}`);
    assert.ok(figures.total.latencyMs.p50 >= 250, `p50 ${figures.total.latencyMs.p50} ms`);
  });

  it('counts 429 answers apart from errors, and a failed body check as an error', async () => {
    mixed = 0;
    const figures = await runOpenLoop({
      ratePerSecond: 200,
      seconds: 1,
      agent,
      request: () => ({ method: 'GET', url: `${url}/mixed`, check: (body) => body.includes('"ok":true') }),
    });
    assert.equal(figures.sent, 200);
    assert.equal(figures.total.ok, 50);
    assert.equal(figures.total.rateLimited, 50);
    assert.equal(figures.total.errors, 100);
    assert.match(figures.total.firstError ?? '', /^HTTP (500|200)/);
  });

  it('skips and counts requests due while the in-flight cap is reached', async () => {
    const skipped: number[] = [];
    const figures = await runOpenLoop({
      ratePerSecond: 100,
      seconds: 1,
      maxInFlight: 10,
      agent,
      request: (i) => ({ method: 'GET', url: `${url}/slow`, tag: i % 2 === 0 ? 'even' : 'odd' }),
      onSkipped: (i) => skipped.push(i),
    });
    assert.ok(figures.peakInFlight <= 10, `peak ${figures.peakInFlight}`);
    assert.ok(figures.capSkipped > 0);
    assert.equal(figures.capSkipped, skipped.length);
    assert.equal(figures.sent + figures.capSkipped, figures.scheduled);
    assert.equal(figures.byTag.even!.sent + figures.byTag.odd!.sent, figures.sent);
    assert.equal(figures.total.ok, figures.sent);
  });

  it('reports a refused connection as an error with its reason', async () => {
    const figures = await runOpenLoop({
      ratePerSecond: 50,
      seconds: 0.2,
      agent,
      request: () => ({ method: 'GET', url: 'http://127.0.0.1:1/nothing' }),
    });
    assert.equal(figures.total.ok, 0);
    assert.equal(figures.total.errors, figures.sent);
    assert.match(figures.total.firstError ?? '', /ECONNREFUSED/);
  });
});

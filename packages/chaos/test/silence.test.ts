// The runner's note of a node whose API does not answer while it waits for progress: one silence is one
// note with its whole length. Before the fix the count restarted after each note, so the 50 s silence of
// seed 2028 (a node catching up after a kill) was reported as three silences of 12-13 s.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiSilenceTracker } from '../src/silence.js';

/** Polls every `stepMs` from `from` to `to`; `silent(t)` says whether the node answered at t. */
function poll(
  tracker: ApiSilenceTracker,
  node: string,
  from: number,
  to: number,
  stepMs: number,
  silent: (t: number) => boolean,
) {
  const notes = [];
  for (let t = from; t <= to; t += stepMs) notes.push(...tracker.observe(node, !silent(t), t));
  return notes;
}

describe('API silences', () => {
  it('notes one silence of 50 s once, with its whole length', () => {
    const tracker = new ApiSilenceTracker(10_000);
    // Silent from 5 s to 55 s (a poll every 3.5 s: a status request times out after 3 s), then answers.
    const notes = poll(tracker, 'node3', 0, 70_000, 3_500, (t) => t >= 5_000 && t < 55_000);
    notes.push(...tracker.finish(70_000));
    assert.equal(notes.length, 1, `one silence, noted ${JSON.stringify(notes)}`);
    assert.equal(notes[0]!.node, 'node3');
    // From the first poll without an answer (7 s) to the first with one (56 s).
    assert.equal(notes[0]!.ms, 49_000);
  });

  it('notes two silences apart, and none shorter than the threshold', () => {
    const tracker = new ApiSilenceTracker(10_000);
    const silent = (t: number) => (t >= 10_000 && t < 25_000) || (t >= 40_000 && t < 45_000) || t >= 60_000;
    const notes = poll(tracker, 'node1', 0, 80_000, 1_000, silent);
    notes.push(...tracker.finish(80_000));
    assert.deepEqual(notes, [
      { node: 'node1', ms: 15_000 },
      // Still silent when the watch ends: noted with its length so far.
      { node: 'node1', ms: 20_000 },
    ]);
  });

  it('keeps nodes apart', () => {
    const tracker = new ApiSilenceTracker(10_000);
    const notes = [];
    for (let t = 0; t <= 30_000; t += 1_000) {
      // a is silent for its first 12 s; b for 6 s from 20 s on (too short to note).
      notes.push(...tracker.observe('a', t >= 12_000, t));
      notes.push(...tracker.observe('b', t < 20_000 || t > 25_000, t));
    }
    notes.push(...tracker.finish(30_000));
    assert.deepEqual(notes, [{ node: 'a', ms: 12_000 }]);
  });
});

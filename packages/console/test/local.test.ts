/** Personalised ranking run in the browser: the implementation's order re-ordered by the categories I bought. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personalRank } from '../src/lib/personal.js';

describe('personalised ranking (local)', () => {
  const ranked = [
    { id: 'a', category: 'stationery' },
    { id: 'b', category: 'books' },
    { id: 'c', category: 'tea' },
    { id: 'd', category: 'books' },
    { id: 'e', category: 'stationery' },
  ];

  it('puts the categories bought most first, keeping the implementation’s order within each', () => {
    const counts = new Map([
      ['books', 3],
      ['stationery', 1],
    ]);
    assert.deepEqual(
      personalRank(ranked, counts).map((l) => l.id),
      ['b', 'd', 'a', 'e', 'c'],
    );
  });

  it('changes nothing without purchases, and does not touch its input', () => {
    assert.deepEqual(
      personalRank(ranked, new Map()).map((l) => l.id),
      ['a', 'b', 'c', 'd', 'e'],
    );
    assert.equal(ranked[0]!.id, 'a');
  });
});

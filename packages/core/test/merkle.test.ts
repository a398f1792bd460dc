import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { merkleListProof, merkleListRoot, utf8, verifyListInclusion, ZERO_HASH } from '../src/index.js';

describe('merkle list', () => {
  it('has the zero hash as the root of the empty list and changes with any item', () => {
    assert.deepEqual(merkleListRoot([]), ZERO_HASH);
    assert.notDeepEqual(merkleListRoot([utf8('a'), utf8('b')]), merkleListRoot([utf8('b'), utf8('a')]));
  });

  it('proves inclusion of every item of any list, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 16 }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        (items, seed) => {
          const root = merkleListRoot(items);
          const index = seed % items.length;
          const proof = merkleListProof(items, index);
          assert.ok(verifyListInclusion(root, items[index]!, proof));
          assert.ok(!verifyListInclusion(root, utf8('not an item at all, longer than sixteen'), proof));
          if (items.length > 1) {
            assert.ok(
              !verifyListInclusion(root, items[index]!, { ...proof, index: (index + 1) % items.length }) ||
                Buffer.compare(items[index]!, items[(index + 1) % items.length]!) === 0,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

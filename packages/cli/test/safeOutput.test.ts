// The CLI's output is shown safely (issue 16): text from a chain cannot reach the terminal as escapes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installSafeOutput } from '../src/safeOutput.js';

describe('safe output', () => {
  it('shows escapes and bidirectional overrides visibly, passes ordinary text and bytes', () => {
    const written: unknown[] = [];
    const stream = {
      write: (chunk: string | Uint8Array) => {
        written.push(chunk);
        return true;
      },
    };
    installSafeOutput(stream);
    stream.write('listing: Genuine \u202eexe.elbuod\n');
    stream.write('review: \u001b[2J\u001b[1;1Hall good\n');
    stream.write('红楼梦\tstock 70\n');
    const bytes = new Uint8Array([1, 2, 3]);
    stream.write(bytes);
    assert.deepEqual(written, [
      'listing: Genuine \\u{202e}exe.elbuod\n',
      'review: \\u{1b}[2J\\u{1b}[1;1Hall good\n',
      '红楼梦\tstock 70\n',
      bytes,
    ]);
  });
});

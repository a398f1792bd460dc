/** The consensus WAL on disk: decided heights leave memory at once and the file only when it has grown. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { recordsForHeight, type WalRecord } from '@hanglian/consensus';
import { FileWal } from '../src/consensus/fileWal.js';

const lock = (height: number, payloadBytes = 100): WalRecord => ({
  kind: 'lock',
  height,
  round: 0,
  blockHash: height.toString(16).padStart(64, '0'),
  payload: new Uint8Array(payloadBytes).fill(height % 251),
});

describe('FileWal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-wal-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('forgets decided heights at once, and rewrites the file only past its compaction size', () => {
    const path = join(dir, 'lazy.wal');
    const wal = new FileWal(path, { compactAtBytes: 4_000 });
    assert.deepEqual(wal.replay(), []);
    // Ten heights of about 200 bytes each: under the compaction size, so no rewrite at any commit.
    for (let height = 1; height <= 10; height++) {
      wal.append(lock(height));
      wal.sync();
      wal.truncateBelow(height + 1);
      assert.deepEqual(wal.replay(), [], `nothing of height ${height} is replayed once it is decided`);
    }
    assert.equal(wal.compactions, 0);
    assert.equal(statSync(path).size, wal.fileBytes);
    assert.ok(wal.fileBytes > 1_500, 'the decided records are still in the file');

    wal.append(lock(11));
    wal.sync();
    wal.close();
    // A restart reads the decided records too; a height's recovery takes only its own.
    const reopened = new FileWal(path, { compactAtBytes: 4_000 });
    assert.equal(reopened.replay().length, 11);
    assert.deepEqual(recordsForHeight(reopened.replay(), 11), [lock(11)]);
    reopened.close();
  });

  it('past the compaction size, the rewritten file holds exactly the undecided heights', () => {
    const path = join(dir, 'compacted.wal');
    const wal = new FileWal(path, { compactAtBytes: 4_000 });
    for (let height = 1; height <= 30; height++) {
      wal.append(lock(height));
      wal.append(lock(height + 1));
      wal.sync();
      wal.truncateBelow(height + 1);
    }
    assert.ok(wal.compactions >= 1, `compacted ${wal.compactions} times`);
    assert.ok(wal.fileBytes < 4_000 + 300, `the file stays bounded (${wal.fileBytes} bytes)`);
    assert.equal(statSync(path).size, wal.fileBytes);
    // Appends after a compaction go to the new file.
    wal.append(lock(32));
    wal.sync();
    const expected = wal.replay();
    wal.close();
    const reopened = new FileWal(path);
    const onDisk = reopened.replay().filter((r) => r.height >= 31);
    assert.deepEqual(onDisk, expected);
    assert.deepEqual(
      onDisk.map((r) => r.height),
      [31, 32],
      'heights 31 and 32 survive; every decided height below is gone or ignored',
    );
    reopened.close();
  });

  it('a torn last record is cut at the restart, and the size counts from there', () => {
    const path = join(dir, 'torn.wal');
    const wal = new FileWal(path);
    wal.append(lock(1));
    wal.sync();
    const whole = wal.fileBytes;
    wal.close();
    writeFileSync(path, Buffer.from([0, 0, 1, 0, 9, 9]), { flag: 'a' });
    const reopened = new FileWal(path);
    assert.deepEqual(reopened.replay(), [lock(1)]);
    assert.equal(reopened.fileBytes, whole);
    assert.equal(statSync(path).size, whole);
    reopened.close();
  });
});

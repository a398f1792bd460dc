// The lossy disk under the campaign's power-loss and disk-full faults, and a real node on it.
// 1. lossyfs itself: a write not fsynced is lost at a crash, an fsynced one is not; a full disk refuses
//    writes that need space (ENOSPC) and new files, and takes overwrites; space comes back.
// 2. A validator process on a lossy disk: a power cut (SIGKILL, unsynced writes dropped) loses no block
//    it had committed; a full disk stops it cleanly (exit 70, NODE_DISK_FULL) instead of crashing, and
//    it goes on once space is back.
// Needs FUSE (/dev/fuse, libfuse3's headers, the right to mount): without it the test says why and
// skips, unless HANGLIAN_REQUIRE_LOSSYFS=1 (then it fails).
import assert from 'node:assert/strict';
import {
  appendFileSync,
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ChaosCluster, sleep } from '../src/cluster.js';
import { LossyDisk, lossyDiskSupport } from '../src/lossyDisk.js';
import { SeededRandom } from '../src/random.js';

async function supportOrSkip(t: { skip: (reason: string) => void }): Promise<string | undefined> {
  const support = await lossyDiskSupport();
  if (support.ok) return support.binary;
  if (process.env.HANGLIAN_REQUIRE_LOSSYFS === '1') assert.fail(`lossyfs is required: ${support.reason}`);
  t.skip(`no lossy disk on this machine: ${support.reason}`);
  return undefined;
}

function errorCode(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

/** Mounts lossyfs over a scratch directory, runs `use` on it, then unmounts and removes it. */
async function withScratchDisk(
  binary: string,
  use: (disk: LossyDisk, mountpoint: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-lossyfs-test-'));
  mkdirSync(join(dir, 'disk'));
  mkdirSync(join(dir, 'mount'));
  const disk = await LossyDisk.mount(binary, join(dir, 'disk'), join(dir, 'mount'));
  try {
    await use(disk, join(dir, 'mount'));
  } finally {
    await disk.unmount();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('lossyfs', () => {
  it('loses what was not fsynced at a crash, keeps what was; a full disk refuses new space', async (t) => {
    const binary = await supportOrSkip(t);
    if (binary === undefined) return;
    await withScratchDisk(binary, async (disk, mountpoint) => {
      const at = (name: string) => join(mountpoint, name);
      writeFileSync(at('unsynced'), 'x'.repeat(10_000));
      const fd = openSync(at('synced'), 'w');
      writeSync(fd, 'y'.repeat(5_000));
      fsyncSync(fd);
      writeSync(fd, 'z'.repeat(3_000));
      closeSync(fd);
      // Readers see everything written, as through a page cache.
      assert.equal(statSync(at('unsynced')).size, 10_000);
      assert.equal(readFileSync(at('synced'), 'utf8'), `${'y'.repeat(5_000)}${'z'.repeat(3_000)}`);
      assert.deepEqual(await disk.dirty(), { bytes: 16_384, files: 2 });

      const dropped = await disk.crash();
      assert.deepEqual(dropped, { bytes: 16_384, files: 2 });
      assert.equal(statSync(at('unsynced')).size, 0, 'a write never fsynced survived the power cut');
      assert.equal(readFileSync(at('synced'), 'utf8'), 'y'.repeat(5_000), 'the fsynced part is not intact');

      // A truncation not fsynced: the bytes past it read as zeros when the file grows again, and the
      // power cut brings the whole synced file back.
      const big = openSync(at('truncated'), 'w+');
      writeSync(big, 't'.repeat(10_000));
      fsyncSync(big);
      ftruncateSync(big, 100);
      writeSync(big, 'E', 5_000);
      closeSync(big);
      const grown = readFileSync(at('truncated'));
      assert.equal(grown.length, 5_001);
      assert.equal(
        grown.subarray(100, 5_000).every((b) => b === 0),
        true,
        'truncated bytes came back',
      );
      await disk.crash();
      assert.equal(readFileSync(at('truncated'), 'utf8'), 't'.repeat(10_000));

      await disk.full(true);
      assert.equal(
        errorCode(() => appendFileSync(at('synced'), 'more')),
        'ENOSPC',
      );
      assert.equal(
        errorCode(() => writeFileSync(at('new-file'), 'a')),
        'ENOSPC',
      );
      const inPlace = openSync(at('synced'), 'r+');
      writeSync(inPlace, 'Q', 0);
      closeSync(inPlace);
      assert.equal(readFileSync(at('synced'), 'utf8')[0], 'Q', 'an overwrite inside the file failed');
      await disk.full(false);
      appendFileSync(at('synced'), 'more');
      assert.equal(statSync(at('synced')).size, 5_004);
    });
  });

  it('unmounts itself and exits when its runner is gone (the end of its command pipe closed)', async (t) => {
    const binary = await supportOrSkip(t);
    if (binary === undefined) return;
    await withScratchDisk(binary, async (disk, mountpoint) => {
      const mounted = () =>
        readFileSync('/proc/mounts', 'utf8')
          .split('\n')
          .some((l) => l.split(' ')[1] === mountpoint);
      assert.equal(mounted(), true);
      // What a runner killed by SIGKILL leaves: the pipe's end closes, and nobody calls unmount.
      const exited = new Promise<number | null>((resolve) =>
        disk.child.once('exit', (code) => resolve(code)),
      );
      disk.child.stdin!.end();
      const code = await Promise.race([exited, sleep(15_000).then(() => 'still running' as const)]);
      assert.notEqual(code, 'still running', 'lossyfs kept running after its pipe closed');
      assert.equal(mounted(), false, 'the mount was left behind');
    });
  });
});

describe('a validator on a lossy disk', () => {
  it('keeps every block it committed through a power cut, and stops cleanly on a full disk', {
    timeout: 300_000,
  }, async (t) => {
    const binary = await supportOrSkip(t);
    if (binary === undefined) return;
    const random = new SeededRandom(20_261_206);
    // One validator: it commits alone, so every height it reports is a block it committed.
    const cluster = await ChaosCluster.create({
      validators: 1,
      fullNodes: 0,
      accounts: 1,
      random: () => random.next(),
      lossyfs: binary,
    });
    const waitFor = async (what: string, ok: () => Promise<boolean>, ms = 90_000) => {
      const deadline = Date.now() + ms;
      while (!(await ok().catch(() => false))) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
        await sleep(200);
      }
    };
    try {
      await cluster.start('node0');
      await waitFor('height 5', async () => (await cluster.height('node0')) >= 5);

      // Power cut: whatever the node had answered as committed must be there after it.
      const committed = await cluster.height('node0');
      await cluster.stop('node0', 'SIGKILL');
      const dropped = await cluster.disk('node0').crash();
      t.diagnostic(
        `power cut at height ≥ ${committed}: ${dropped.bytes} B unsynced in ${dropped.files} file(s) dropped`,
      );
      await cluster.start('node0');
      const after = await cluster.height('node0');
      assert.ok(after >= committed, `height ${after} after the power cut, ${committed} committed before it`);
      await waitFor('progress after the power cut', async () => (await cluster.height('node0')) >= after + 3);

      // Full disk: the node must stop on its own, with the clear code, not crash.
      const beforeFull = await cluster.height('node0');
      const node = cluster.node('node0');
      const exited = node.exited!;
      cluster.expectExit('node0');
      await cluster.disk('node0').full(true);
      const exit = await Promise.race([exited, sleep(120_000).then(() => undefined)]);
      assert.ok(exit !== undefined, 'the node went on for 2 minutes on a full disk');
      const log = cluster.logText('node0');
      assert.equal(exit.code, 70, `exit ${exit.code ?? exit.signal}: ${cluster.logTail('node0', 6)}`);
      assert.match(log, /"code":"DISK_FULL"/);
      assert.doesNotMatch(log, /Error: ENOSPC[^\n]*\n\s+at /, 'an uncaught ENOSPC stack trace in the log');

      await cluster.disk('node0').full(false);
      await cluster.start('node0');
      const resumed = await cluster.height('node0');
      await waitFor(
        'progress once space is back',
        async () => (await cluster.height('node0')) >= resumed + 3,
      );
      assert.ok(
        resumed >= beforeFull,
        `height ${resumed} after the restart, ${beforeFull} before the disk filled`,
      );
    } finally {
      await cluster.shutdown();
      cluster.remove();
    }
  });
});

/**
 * A node's disk that can lose power or fill up: the node's directory is a mount of `lossyfs`
 * (native/lossyfs.c, a small FUSE file system) over the real directory. Data a node writes stays in
 * lossyfs's memory until the node fsyncs it; `crash()` drops all of it, as a power cut drops a disk cache
 * (a SIGKILL alone keeps the kernel's page cache, so it never loses an unsynced write); `full(true)`
 * makes every write that needs new space fail with ENOSPC.
 *
 * It needs a C compiler, libfuse3's headers (Debian: `fuse3 libfuse3-dev`), /dev/fuse and the right to
 * mount (root, or fusermount3). `lossyDiskSupport()` says whether this machine has them and why not; the
 * campaign then leaves the two fault kinds that need it out of its default kinds.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native', 'lossyfs.c');
const BUILD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'native');

export type LossyDiskSupport = { ok: true; binary: string } | { ok: false; reason: string };

let support: LossyDiskSupport | undefined;

function unmount(mountpoint: string): void {
  for (const args of [
    ['-u', mountpoint],
    ['-u', '-z', mountpoint],
  ]) {
    try {
      execFileSync('fusermount3', args, { stdio: 'ignore' });
      return;
    } catch {}
  }
  try {
    execFileSync('umount', ['-l', mountpoint], { stdio: 'ignore' });
  } catch {}
}

/**
 * Builds lossyfs (once per version of its source) and mounts it once on a scratch directory. The answer
 * is kept for the process.
 */
export async function lossyDiskSupport(): Promise<LossyDiskSupport> {
  if (support !== undefined) return support;
  support = await probe();
  return support;
}

async function probe(): Promise<LossyDiskSupport> {
  if (process.platform !== 'linux') return { ok: false, reason: 'lossyfs needs Linux (FUSE)' };
  if (!existsSync('/dev/fuse')) return { ok: false, reason: 'no /dev/fuse on this machine' };
  const version = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const binary = join(BUILD_DIR, `lossyfs-${version}`);
  if (!existsSync(binary)) {
    let flags: string[];
    try {
      flags = execFileSync('pkg-config', ['--cflags', '--libs', 'fuse3'], { encoding: 'utf8' })
        .trim()
        .split(/\s+/);
    } catch {
      return {
        ok: false,
        reason: 'libfuse3 not found by pkg-config (Debian: apt-get install fuse3 libfuse3-dev pkg-config)',
      };
    }
    mkdirSync(BUILD_DIR, { recursive: true });
    try {
      execFileSync('cc', ['-O2', '-o', `${binary}.tmp`, SOURCE, ...flags], { stdio: 'pipe' });
      renameSync(`${binary}.tmp`, binary);
    } catch (error) {
      return {
        ok: false,
        reason: `lossyfs did not compile: ${String((error as Error).message).slice(0, 300)}`,
      };
    }
  }
  const scratch = mkdtempSync(join(tmpdir(), 'hanglian-lossyfs-probe-'));
  mkdirSync(join(scratch, 'disk'));
  mkdirSync(join(scratch, 'mount'));
  try {
    const disk = await LossyDisk.mount(binary, join(scratch, 'disk'), join(scratch, 'mount'));
    await disk.unmount();
    return { ok: true, binary };
  } catch (error) {
    return { ok: false, reason: `lossyfs could not mount: ${(error as Error).message}` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export class LossyDisk {
  readonly #answers: string[] = [];
  readonly #waiting: Array<(line: string) => void> = [];
  #exited = false;

  private constructor(
    readonly child: ChildProcess,
    readonly backing: string,
    readonly mountpoint: string,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const waiter = this.#waiting.shift();
      if (waiter !== undefined) waiter(line);
      else this.#answers.push(line);
    });
    child.once('exit', () => {
      this.#exited = true;
      for (const waiter of this.#waiting.splice(0)) waiter('exited');
    });
  }

  /** Mounts lossyfs over `backing` at `mountpoint` (an empty directory) and resolves once it serves. */
  static async mount(binary: string, backing: string, mountpoint: string): Promise<LossyDisk> {
    const child = spawn(binary, [backing, mountpoint], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < 4_000) stderr += chunk.toString();
    });
    const disk = new LossyDisk(child, backing, mountpoint);
    const ready = await Promise.race([
      disk.#next(),
      new Promise<string>((r) => setTimeout(() => r('timeout'), 10_000)),
    ]);
    if (ready !== 'ready') {
      child.kill('SIGKILL');
      unmount(mountpoint);
      throw new Error(`lossyfs on ${mountpoint}: ${ready === 'exited' ? stderr.trim() || 'exited' : ready}`);
    }
    return disk;
  }

  /**
   * Moves the directory `dir` aside (to `<dir>.disk`) and mounts lossyfs over it at the same path: what
   * was there is now served through the lossy disk.
   */
  static async over(binary: string, dir: string): Promise<LossyDisk> {
    const backing = `${dir}.disk`;
    renameSync(dir, backing);
    mkdirSync(dir);
    return LossyDisk.mount(binary, backing, dir);
  }

  #next(): Promise<string> {
    const line = this.#answers.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#exited) return Promise.resolve('exited');
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async #command(command: string): Promise<string> {
    if (this.#exited) throw new Error(`lossyfs on ${this.mountpoint} is not running`);
    this.child.stdin!.write(`${command}\n`);
    return this.#next();
  }

  /** Drops every write not fsynced yet: a power cut. The node using it must be dead already. */
  async crash(): Promise<{ bytes: number; files: number }> {
    const answer = await this.#command('crash');
    const match = /^dropped (\d+) (\d+)$/.exec(answer);
    if (match === null) throw new Error(`lossyfs crash: ${answer}`);
    return { bytes: Number(match[1]), files: Number(match[2]) };
  }

  /** The disk is full (true) or has space again (false). */
  async full(on: boolean): Promise<void> {
    const answer = await this.#command(on ? 'full' : 'space');
    if (answer !== (on ? 'full' : 'space')) throw new Error(`lossyfs ${on ? 'full' : 'space'}: ${answer}`);
  }

  /** Bytes and files written and not fsynced yet. */
  async dirty(): Promise<{ bytes: number; files: number }> {
    const match = /^dirty (\d+) (\d+)/.exec(await this.#command('stats'));
    if (match === null) throw new Error('lossyfs stats: no answer');
    return { bytes: Number(match[1]), files: Number(match[2]) };
  }

  /** Unmounts (what was not fsynced is lost, as at a power cut) and ends the lossyfs process. */
  async unmount(): Promise<void> {
    unmount(this.mountpoint);
    if (!this.#exited) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.stdin!.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      if (!this.#exited) this.child.kill('SIGKILL');
    }
  }
}

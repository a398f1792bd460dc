/**
 * What the browser tests share: a real local network started by the CLI (`hanglian devnet --demo`, so
 * the node serves the console build and the book story is on chain), a headless Debian Chromium driven
 * by playwright-core and kept off the network, and screenshots saved for reviewers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copySeededDevnet, freePortRange } from '@hanglian/testkit';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
/** packages/console (this file runs from packages/console/dist/test). */
export const PACKAGE_DIR = join(here, '..', '..');
export const CLI = join(PACKAGE_DIR, '..', 'cli', 'bin', 'hanglian.js');
export const SCREENSHOTS = join(PACKAGE_DIR, 'artifacts', 'screenshots');
export const CHROMIUM = process.env.HANGLIAN_CHROMIUM ?? '/usr/bin/chromium';
export const CONSOLE_BUILD = join(PACKAGE_DIR, 'dist', 'web', 'index.html');

/** Why the browser tests cannot run here, or undefined when they can. In CI a missing piece is a failure. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  if (!existsSync(CONSOLE_BUILD)) return `no console build at ${CONSOLE_BUILD} (npm run build)`;
  return undefined;
}

/** `{ skip }` for node:test: skipped with the reason on a developer machine, never in CI. */
export function skipUnlessReady(): { skip?: string } {
  const missing = missingPrerequisite();
  if (missing === undefined) return {};
  if (process.env.CI === 'true') throw new Error(`browser tests cannot run in CI: ${missing}`);
  return { skip: missing };
}

export interface Devnet {
  readonly dir: string;
  /** Each node's API (and console) base URL. */
  readonly apis: string[];
  /** The demo's steps and transaction ids (demo-seeded.json). */
  readonly steps: Array<{ name: string; txId: string }>;
  stop(): Promise<void>;
}

/**
 * `hanglian devnet --demo` with `validators` nodes; resolves once the book story is on chain. Other tests
 * on this machine take ports too, so a start that fails is tried again on other ports.
 */
export async function startDevnet(validators: number, extraArgs: readonly string[] = []): Promise<Devnet> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevnetOnce(validators, extraArgs);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function startDevnetOnce(validators: number, extraArgs: readonly string[]): Promise<Devnet> {
  // A developer may point the tests at a devnet already running (`npm start`) to iterate faster.
  const existing = process.env.HANGLIAN_CONSOLE_TEST_API;
  if (existing !== undefined && existing.length > 0) {
    return { dir: '', apis: [existing.replace(/\/+$/, '')], steps: [], stop: async () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-console-'));
  const basePort = await freePortRange(2 * validators);
  // The book story (one or four validators) is shared by several test files: in `npm test` each starts from a copy
  // of one seeded network (see @hanglian/testkit's devnetFixture), resumed below on its own ports. Not
  // with a market: the personal search test failed twice on a copy (the wallet's buyerBucket reads were
  // recorded with the ranking), so it seeds its own.
  if (extraArgs.length === 0) {
    await copySeededDevnet({ cli: CLI, args: ['--validators', String(validators), '--demo'], dir, basePort });
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CLI,
      'devnet',
      '--dir',
      dir,
      '--validators',
      String(validators),
      '--demo',
      ...extraArgs,
      '--json',
      '--base-port',
      String(basePort),
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const apis = await new Promise<string[]>((resolve, reject) => {
      const found: string[] = [];
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
          if (!line.startsWith('{')) continue;
          const event = JSON.parse(line) as { event: string; api?: string };
          if (event.event === 'node' && event.api !== undefined) found.push(event.api);
          if (event.event === 'ready') resolve(found);
        }
      });
      child.once('exit', (code) => reject(new Error(`devnet exited (code ${code}) before it was ready`)));
    });
    const steps = JSON.parse(readFileSync(join(dir, 'demo-seeded.json'), 'utf8')) as Devnet['steps'];
    return { dir, apis, steps, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Headless Chromium that reaches only this machine: no background services, no component updates, a
 * proxy that leads nowhere for every host but loopback, and a fresh profile.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      // Root in a container has no user namespaces for Chromium's sandbox.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
      '--metrics-recording-only',
      '--proxy-server=http://127.0.0.1:9',
      '--proxy-bypass-list=127.0.0.1;localhost;[::1]',
    ],
  });
}

/** Saves a full-page screenshot as artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Fails the test on any error the page logs or throws (a broken page must not pass quietly). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  // Which request failed, so a "Failed to load resource" above can be traced.
  page.on('response', (response) => {
    if (response.status() >= 400) {
      errors.push(`response: ${response.status()} ${response.request().method()} ${response.url()}`);
    }
  });
  return errors;
}

export const scratch = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** The text of the first element a locator finds ('' when it has none). */
export async function text(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

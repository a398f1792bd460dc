/**
 * Issue #6: a newcomer plays the whole book story with the CLI alone. This test runs the README's block
 * "The book story by hand (CLI)" exactly as written (the README is the single source of truth: edit it and
 * this test runs the new text), one command at a time, in one bash session, against a real node process
 * of a fresh 1-validator network with the commerce genesis. The only change is the `API=… NET=…` line,
 * which points at this test's node instead of the devnet's. After each command it checks the outcome on
 * chain: exit codes (0, or the `exit code N` its comment announces), order statuses, the item's owner,
 * the seal readable by the carrier only, the share accepted and then refused; and that the wallet
 * passphrase never appears in any output.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commerceGenesisSection, referenceImplementation } from '@hanglian/commerce-standards';
import { initNetwork } from '@hanglian/node';
import { type Client, createClient, query, registry, signAndSubmit } from '@hanglian/sdk';
import { freePortRange } from '@hanglian/testkit';
import { openNetworkMembers } from '../src/demo/members.js';
import { CLI, hanglian, type RunningNode, startNodeProcess } from './helpers.js';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'README.md');
const HEADING = '## The book story by hand (CLI)';

/** The first ```sh block after the heading. */
export function storyBlock(markdown: string): string {
  const at = markdown.indexOf(HEADING);
  assert.ok(at >= 0, `README has no section "${HEADING}"`);
  const open = markdown.indexOf('```sh\n', at);
  const close = markdown.indexOf('\n```', open + 6);
  assert.ok(open > at && close > open, 'the section has no ```sh block');
  return markdown.slice(open + 6, close + 1);
}

/**
 * Splits shell text into commands as bash would end them: at a newline outside quotes, not after a
 * backslash. Comments outside quotes are dropped from the command but kept as its `comment` (the
 * expected exit code is read from there). Only what the README uses: '…', "…", \ at line ends, #.
 */
export function splitCommands(text: string): Array<{ command: string; comment: string; step: string }> {
  const out: Array<{ command: string; comment: string; step: string }> = [];
  let command = '';
  let comment = '';
  let step = '';
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      command += c;
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      command += c;
    } else if (c === '\\' && text[i + 1] === '\n') {
      command += ' ';
      i++;
    } else if (c === '#' && (command.length === 0 || /\s$/.test(command))) {
      const end = text.indexOf('\n', i);
      comment = text.slice(i + 1, end < 0 ? undefined : end).trim();
      i = (end < 0 ? text.length : end) - 1;
    } else if (c === '\n') {
      const trimmed = command.replace(/\s+/g, ' ').trim();
      if (trimmed.length > 0) out.push({ command: trimmed, comment, step });
      else if (/^\d+\./.test(comment)) step = comment;
      command = '';
      comment = '';
    } else command += c;
  }
  assert.equal(quote, undefined, 'a quote is left open in the block');
  return out;
}

/** One bash session: commands run one by one, variables persist, each command's output is its own. */
class Shell {
  readonly #bash: ChildProcessWithoutNullStreams;
  readonly #dir: string;
  #buffer = '';
  #waiting: ((line: string) => void) | undefined;

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.#dir = cwd;
    this.#bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env });
    this.#bash.stdout.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString();
      const match = /::end (\d+)\n/.exec(this.#buffer);
      if (match !== null && this.#waiting !== undefined) {
        const done = this.#waiting;
        this.#waiting = undefined;
        this.#buffer = this.#buffer.slice(match.index + match[0].length);
        done(match[1]!);
      }
    });
    this.#bash.stdin.write(`hanglian() { "${process.execPath}" "${CLI}" "$@"; }\n`);
  }

  run(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const out = join(this.#dir, '.out');
    const err = join(this.#dir, '.err');
    return new Promise((resolve) => {
      this.#waiting = (code) =>
        resolve({
          code: Number(code),
          stdout: readFileSync(out, 'utf8'),
          stderr: readFileSync(err, 'utf8'),
        });
      this.#bash.stdin.write(`{ ${command}\n} >'${out}' 2>'${err}'; echo "::end $?"\n`);
    });
  }

  async get(name: string): Promise<string> {
    return (await this.run(`printf '%s' "$${name}"`)).stdout;
  }

  close(): void {
    this.#bash.stdin.end();
  }
}

/** The wallet passphrase the README's consumer exports. */
function readmePassphrase(): string {
  const passphrase = /HANGLIAN_WALLET_PASSPHRASE='([^']+)'/.exec(readFileSync(README, 'utf8'))?.[1];
  assert.ok(passphrase !== undefined, 'the README exports HANGLIAN_WALLET_PASSPHRASE');
  return passphrase;
}

interface OrderView {
  status: string;
  buyer: string;
  codes: string[];
  payouts?: Record<string, number>;
}

// The suite's limit is a guard against a hang: 58 s in CI alone, and it runs two at a time (test tiers).
describe('the README book story, by hand with the CLI, against a real node', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-cli-story-'));
  const net = join(dir, 'net');
  const home = join(dir, 'consumer');
  let node: RunningNode;
  let client: Client;
  let shell: Shell;
  const outputs: string[] = [];

  before(async () => {
    initNetwork({
      dir: net,
      chainId: 'hanglian-cli-story',
      genesisTime: Date.now(),
      basePort: await freePortRange(16),
      scryptN: 1024,
      registry: commerceGenesisSection(),
    });
    node = await startNodeProcess(net);
    client = createClient({ url: node.api });
    // What `npm start`'s demo did before the walkthrough: PayBank A and carrier A deploy and register
    // their implementations of the payment and logistics standards (a member's admin key each).
    const members = openNetworkMembers(net);
    await Promise.all(
      ['paybank-a.payment', 'carrier-a.express'].map(async (id) => {
        const implementation = referenceImplementation(id);
        const signer = members.signer(implementation.org, 'admin');
        const deployed = await signAndSubmit(client, {
          signer,
          ...registry.deployCode({ source: implementation.source }),
          waitForCommit: false,
        });
        await signAndSubmit(client, {
          signer,
          nonce: deployed.nonce + 1,
          ...registry.registerImplementation({
            id: implementation.id,
            standard: implementation.standard,
            codeHash: implementation.codeHash,
            displayName: implementation.displayName,
          }),
        });
      }),
    );
    mkdirSync(home);
    const env = { ...process.env };
    delete env.HANGLIAN_WALLET_PASSPHRASE;
    delete env.HANGLIAN_PASSPHRASE;
    shell = new Shell(home, env);
  });

  after(async () => {
    shell?.close();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const order = async (id: string): Promise<OrderView> =>
    (await query<OrderView>(client, { module: 'orders', name: 'order', params: { id } })).result;
  const itemOwner = async (code: string): Promise<string> =>
    (
      await query<{ state: { owner: string } }>(client, {
        module: 'items',
        name: 'item',
        params: { code },
      })
    ).result.state.owner;

  it('runs every command of the README block and each step does what it says', async () => {
    const commands = splitCommands(storyBlock(readFileSync(README, 'utf8')));
    assert.ok(commands.length >= 25, `the block has ${commands.length} commands`);
    const seen = new Set<string>();
    let shareVerified = 0;
    for (const { command, comment, step } of commands) {
      const line = /^API=\S+ NET=\S+$/.test(command) ? `API=${node.api} NET='${net}'` : command;
      const result = await shell.run(line);
      outputs.push(result.stdout, result.stderr);
      const expected = Number(/exit code (\d+)\s*$/.exec(comment)?.[1] ?? 0);
      assert.equal(
        result.code,
        expected,
        `step "${step}": ${command}\nexit ${result.code}\n${result.stdout}\n${result.stderr}`,
      );
      const is = (pattern: RegExp) => pattern.test(command);
      if (is(/^hanglian wallet new /)) {
        assert.match(result.stdout, /BACKUP PHRASE/);
        assert.match(result.stdout, /shown once/);
        assert.match(result.stdout, /24\. \w+/);
        seen.add('wallet');
      } else if (is(/^BUYER=/)) {
        assert.match(await shell.get('BUYER'), /^hl[0-9a-z]+$/);
      } else if (is(/^SEALED=/)) {
        const sealed = await shell.get('SEALED');
        assert.match(sealed, /^([0-9a-f]{2})+$/);
        assert.ok(!sealed.includes(Buffer.from('Li Hua').toString('hex')), 'the details are sealed');
      } else if (is(/^ORDER=/)) {
        const id = await shell.get('ORDER');
        assert.match(id, /^[0-9a-f]{32}$/);
        const placed = await order(id);
        assert.equal(placed.status, 'created');
        assert.equal(placed.buyer, await shell.get('BUYER'));
        assert.equal(await itemOwner(placed.codes[0]!), 'org:bookstore');
        seen.add('order');
      } else if (is(/orders confirmPayment/)) {
        assert.equal((await order(await shell.get('ORDER'))).status, 'paid');
      } else if (is(/orders ship/)) {
        assert.equal((await order(await shell.get('ORDER'))).status, 'shipped');
      } else if (is(/^hanglian order delivery/)) {
        assert.match(result.stdout, /李华 Li Hua/);
        assert.match(result.stdout, /北京市海淀区/);
        seen.add('delivery');
      } else if (is(/orders deliver /)) {
        const delivered = await order(await shell.get('ORDER'));
        assert.equal(delivered.status, 'delivered');
        assert.equal(await itemOwner(delivered.codes[0]!), `acct:${await shell.get('BUYER')}`);
        seen.add('owner');
      } else if (is(/orders confirm /)) {
        const completed = await order(await shell.get('ORDER'));
        assert.equal(completed.status, 'completed');
        assert.ok((completed.payouts?.merchant ?? 0) > 0);
      } else if (is(/reviews write/)) {
        const { result: review } = await query<{ rating: number } | null>(client, {
          module: 'reviews',
          name: 'review',
          params: { order: await shell.get('ORDER') },
        });
        assert.equal(review?.rating, 5);
      } else if (is(/^hanglian order show \S+ --api/)) {
        assert.match(result.stdout, /COMPLETED/);
      } else if (is(/^hanglian item verify/)) {
        assert.match(result.stdout, /GENUINE/);
        seen.add('verify');
      } else if (is(/^hanglian wallet purchases/)) {
        assert.match(result.stdout, new RegExp(`order key 0 +${await shell.get('ORDER')} +completed`));
      } else if (is(/^hanglian share verify/)) {
        shareVerified++;
        if (shareVerified === 1) {
          assert.match(result.stdout, /ACCEPTED/);
          assert.match(result.stdout, new RegExp(await shell.get('ORDER')));
          seen.add('accepted');
        } else {
          assert.match(result.stderr, /SDK_GRANT_INACTIVE/);
          seen.add('refused');
        }
      }
    }
    assert.deepEqual([...seen].sort(), [
      'accepted',
      'delivery',
      'order',
      'owner',
      'refused',
      'verify',
      'wallet',
    ]);
  });

  it('never prints the wallet passphrase', () => {
    const passphrase = readmePassphrase();
    for (const output of outputs) assert.ok(!output.includes(passphrase));
  });

  it('refuses bad input with a stable code and a non-zero exit code', async () => {
    const wallet = join(home, 'consumer.wallet');
    const phrase = /BACKUP PHRASE[^\n]*\n\n((?:\s+\d+\. \S+)+)/.exec(outputs.join('\n'))?.[1];
    assert.ok(phrase !== undefined, 'the walkthrough printed the phrase');
    const words = phrase
      .trim()
      .split(/\s+/)
      .filter((w) => !/^\d+\.$/.test(w));
    assert.equal(words.length, 24);
    const pass = join(dir, 'pass.txt');
    writeFileSync(pass, 'another good passphrase\n');
    const wrongPass = join(dir, 'wrong.txt');
    writeFileSync(wrongPass, 'not the passphrase\n');
    const phraseFile = join(dir, 'words.txt');
    writeFileSync(phraseFile, `${words.join(' ')}\n`);
    const readmePass = join(dir, 'readme-pass.txt');
    writeFileSync(readmePass, `${readmePassphrase()}\n`);
    const shortPass = join(dir, 'short.txt');
    writeFileSync(shortPass, 'short\n');
    const member = ['--network', net, '--org', 'platform-a', '--api', node.api];
    const seal = [
      'wallet',
      'seal',
      '--wallet',
      wallet,
      '--wallet-passphrase-file',
      readmePass,
      '--index',
      '1',
      '--api',
      node.api,
    ];
    const cases: Array<{ args: string[]; code: number; error: RegExp }> = [
      {
        args: ['wallet', 'new', '--out', wallet, '--wallet-passphrase-file', pass],
        code: 5,
        error: /CLI_FILE_EXISTS/,
      },
      {
        args: ['wallet', 'key', '--wallet', wallet, '--index', '0'],
        code: 2,
        error: /CLI_WALLET_PASSPHRASE_MISSING/,
      },
      {
        args: ['wallet', 'key', '--wallet', wallet, '--index', '0', '--wallet-passphrase-file', wrongPass],
        code: 3,
        error: /SDK_KEYSTORE_WRONG_PASSWORD/,
      },
      {
        args: ['wallet', 'key', '--wallet', wallet, '--index', '-1', '--wallet-passphrase-file', pass],
        code: 2,
        error: /CLI_BAD_OPTION/,
      },
      {
        args: ['wallet', 'new', '--out', join(dir, 'w3'), '--wallet-passphrase-file', shortPass],
        code: 2,
        error: /CLI_WALLET_PASSPHRASE_SHORT/,
      },
      {
        args: [
          ...seal,
          '--to',
          'carrier-a,nobody',
          '--details',
          '{"name":"a","phone":"1","address":"b","region":"CN-11"}',
        ],
        code: 4,
        error: /CLI_NO_ENCRYPTION_KEY/,
      },
      {
        args: [...seal, '--to', 'carrier-a', '--details', '{"name":"a","region":"CN-11"}'],
        code: 2,
        error: /SDK_SEALED_INVALID/,
      },
      {
        // Details beyond what an envelope carries: the SDK's clear error, before anything is sent.
        args: [
          ...seal,
          '--to',
          'carrier-a',
          '--details',
          JSON.stringify({ name: 'a', phone: '1', address: '长'.repeat(400), region: 'CN-11' }),
        ],
        code: 2,
        error: /SDK_SEALED_TOO_LARGE/,
      },
      {
        // An envelope the orders module would refuse (ORDERS_DELIVERY_MALFORMED) is named before sending.
        args: [
          'order',
          'create',
          '--listing',
          'bookstore/hlm-2026',
          '--payment',
          'paybank-a.payment',
          '--logistics',
          'carrier-a.express',
          '--arbiter',
          'regulator',
          '--region',
          'CN-11',
          '--weight',
          '900',
          '--delivery',
          'ab'.repeat(600),
          '--wallet',
          wallet,
          '--order-key',
          '0',
          ...member,
        ],
        code: 2,
        error: /CLI_BAD_BYTES: --delivery is not a sealed envelope this network accepts/,
      },
      {
        args: ['tx', 'orders', 'confirm', '{"order":{"$hex":"xyz"}}', ...member],
        code: 2,
        error: /CLI_BAD_BYTES/,
      },
      {
        args: ['tx', 'orders', 'confirm', '{"order":"00"}', ...member, '--wallet', wallet],
        code: 2,
        error: /CLI_BAD_OPTION/,
      },
      {
        args: ['order', 'show', '0'.repeat(32), '--api', node.api],
        code: 4,
        error: /CLI_ORDER_NOT_FOUND/,
      },
      {
        args: [
          'wallet',
          'restore',
          '--phrase-file',
          phraseFile,
          '--out',
          join(dir, 'bad'),
          '--wallet-passphrase-file',
          pass,
          '--json',
        ],
        code: 0,
        error: /^$/,
      },
    ];
    const results = await Promise.all(cases.map((c) => hanglian(...c.args)));
    cases.forEach((c, i) => {
      const r = results[i]!;
      assert.equal(r.code, c.code, `${c.args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, c.error, c.args.join(' '));
    });
    // The restored wallet has the same order keys as the one the walkthrough made.
    const restored = JSON.parse(results.at(-1)!.stdout) as { orderKey0: string };
    assert.equal(restored.orderKey0, await shell.get('BUYER'));
  });

  it('places an order through the generic tx with {"$hex": …} bytes and order key 1 co-signing', async () => {
    const seal = await shell.run(
      `hanglian wallet seal --wallet consumer.wallet --index 1 --to carrier-a --api $API --json --details '{"name":"王芳","phone":"+86 139 0000 0000","address":"上海市徐汇区","region":"CN-31"}'`,
    );
    assert.equal(seal.code, 0, seal.stderr);
    const params = JSON.stringify({
      buyer: '@BUYER1@',
      listing: 'bookstore/xyj-2027',
      quantity: 1,
      payment: 'paybank-a.payment',
      logistics: 'carrier-a.express',
      platform: 'platform-b',
      arbiter: 'regulator',
      buyerRegion: 'CN-31',
      delivery: { $hex: '@SEALED@' },
      weightGrams: 900,
      // The most order key 1 agrees to pay: 42.80 and carrier A's 15.00 (12.00 a parcel, 3.00 an item).
      maxTotal: 5_780,
    });
    const { sealed, buyer: buyer1 } = JSON.parse(seal.stdout) as { sealed: string; buyer: string };
    const placed = await shell.run(
      `hanglian tx orders create '${params.replace('@BUYER1@', buyer1).replace('@SEALED@', sealed)}' --network $NET --org platform-b --wallet consumer.wallet --order-key 1 --json`,
    );
    assert.equal(placed.code, 0, placed.stderr);
    const status = JSON.parse(placed.stdout) as { txId: string; result: { code: string } };
    assert.equal(status.result.code, 'OK');
    const created = await order(status.txId.slice(0, 32));
    assert.equal(created.buyer, buyer1);
    assert.equal(created.status, 'created');
    // Without the order key the same command is refused by the orders module.
    const unsigned = await shell.run(
      `hanglian tx orders create '${params.replace('@BUYER1@', buyer1).replace('@SEALED@', sealed)}' --network $NET --org platform-b`,
    );
    assert.notEqual(unsigned.code, 0);
    assert.match(unsigned.stderr, /ORDERS_NOT_BUYER/);
    const purchases = await shell.run('hanglian wallet purchases --wallet consumer.wallet --api $API --json');
    assert.equal(purchases.code, 0, purchases.stderr);
    assert.deepEqual(
      (JSON.parse(purchases.stdout) as Array<{ index: number }>).map((p) => p.index),
      [0, 1],
    );
  });
});

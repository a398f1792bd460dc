import { sha256 } from '@hanglian/core';
import { ContractSandbox } from '../../src/index.js';
import { MemoryHost } from './memoryHost.js';

/** A small ledger whose methods exercise state, events, host calls, gas, memory and stack failures. */
export const LEDGER = `var contract = {
  mint(to, amount) {
    const key = 'bal:' + to;
    const balance = Number(chain.state.get(key) ?? '0') + amount;
    chain.state.set(key, String(balance));
    chain.emit('Minted', { to, amount, balance, at: chain.height });
    return balance;
  },
  transfer(from, to, amount) {
    const fromBalance = Number(chain.state.get('bal:' + from) ?? '0');
    if (fromBalance < amount) throw new RangeError('insufficient balance: ' + from + ' has ' + fromBalance);
    const toBalance = Number(chain.state.get('bal:' + to) ?? '0');
    chain.state.set('bal:' + from, String(fromBalance - amount));
    chain.state.set('bal:' + to, String(toBalance + amount));
    chain.emit('Transferred', { from, to, amount });
    return [fromBalance - amount, toBalance + amount];
  },
  crunch(n) { let h = 7; for (let i = 0; i < n; i++) h = (h * 31 + i) % 2147483647; chain.state.set('crunch', String(h)); return h; },
  hoard(n) { const a = []; for (let i = 0; i < n; i++) a.push({ i, s: 'item-' + i }); return a.length; },
  dive(n) { function f(k) { return k === 0 ? 0 : 1 + f(k - 1); } return f(n); },
  ask(x) { return chain.call('kernel.echo', x, chain.caller); },
  sorted(xs) { return xs.slice().sort((a, b) => a - b).map((x) => x / 3); },
};`;

/** A deterministic PRNG (mulberry32); the scenario must never depend on Math.random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs `calls` seeded random calls on a fresh sandbox and returns one line per call (result and gas) and a
 * final line with the SHA-256 of the host's state and events. Two runs with the same seed must print the same
 * text, byte for byte, in any process.
 */
export async function runDeterminismScenario(seed: number, calls: number): Promise<string> {
  const sandbox = await ContractSandbox.create();
  const host = new MemoryHost({ ledger: LEDGER });
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const accounts = ['alice', 'bob', 'carol', 'dave'];
  const lines: string[] = [];
  for (let i = 0; i < calls; i++) {
    const method = pick([
      'mint',
      'transfer',
      'transfer',
      'crunch',
      'hoard',
      'dive',
      'ask',
      'sorted',
    ] as const);
    const amount = Math.floor(random() * 100);
    const args =
      method === 'mint'
        ? [pick(accounts), amount]
        : method === 'transfer'
          ? [pick(accounts), pick(accounts), amount]
          : method === 'crunch'
            ? [Math.floor(random() * 400_000)]
            : method === 'hoard'
              ? [Math.floor(random() * 120_000)]
              : method === 'dive'
                ? [Math.floor(random() * 1_200)]
                : method === 'ask'
                  ? [{ n: amount, tag: pick(accounts) }]
                  : [Array.from({ length: 20 }, () => Math.floor(random() * 1000) - 500)];
    host.context = {
      contract: 'ledger-1',
      caller: pick(accounts),
      height: 100 + i,
      time: 1_700_000_000_000 + i * 1000,
    };
    const gasLimit = pick([3_000_000, 20_000_000, 200_000_000, 2_000_000_000]);
    const memoryLimitBytes = pick([2 * 1024 * 1024, 8 * 1024 * 1024]);
    const result =
      random() < 0.2
        ? sandbox.query({ codeId: 'ledger', method, args, gasLimit, memoryLimitBytes }, host)
        : sandbox.call({ codeId: 'ledger', method, args, gasLimit, memoryLimitBytes }, host);
    lines.push(JSON.stringify({ i, method, args, gasLimit, memoryLimitBytes, result }));
  }
  const digest = sha256(new TextEncoder().encode(host.snapshot()));
  lines.push(
    `state ${Buffer.from(digest).toString('hex')} keys ${host.state.size} events ${host.events.length}`,
  );
  return `${lines.join('\n')}\n`;
}

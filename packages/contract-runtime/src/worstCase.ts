/**
 * Worst-case contracts: a generator of contracts that each spend their gas on one built-in or one pattern
 * in the most expensive way we know (the largest data it can touch, the slowest path), and the measurement
 * of how long a million gas of each takes. The gas schedule is right when no case takes longer than the
 * bound the README states (test/worstCase.test.ts; `npm run bench -- --gas` prints the figures).
 *
 * Built-ins are not listed by hand: `discoverBuiltins` asks a sandbox for every function on the prototypes
 * and namespaces below, and every one of them is called, in a loop, on large data with each argument shape
 * of a small pool (most combinations throw quickly; the ones that do work on the data are the point). The
 * operators and patterns that no built-in list reaches (comparisons and concatenation of long strings,
 * property keys made of long strings, regular expressions that backtrack, garbage collection under a full
 * heap, deep exceptions, host crossings...) are written out.
 */

import type { CallResult, ContractHost } from './interface.js';
import type { ContractSandbox } from './sandbox/sandbox.js';

export interface WorstCase {
  /** `group/name`, unique. */
  readonly name: string;
  readonly group: string;
  /** A contract whose method `run` spends all its gas on the case (a loop that never ends by itself). */
  readonly source: string;
}

export interface WorstCaseMeasurement {
  readonly name: string;
  readonly group: string;
  /** How the call ended: usually CONTRACT_OUT_OF_GAS (the loop ran until the meter stopped it). */
  readonly code: string;
  /** Gas of the whole call, and of its setup alone. */
  readonly gasUsed: number;
  readonly setupGas: number;
  /** Gas the loop was given on top of the setup's. */
  readonly loopGasLimit: number;
  /** The fastest of the repetitions of the whole call, and of its setup alone, in milliseconds. */
  readonly ms: number;
  readonly setupMs: number;
  /** Milliseconds per million gas of the loop: the whole call less its setup. */
  readonly msPerMillionGas: number;
}

/** Where built-ins are looked for, and the receiver each is called on (an expression of the setup). */
const BUILTIN_OWNERS: ReadonlyArray<{ readonly owner: string; readonly receiver: string }> = [
  { owner: 'String.prototype', receiver: 'S' },
  { owner: 'Array.prototype', receiver: 'A' },
  { owner: 'Object.getPrototypeOf(Uint8Array.prototype)', receiver: 'F' },
  { owner: 'ArrayBuffer.prototype', receiver: 'B' },
  { owner: 'DataView.prototype', receiver: 'V' },
  { owner: 'Number.prototype', receiver: 'N' },
  { owner: 'BigInt.prototype', receiver: 'I' },
  { owner: 'RegExp.prototype', receiver: 'R' },
  { owner: 'Map.prototype', receiver: 'M' },
  { owner: 'Set.prototype', receiver: 'T' },
  { owner: 'Function.prototype', receiver: 'G' },
  { owner: 'Object.prototype', receiver: 'O' },
  { owner: 'Symbol.prototype', receiver: 'Symbol.iterator' },
  { owner: 'Object', receiver: 'Object' },
  { owner: 'Array', receiver: 'Array' },
  { owner: 'String', receiver: 'String' },
  { owner: 'Number', receiver: 'Number' },
  { owner: 'BigInt', receiver: 'BigInt' },
  { owner: 'JSON', receiver: 'JSON' },
  { owner: 'Math', receiver: 'Math' },
  { owner: 'Reflect', receiver: 'Reflect' },
  { owner: 'ArrayBuffer', receiver: 'ArrayBuffer' },
  { owner: 'Object.getPrototypeOf(Uint8Array)', receiver: 'Float64Array' },
  { owner: 'Symbol', receiver: 'Symbol' },
  { owner: 'Promise', receiver: 'Promise' },
  { owner: 'Iterator.prototype', receiver: 'A.values()' },
  { owner: 'globalThis', receiver: 'globalThis' },
];

/**
 * The large data a case starts from; a case declares only what its code names. Sizes are chosen so that
 * each is as large as a contract could cheaply touch many times: 64 KiB strings (the largest state value),
 * 10,000-element arrays, objects and maps, 1 MiB of binary data, a 56,000-bit integer.
 */
const DATA: ReadonlyArray<readonly [name: string, declaration: string]> = [
  ['S', "const S = 'x'.repeat(65535) + 'y';"],
  ['S2', "const S2 = 'x'.repeat(65535) + 'z';"],
  ['W', "const W = '\\u4e2d\\u6587'.repeat(16384);"],
  ['A', 'const A = []; for (let i = 0; i < 10000; i++) A.push((i * 7919) % 10007);'],
  ['AS', "const AS = []; for (let i = 0; i < 5000; i++) AS.push('k' + ((i * 7919) % 5003));"],
  ['O', "const O = {}; for (let i = 0; i < 10000; i++) O['key' + i] = i;"],
  ['F', 'const F = new Float64Array(1 << 17); for (let i = 0; i < F.length; i += 1024) F[i] = i;'],
  ['B', 'const B = new ArrayBuffer(1 << 20);'],
  ['V', 'const V = new DataView(new ArrayBuffer(1 << 20));'],
  ['N', 'const N = 123456789.123456789;'],
  ['I', 'const I = 7n ** 20000n;'],
  ['R', 'const R = /(x+x+)+z/;'],
  ['M', "const M = new Map(); for (let i = 0; i < 10000; i++) M.set('k' + i, i);"],
  ['T', 'const T = new Set(); for (let i = 0; i < 10000; i++) T.add((i * 7919) % 10007);'],
  ['G', 'const G = function g(a, b) { return a; };'],
  ['J', "const J = '[' + '1234567,'.repeat(10000) + '0]';"],
  ['CMP', 'const CMP = (a, b) => (a < b ? -1 : a > b ? 1 : 0);'],
];

/** Argument shapes every built-in is tried with. */
const ARGUMENT_POOL: readonly string[] = [
  '',
  'S2',
  "'y'",
  '/x/g',
  'CMP',
  '0, 65536',
  '65536',
  'A',
  'O',
  'J',
  'I',
  'F',
];

/** Operators and patterns no built-in list reaches: one loop body each. */
const PATTERNS: Readonly<Record<string, string>> = {
  'operator/strictEqualLongStrings': 'for (;;) { if (S === S2) sink++; }',
  'operator/looseEqualLongStrings': 'for (;;) { if (S == S2) sink++; }',
  'operator/lessThanLongStrings': 'for (;;) { if (S < S2) sink++; }',
  'operator/lessThanTwoByteStrings': "const W2 = W.slice(0, -1) + 'a'; for (;;) { if (W < W2) sink++; }",
  'operator/concatLongStrings': 'for (;;) { const c = S + S2; sink += c.length; }',
  'operator/concatThenIndex': 'for (;;) { const c = S + S2; sink += c.charCodeAt(100000); }',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the contract's own template literal
  'operator/templateLongStrings': 'for (;;) { const c = `${S}${S2}`; sink += c.length; }',
  'operator/propertyKeyLongString':
    'const o = {}; for (;;) { o[S] = 1; sink += o[S2] === undefined ? 1 : 0; }',
  'operator/inLongString': 'for (;;) { if (S in O) sink++; }',
  'operator/switchLongStrings':
    'for (;;) { switch (S) { case S2: sink++; break; case W: sink--; break; default: sink += 2; } }',
  'operator/spreadString': 'for (;;) { sink += [...S].length; }',
  'operator/spreadArray': 'for (;;) { sink += [...A].length; }',
  'operator/spreadCall': 'for (;;) { sink += Math.max(...A); }',
  'operator/destructureArray': 'for (;;) { const [a, ...rest] = A; sink += rest.length; }',
  'operator/objectSpread': 'for (;;) { const c = { ...O }; sink += c.key1; }',
  'operator/forInBreak': 'for (;;) { for (const k in O) { sink++; break; } }',
  'operator/forOfBreak': 'for (;;) { for (const x of A) { sink += x; break; } }',
  'operator/bigIntMultiply': 'for (;;) { sink = I * I; }',
  'operator/bigIntDivide': 'const d = 3n ** 10000n; for (;;) { sink = I / d; }',
  'operator/bigIntPower': 'for (;;) { sink = 3n ** 30000n; }',
  'operator/bigIntToString': 'for (;;) { sink = String(I); }',
  'operator/bigIntFromString': 'const text = String(I); for (;;) { sink = BigInt(text); }',
  'operator/numberToLongString': 'for (;;) { sink = (1e21 / 7).toFixed(100) + N.toString(3); }',
  'operator/instanceofLongChain':
    'let p = {}; for (let i = 0; i < 2000; i++) p = Object.create(p); function C() {} for (;;) { if (p instanceof C) sink++; }',
  'operator/protoChainLookup':
    'let p = {}; for (let i = 0; i < 2000; i++) p = Object.create(p); for (;;) { if (p.missing === undefined) sink++; }',
  'operator/arrayLengthTruncate': 'for (;;) { const a = A.slice(); a.length = 0; sink++; }',
  'operator/sparseArray': 'for (;;) { const a = []; a[100000000] = 1; sink += a.indexOf(2); }',
  'operator/deleteKeys': 'for (;;) { const o = { ...O }; for (const k in o) delete o[k]; sink++; }',
  'regexp/catastrophicNested': "const s = 'x'.repeat(28); for (;;) { if (/(x+x+)+z/.test(s)) sink++; }",
  'regexp/catastrophicAlternation': "const s = 'x'.repeat(40); for (;;) { if (/(x|xx)+z/.test(s)) sink++; }",
  'regexp/catastrophicWords':
    "const s = 'word '.repeat(30) + '!'; for (;;) { if (/^(\\w+\\s?)*$/.test(s)) sink++; }",
  'regexp/backreference': 'for (;;) { if (/(x*)\\1z/.test(S)) sink++; }',
  'regexp/lookahead': 'for (;;) { if (/x(?=x*z)/.test(S)) sink++; }',
  'regexp/lookbehind': 'for (;;) { if (/(?<=x*)y/.test(S)) sink++; }',
  'regexp/unicodeCaseless': 'for (;;) { if (/\\u6587{3}q/iu.test(W)) sink++; }',
  'regexp/globalReplace': "for (;;) { sink += S.replace(/x/g, 'ab').length; }",
  'regexp/split': 'for (;;) { sink += S.split(/(?:)/).length; }',
  'regexp/matchAll':
    'for (;;) { for (const m of S.matchAll(/x/g)) { sink++; if (sink % 1000 === 0) break; } }',
  'regexp/compileHuge': "const p = '(a|b)'.repeat(2000); for (;;) { sink = new RegExp(p); }",
  'regexp/compileDeep':
    "const p = '('.repeat(300) + 'a' + ')'.repeat(300); for (;;) { sink = new RegExp(p); }",
  'json/stringifyWide': 'for (;;) { sink = JSON.stringify(O).length; }',
  'json/stringifyIndented': "for (;;) { sink = JSON.stringify(A, null, '          ').length; }",
  'json/stringifyString': 'for (;;) { sink = JSON.stringify(W).length; }',
  'json/stringifyDeep':
    'let d = [1]; for (let i = 0; i < 60; i++) d = [d, d.length]; for (;;) { sink = JSON.stringify(d).length; }',
  'json/parseLarge': 'for (;;) { sink = JSON.parse(J).length; }',
  'json/parseEscapes':
    "const e = JSON.stringify('\\u0001'.repeat(20000)); for (;;) { sink = JSON.parse(e).length; }",
  'json/parseReviver': 'for (;;) { sink = JSON.parse(J, (k, v) => v).length; }',
  'memory/gcUnderFullHeap':
    'const keep = []; for (let i = 0; i < 60000; i++) keep.push({ i, s: [i] }); for (;;) { sink = { a: [1, 2, 3], b: {} }; }',
  'memory/allocateStrings':
    'const keep = []; for (;;) { keep.push(S + sink++); if (keep.length > 200) keep.length = 0; }',
  'memory/allocateArrays': 'for (;;) { sink = new Array(100000).fill(sink); }',
  'memory/allocateTyped': 'for (;;) { sink = new Uint8Array(4 << 20); }',
  'memory/allocateBuffers': 'for (;;) { sink = new ArrayBuffer(4 << 20); }',
  'memory/closures': 'for (;;) { const x = sink; sink = () => x; }',
  'memory/propertyChurn': "for (;;) { const o = {}; for (let i = 0; i < 50; i++) o['p' + i] = i; sink = o; }",
  'stack/overflowCaught':
    'function f(n) { return f(n + 1) + 1; } for (;;) { try { f(0); } catch (e) { sink++; } }',
  'stack/deepThrow':
    'function f(n) { if (n === 0) throw new Error("deep"); return f(n - 1) + 1; } for (;;) { try { f(500); } catch (e) { sink += e.stack.length; } }',
  'stack/errorStacks':
    'function f(n) { return n === 0 ? new Error("e").stack : f(n - 1); } for (;;) { sink = f(600).length; }',
  'function/toStringLarge': `const big = function () { ${'sink++;'.repeat(8000)} }; for (;;) { sink = big.toString().length; }`,
  'function/bindChain':
    'let b = G; for (let i = 0; i < 1000; i++) b = b.bind(null); for (;;) { sink = b(1); }',
  'function/proxyTraps': 'const p = new Proxy({}, { get: (t, k) => k }); for (;;) { sink = p.anything; }',
  'function/getters': 'const o = { get v() { return sink + 1; } }; for (;;) { sink = o.v; }',
  'function/arguments': 'function f() { return arguments.length; } for (;;) { sink = f.apply(null, A); }',
  'function/generators':
    'function* g() { for (;;) yield sink; } const it = g(); for (;;) { sink = it.next().value + 1; }',
  'iteration/mapIteration': 'for (;;) { for (const [k, v] of M) { sink += v; if (v > 10) break; } }',
  'iteration/arrayFromSet': 'for (;;) { sink = Array.from(T).length; }',
  'iteration/mapFromEntries': 'for (;;) { sink = new Map(M).size; }',
  'iteration/setFromArray': 'for (;;) { sink = new Set(A).size; }',
  'host/stateGetMissing': "for (;;) { if (chain.state.get('k') === null) sink++; }",
  'host/stateGetLarge': "chain.state.get('big'); for (;;) { sink = chain.state.get('big').length; }",
  'host/stateSetLarge': "for (;;) { chain.state.set('big' + (sink++ % 4), S); }",
  'host/stateDelete': "for (;;) { chain.state.delete('k' + (sink++ % 100)); }",
  'host/emitLarge': "for (;;) { chain.emit('big', S); }",
  'host/emitSmall': "for (;;) { chain.emit('e', sink++); }",
  'host/callRefused': "for (;;) { try { chain.call('nothing', sink); } catch (e) { sink++; } }",
  'host/callEcho': "for (;;) { sink = chain.call('kernel.echo', 1)[0]; }",
  'host/callEchoLarge': "for (;;) { sink = chain.call('kernel.echo', S).length; }",
};

/**
 * Contract source of one case: the data its code names, then the loop. `run(false)` stops after the setup,
 * so that the setup's own time and gas can be taken out of the figure.
 */
function contract(body: string): string {
  const declarations = DATA.filter(([name]) => new RegExp(`\\b${name}\\b`).test(body)).map(([, d]) => d);
  return `var contract = { run(loop) {\n  ${declarations.join('\n  ')}\n  let sink = 0;\n  if (!loop) return 0;\n  ${body}\n} };`;
}

/** The built-ins a sandbox exposes: `owner` → names of its own function-valued properties. */
export type BuiltinInventory = Record<string, string[]>;

/**
 * A contract that lists the function-valued own properties of every owner: what this build of QuickJS
 * really has, so that a built-in added by an upgrade is measured without anyone listing it.
 */
function discoverySource(): string {
  const owners = BUILTIN_OWNERS.map(({ owner }) => `[${JSON.stringify(owner)}, () => ${owner}]`).join(
    ',\n    ',
  );
  return `var contract = { run() {
  const out = {};
  for (const [owner, resolve] of [
    ${owners}
  ]) {
    const target = resolve();
    const names = [];
    for (const key of Object.getOwnPropertyNames(target)) {
      const d = Object.getOwnPropertyDescriptor(target, key);
      if (d && typeof d.value === 'function' && key !== 'constructor') names.push(key);
    }
    out[owner] = names.sort();
  }
  return out;
} };`;
}

/** Asks the sandbox which built-in functions exist on each owner. */
export function discoverBuiltins(sandbox: ContractSandbox): BuiltinInventory {
  const result = sandbox.call(
    { codeId: 'discover', method: 'run', args: [], gasLimit: 1_000_000_000, memoryLimitBytes: 16 << 20 },
    memoryHost({ discover: discoverySource() }),
  );
  if (!result.ok) throw new Error(`built-in discovery failed: ${result.code} ${result.message}`);
  return result.value as BuiltinInventory;
}

/** Every worst case: each discovered built-in with each argument shape, then the written-out patterns. */
export function generateWorstCases(inventory: BuiltinInventory): WorstCase[] {
  const cases: WorstCase[] = [];
  for (const { owner, receiver } of BUILTIN_OWNERS) {
    for (const method of inventory[owner] ?? []) {
      // Functions that never return on purpose or would only measure themselves are covered by patterns.
      for (let i = 0; i < ARGUMENT_POOL.length; i++) {
        const args = ARGUMENT_POOL[i]!;
        const call = `${receiver}[${JSON.stringify(method)}](${args})`;
        cases.push({
          name: `builtin/${owner}.${method}(${args})`,
          group: `builtin ${owner}`,
          source: contract(`for (;;) { try { sink = ${call}; } catch (e) { sink = e; } }`),
        });
      }
    }
  }
  for (const [name, body] of Object.entries(PATTERNS)) {
    cases.push({ name, group: name.slice(0, name.indexOf('/')), source: contract(body) });
  }
  return cases;
}

/** An in-memory host for the measurements: a 64 KiB value under `big`, `kernel.echo`, everything else refused. */
export function memoryHost(code: Record<string, string>): ContractHost {
  const state = new Map<string, string>([['big', 'v'.repeat(65536)]]);
  return {
    context: { contract: 'worst-case', caller: 'worst-case', height: 1, time: 0 },
    getCode: (id) => code[id],
    getState: (key) => state.get(key),
    setState: (key, value) => void state.set(key, value),
    deleteState: (key) => void state.delete(key),
    emitEvent: () => undefined,
    hostCall: (request) =>
      request.name === 'kernel.echo'
        ? { ok: true, resultJson: request.argsJson, gasUsed: 1_000 }
        : { ok: false, code: 'HOST_CALL_UNKNOWN', message: `no route for ${request.name}`, gasUsed: 500 },
  };
}

/**
 * Measures one case: its setup alone (`run(false)`), then setup and loop with `gasLimit` more gas than the
 * setup used, each `repetitions` times, keeping the fastest run of each (the property measured is how slow
 * the schedule lets gas be; other processes on the machine only ever add time). The figure is the loop's:
 * (loop run − setup run) time over (loop run − setup run) gas.
 */
export function measureWorstCase(
  sandbox: ContractSandbox,
  worstCase: WorstCase,
  options: { gasLimit: number; memoryLimitBytes: number; repetitions: number },
): WorstCaseMeasurement {
  const run = (loop: boolean, gasLimit: number): { result: CallResult; ms: number } => {
    let best = Number.POSITIVE_INFINITY;
    let first: CallResult | undefined;
    for (let i = 0; i < options.repetitions; i++) {
      const host = memoryHost({ case: worstCase.source });
      const request = {
        codeId: 'case',
        method: 'run',
        args: [loop],
        gasLimit,
        memoryLimitBytes: options.memoryLimitBytes,
      };
      const started = performance.now();
      const result = sandbox.call(request, host);
      best = Math.min(best, performance.now() - started);
      if (first !== undefined && first.gasUsed !== result.gasUsed) {
        throw new Error(`${worstCase.name}: gas differs between runs (${first.gasUsed}, ${result.gasUsed})`);
      }
      first = result;
    }
    return { result: first!, ms: best };
  };
  const setup = run(false, 1_000_000_000);
  // The loop gets at least twice the setup's gas, so that the setup's own noise is a small part.
  const loopGasLimit = Math.max(options.gasLimit, 2 * setup.result.gasUsed);
  const loop = run(true, setup.result.gasUsed + loopGasLimit);
  const gas = loop.result.gasUsed - setup.result.gasUsed;
  return {
    name: worstCase.name,
    group: worstCase.group,
    code: loop.result.ok ? 'OK' : loop.result.code,
    gasUsed: loop.result.gasUsed,
    setupGas: setup.result.gasUsed,
    loopGasLimit,
    ms: loop.ms,
    setupMs: setup.ms,
    msPerMillionGas: gas > 0 ? Math.max(0, loop.ms - setup.ms) / (gas / 1e6) : 0,
  };
}

export interface WorstCaseReport {
  readonly cases: readonly WorstCaseMeasurement[];
  readonly builtins: number;
}

/**
 * Generates and measures every worst case on a fresh sandbox: each screened once, those slower than a fifth
 * of `MAX_MS_PER_MILLION_GAS` measured again as the fastest of `repetitions`. Sorted slowest first.
 */
export async function measureWorstCases(
  options: { gasLimit?: number; memoryLimitBytes?: number; repetitions?: number; filter?: RegExp } = {},
): Promise<WorstCaseReport> {
  const { ContractSandbox } = await import('./sandbox/sandbox.js');
  const { MAX_MS_PER_MILLION_GAS } = await import('./gas.js');
  const sandbox = await ContractSandbox.create();
  const inventory = discoverBuiltins(sandbox);
  const settings = {
    gasLimit: options.gasLimit ?? 20_000_000,
    memoryLimitBytes: options.memoryLimitBytes ?? 64 << 20,
  };
  const cases: WorstCaseMeasurement[] = [];
  for (const worstCase of generateWorstCases(inventory)) {
    if (options.filter !== undefined && !options.filter.test(worstCase.name)) continue;
    let measured = measureWorstCase(sandbox, worstCase, { ...settings, repetitions: 1 });
    if (measured.msPerMillionGas > MAX_MS_PER_MILLION_GAS / 5) {
      measured = measureWorstCase(sandbox, worstCase, { ...settings, repetitions: options.repetitions ?? 5 });
    }
    cases.push(measured);
  }
  cases.sort((a, b) => b.msPerMillionGas - a.msPerMillionGas);
  return { cases, builtins: Object.values(inventory).reduce((n, names) => n + names.length, 0) };
}

/**
 * Where a validator's CPU went, from the V8 CPU profile it wrote (`node --cpu-prof`): each sample is given
 * to the first component (in the order below) that has a frame on its stack, so the shares add up to the
 * busy time once. `hanglian bench --profile <dir>` prints this for each validator of the network part, so
 * the next limit is always visible beside the throughput it limits.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Components, most specific first; a frame matches on `functionName url` (the file's last two parts). */
const COMPONENTS: ReadonlyArray<readonly [name: string, pattern: RegExp]> = [
  ['signature verify', /^(verifyOneShot|verify) .*(crypto\/sig|ed25519)/],
  ['state tree update', /^update state\/tree\.js/],
  ['LMDB commit (write + fsync)', /^transactionSync lmdb\//],
  ['transaction decode', /^decodeTx types\/transaction\.js/],
  ['block execution', /^(executeBlock|deliverTx|#runCommand) execution\//],
  ['admission checks', /^(checkTx|authenticate) execution\//],
  // The rest of taking a transaction in (and of reaping and updating the pool), before the HTTP and peer
  // components it runs under: without it, client admission was counted as "HTTP API" (12-14% of a
  // validator at ~1,000 transfers/s, where the HTTP layer itself was ~1.5%).
  ['mempool (admission, reaping, updates)', /mempool\/mempool\.js/],
  ['WAL fsync', /fileWal\.js/],
  ['consensus driver', /consensus\/driver\.js/],
  ['peer links (crypto, framing)', /network\/dist|src\/link\.js|src\/network\.js/],
  [
    'start-up (module loading, genesis, schema compiling)',
    /^(compileSourceTextModule|wrapSafe|initGenesis|launchNode|prepareMainThreadExecution) |esm\/|cjs\/loader|module_job|validate\/|codegen\//,
  ],
  ['HTTP API', /fastify|api\/server\.js|find-my-way|light-my-request|node:_http/],
  ['garbage collector', /^\(garbage collector\)/],
];

export interface ProfileBreakdown {
  readonly file: string;
  readonly busyMs: number;
  /** Percent of the busy time, by component, including `other`. */
  readonly shares: ReadonlyArray<{ readonly component: string; readonly percent: number }>;
}

export function breakdownOf(profile: CpuProfile, file: string): ProfileBreakdown {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const selfTime = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const totals = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of selfTime) {
    const leaf = byId.get(id)!.callFrame.functionName;
    if (leaf === '(idle)' || leaf === '(program)') continue;
    busy += micros;
    let component = 'other';
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url } = byId.get(at)!.callFrame;
      frames.push(`${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}`);
    }
    for (const [name, pattern] of COMPONENTS) {
      if (frames.some((frame) => pattern.test(frame))) {
        component = name;
        break;
      }
    }
    totals.set(component, (totals.get(component) ?? 0) + micros);
  }
  const shares = [...totals]
    .filter(([, micros]) => micros > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([component, micros]) => ({ component, percent: Math.round((1000 * micros) / busy) / 10 }));
  return { file, busyMs: Math.round(busy / 1000), shares };
}

/** The breakdown of every `.cpuprofile` in `dir`. */
export function breakdownsIn(dir: string): ProfileBreakdown[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .map((name) => breakdownOf(JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile, name));
}

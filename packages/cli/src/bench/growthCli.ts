/**
 * `hanglian bench --growth`: the state's cost as the ledger grows (issue 14). Ledgers of 1,000 to
 * 10,000,000 keys are pre-filled directly (sorted import, minutes not days), then the same blocks of 300
 * changes are committed on each: CPU per changed key, tree records per key, disk and memory, each ledger's
 * cost beside the smallest's. Beside them, the machine's SHA-256 rate (256 bytes) before and after, as the
 * chain benchmark prints it: a key's update is mostly hashing tree nodes. Then the issue's own measures on
 * the smallest and the largest ledger: a signed transfer's whole cost to a node, and an order lifecycle's
 * (its five steps). `--sizes a,b,c` picks the ledgers; `--quick` stops at 100,000 keys; `--parts
 * tree,transfers,orders` picks the parts (default all three); `--blocks n` how many blocks the transfer and
 * order parts measure (default 30, after 5 warm-up blocks); `--history n` gives the largest ledger of
 * the transfer and order parts n blocks of synthetic history below its state (written directly, as the
 * state is; the smallest ledger stays empty, the baseline), and prints the history pre-fill's time, rate
 * and disk. The issue's full run: `--sizes 1000,10000000 --history 1000000`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { runMicroBench } from '@hanglian/node';
import { runGrowthBench } from '@hanglian/storage';
import type { GrowthLedgerFigures, GrowthRunOptions, PhaseMicros } from './growthBlock.js';
import { type OrderGrowthFigures, runOrderGrowth } from './orderGrowth.js';
import { breakdownsIn } from './profileBreakdown.js';
import { runTransferGrowth, type TransferGrowthFigures } from './transferGrowth.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const json = args.includes('--json');
const sizesAt = args.indexOf('--sizes');
const sizes =
  sizesAt >= 0
    ? args[sizesAt + 1]!.split(',').map((s) => Math.round(Number(s)))
    : quick
      ? [1_000, 100_000]
      : [1_000, 100_000, 1_000_000, 10_000_000];
if (sizes.some((n) => !Number.isFinite(n) || n < 0)) {
  process.stderr.write('--sizes takes key counts: --sizes 1000,1e5,1e6\n');
  process.exit(2);
}
const PARTS = ['tree', 'transfers', 'orders'];
const partsAt = args.indexOf('--parts');
const parts = partsAt >= 0 ? (args[partsAt + 1] ?? '').split(',') : PARTS;
if (parts.length === 0 || parts.some((p) => !PARTS.includes(p))) {
  process.stderr.write(`--parts takes some of ${PARTS.join(',')}\n`);
  process.exit(2);
}
const blocksAt = args.indexOf('--blocks');
const blocks = blocksAt >= 0 ? Number(args[blocksAt + 1]) : undefined;
if (blocks !== undefined && !(Number.isInteger(blocks) && blocks >= 1)) {
  process.stderr.write('--blocks takes a whole number of blocks, at least 1\n');
  process.exit(2);
}
const historyAt = args.indexOf('--history');
const historyBlocks = historyAt >= 0 ? Number(args[historyAt + 1]) : 0;
if (!(Number.isSafeInteger(historyBlocks) && historyBlocks >= 0)) {
  process.stderr.write('--history takes a whole number of blocks: --history 1000000\n');
  process.exit(2);
}
const profileAt = args.indexOf('--profile');
const profileDir = profileAt >= 0 ? args[profileAt + 1] : undefined;
if (profileAt >= 0 && (profileDir === undefined || profileDir.startsWith('--'))) {
  process.stderr.write('--profile takes a directory for the V8 CPU profiles\n');
  process.exit(2);
}
if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
/**
 * With --profile, a V8 CPU profile of this process's main thread over each ledger's measured blocks
 * (`<part>-<keys>.cpuprofile`), its breakdown by component printed after the part's table.
 */
const profiler = (part: string) => {
  if (profileDir === undefined) return {};
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  return {
    onMeasuring: (keys: number, measuring: boolean) => {
      if (measuring) session.post('Profiler.start');
      else
        session.post('Profiler.stop', (error, result) => {
          if (error === null)
            writeFileSync(join(profileDir, `${part}-${keys}.cpuprofile`), JSON.stringify(result.profile));
        });
    },
  };
};
const printProfiles = (part: string) => {
  if (profileDir === undefined || json) return;
  for (const b of breakdownsIn(profileDir).filter((b) => b.file.startsWith(`${part}-`)))
    process.stdout.write(
      `  profile ${join(profileDir, b.file)} (${b.busyMs} ms busy, main thread): ${b.shares.map((s) => `${s.component} ${s.percent}%`).join(', ')}\n`,
    );
};
const say = (line: string) => {
  if (!json) process.stdout.write(`${line}\n`);
};
// The issue's own measures run on the smallest and the largest ledger.
const endSizes = [...new Set([sizes[0]!, sizes[sizes.length - 1]!])];

// The machine's hashing rate, as the other benchmarks print it (SHA-256 of 256 bytes), before and after.
if (parts.includes('tree')) {
  const hashesBefore = runMicroBench(300).sha256PerSecond256B;
  const figures = await runGrowthBench({
    sizes,
    onProgress: say,
  });
  const hashesAfter = runMicroBench(300).sha256PerSecond256B;
  const base = figures[0]!;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ part: 'state growth', sha256PerSecond: [hashesBefore, hashesAfter], figures })}\n`,
    );
  } else {
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    process.stdout.write(
      `\nstate growth (machine: SHA-256 of 256 bytes ${Math.round(hashesBefore).toLocaleString('en')}/s before, ${Math.round(hashesAfter).toLocaleString('en')}/s after)\n`,
    );
    process.stdout.write(
      '  keys         fill keys/s   µs CPU/key  vs smallest  records/key  reads/key  disk        bytes/key  RSS         own memory (peak)  upper levels\n',
    );
    for (const f of figures)
      process.stdout.write(
        `  ${f.keys.toLocaleString('en').padEnd(12)} ${Math.round(f.fillKeysPerSecond).toLocaleString('en').padStart(11)}   ${f.cpuMicrosPerKey.toFixed(0).padStart(10)}  ${(f.cpuMicrosPerKey / base.cpuMicrosPerKey).toFixed(2).padStart(10)}×  ${(f.nodeRecordsPerKey?.toFixed(1) ?? '—').padStart(11)}  ${f.nodeReadsPerKey.toFixed(2).padStart(9)}  ${mib(f.diskBytes).padEnd(10)}  ${Math.round(f.diskBytesPerKey).toString().padStart(9)}  ${mib(f.rssBytes).padEnd(10)}  ${(f.anonPeakBytes === undefined ? '—' : mib(f.anonPeakBytes)).padEnd(17)}  ${mib(f.pinnedBytes)}, read in ${f.warmSeconds.toFixed(1)} s\n`,
      );
    process.stdout.write(
      '  a block split, µs CPU per changed key: tree update · LMDB commit of the tree records alone · of the values alone\n',
    );
    for (const f of figures)
      process.stdout.write(
        `  ${f.keys.toLocaleString('en').padEnd(12)} ${f.split.treeUpdate.toFixed(0).padStart(8)}  ${f.split.treeRecordsCommit.toFixed(0).padStart(8)}  ${f.split.valuesCommit.toFixed(0).padStart(8)}\n`,
      );
    process.stdout.write(`  (the tree alone; issue 14's target is per transaction: the transfers below)\n`);
  }
}

/**
 * Each ledger's pre-fill: the state's keys and history, the time, the history's rate and disk (measured
 * once the history is written, before the state: per block, what the node keeps of one), and the whole
 * ledger's size once pre-filled.
 */
function prefillTable(rows: readonly GrowthLedgerFigures[]): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  let text =
    '  pre-fill:  state keys   history blocks  fill s (all)  history s  CPU s  blocks/s  history disk  disk bytes/block  ledger disk\n';
  for (const r of rows) {
    const h = r.history;
    text += `  ${''.padEnd(10)} ${r.keys.toLocaleString('en').padEnd(12)} ${(h?.blocks ?? 0).toLocaleString('en').padStart(14)}  ${r.fillSeconds.toFixed(1).padStart(12)}  ${(h === undefined ? '—' : h.seconds.toFixed(1)).padStart(9)}  ${(h === undefined ? '—' : h.cpuSeconds.toFixed(0)).padStart(5)}  ${(h === undefined ? '—' : Math.round(h.blocksPerSecond).toLocaleString('en')).padStart(8)}  ${(h === undefined ? '—' : mib(h.diskBytes)).padStart(12)}  ${(h === undefined ? '—' : Math.round(h.diskBytesPerBlock).toLocaleString('en')).padStart(16)}  ${mib(r.ledgerBytes).padStart(11)}\n`;
  }
  return text;
}

/** Where each ledger's CPU per `unit` went, by phase, beside the smallest ledger's. */
function phaseTable(unit: string, rows: ReadonlyArray<readonly [number, PhaseMicros]>): string {
  const first = rows[0]![1];
  const cell = (value: number, base: number) =>
    `${value.toFixed(0)} (${base > 0 ? (value / base).toFixed(2) : '—'}×)`.padStart(16);
  let text = `  by phase, µs CPU/${unit}: admission (decode, signatures) · proposal (execution, state root) · commit (LMDB write)\n`;
  for (const [keys, p] of rows)
    text += `  ${keys.toLocaleString('en').padEnd(12)} ${cell(p.admission, first.admission)}  ${cell(p.proposal, first.proposal)}  ${cell(p.commit, first.commit)}\n`;
  return text;
}

/**
 * One of the issue's own measures (a transfer, an order lifecycle) on the smallest and the largest ledger:
 * run with the machine's verify rate measured before and after, then printed as its table, the CPU by
 * phase, the pre-fill, the profiles, and the target; or one JSON line.
 */
async function runPart<F extends GrowthLedgerFigures>(part: {
  readonly name: 'transfers' | 'orders';
  readonly jsonName: string;
  readonly title: string;
  readonly header: string;
  readonly run: (options: GrowthRunOptions) => Promise<F[]>;
  readonly row: (figures: F, first: F) => string;
  readonly phases: (figures: F) => PhaseMicros;
  readonly unit: string;
  readonly target: string;
}): Promise<void> {
  const verifiesBefore = runMicroBench(300).ed25519VerifiesPerSecond;
  const figures = await part.run({
    sizes: endSizes,
    historyBlocks,
    ...profiler(part.name),
    ...(blocks === undefined ? {} : { blocks }),
    onProgress: say,
  });
  const verifiesAfter = runMicroBench(300).ed25519VerifiesPerSecond;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ part: part.jsonName, verifiesPerSecond: [verifiesBefore, verifiesAfter], figures })}\n`,
    );
    return;
  }
  const first = figures[0]!;
  process.stdout.write(
    `\n${part.title}, one node's CPU (machine: Ed25519 verifies ${Math.round(verifiesBefore).toLocaleString('en')}/s before, ${Math.round(verifiesAfter).toLocaleString('en')}/s after, ${(1e6 / verifiesBefore).toFixed(0)} µs each)\n`,
  );
  process.stdout.write(`  state keys   ${part.header}\n`);
  for (const f of figures)
    process.stdout.write(`  ${f.keys.toLocaleString('en').padEnd(12)} ${part.row(f, first)}\n`);
  process.stdout.write(
    phaseTable(
      part.unit,
      figures.map((f) => [f.keys, part.phases(f)]),
    ),
  );
  process.stdout.write(prefillTable(figures));
  printProfiles(part.name);
  process.stdout.write(`  (target of issue 14: ${part.target})\n`);
}

const diskCell = (bytesPerBlock: number) => `${(bytesPerBlock / 1024).toFixed(0)} KiB`.padStart(14);

// The issue's own measure: a transfer's whole cost to a node (admission's decode and signature check,
// execution, commit) on the smallest and the largest ledger.
if (parts.includes('transfers'))
  await runPart<TransferGrowthFigures>({
    name: 'transfers',
    jsonName: 'transfer growth',
    title: 'transfers on a grown ledger',
    header: 'µs CPU/transfer  vs smallest  tree reads/transfer  disk per block  disk per transfer',
    run: runTransferGrowth,
    row: (f, first) =>
      `${f.cpuMicrosPerTransfer.toFixed(0).padStart(15)}  ${(f.cpuMicrosPerTransfer / first.cpuMicrosPerTransfer).toFixed(2).padStart(10)}×  ${f.treeReadsPerTransfer.toFixed(2).padStart(19)}  ${diskCell(f.diskBytesPerBlock)}  ${`${f.diskBytesPerTransfer.toFixed(0)} B`.padStart(17)}`,
    phases: (f) => f.phaseMicrosPerTransfer,
    unit: 'transfer',
    target: "a transfer's cost at 10 million keys within 1.20× of an empty ledger's",
  });

// The same for order lifecycles: the book's sales pipelined five steps deep, every block the same mix of
// create, confirmPayment, ship, deliver and confirm; a lifecycle's cost is its five steps' (8 signatures).
if (parts.includes('orders'))
  await runPart<OrderGrowthFigures>({
    name: 'orders',
    jsonName: 'order growth',
    title: 'order lifecycles on a grown ledger (8 signatures per lifecycle)',
    header:
      'µs CPU/lifecycle  vs smallest  µs CPU/transaction  tree reads/lifecycle  disk per block  disk per lifecycle',
    run: runOrderGrowth,
    row: (f, first) =>
      `${f.cpuMicrosPerLifecycle.toFixed(0).padStart(16)}  ${(f.cpuMicrosPerLifecycle / first.cpuMicrosPerLifecycle).toFixed(2).padStart(10)}×  ${f.cpuMicrosPerTransaction.toFixed(0).padStart(18)}  ${f.treeReadsPerLifecycle.toFixed(2).padStart(20)}  ${diskCell(f.diskBytesPerBlock)}  ${`${f.diskBytesPerLifecycle.toFixed(0)} B`.padStart(18)}`,
    phases: (f) => f.phaseMicrosPerTransaction,
    unit: 'transaction',
    target: "a lifecycle's cost at 10 million keys within 1.20× of an empty ledger's",
  });

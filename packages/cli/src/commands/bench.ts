import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description(
      'measure this machine: primitives, state store, chain throughput and latency (as npm run bench)',
    )
    .option('--seconds <n>', 'load duration per run')
    .option('--quick', 'short runs')
    .option('--json', 'one JSON object')
    .allowUnknownOption()
    .action((opts: { seconds?: string; quick?: boolean; json?: boolean }, command: Command) => {
      // The benchmark lives with the node; it runs as its own process so its figures are its own.
      const benchCli = fileURLToPath(new URL('./bench/cli.js', import.meta.resolve('@hanglian/node')));
      const args = [
        ...(opts.seconds === undefined ? [] : ['--seconds', opts.seconds]),
        ...(opts.quick ? ['--quick'] : []),
        ...(opts.json ? ['--json'] : []),
        ...command.args,
      ];
      const result = spawnSync(process.execPath, [benchCli, ...args], { stdio: 'inherit' });
      process.exitCode = result.status ?? 1;
    });
}

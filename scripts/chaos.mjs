// `npm run chaos -- --minutes N --seed S`: installs and compiles if needed, then runs a fault campaign on
// a real network of node processes (packages/chaos). Flags pass through; `-- --help` lists them.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureInstalled, root } from './setup.mjs';

ensureInstalled();
const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const result = spawnSync(
  process.execPath,
  [join(root, 'packages/chaos/bin/chaos.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);

// `npm run bench`: installs and compiles if needed, then runs the benchmark (flags pass through:
// `npm run bench -- --json`, `-- --seconds 30`, `-- --quick`).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureInstalled, root } from './setup.mjs';

ensureInstalled();
build();
const result = spawnSync(
  process.execPath,
  [join(root, 'packages/node/dist/src/bench/cli.js'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);

// `npm run bench`: installs and compiles if needed, then runs `hanglian bench`: primitives, state store,
// chain throughput and latency, order lifecycles on 4 validators (flags pass through:
// `npm run bench -- --json`, `-- --seconds 30`, `-- --quick`, `-- --commerce`, `-- --no-network`).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureInstalled, root } from './setup.mjs';

ensureInstalled();
build();
const result = spawnSync(
  process.execPath,
  [join(root, 'packages/cli/bin/hanglian.js'), 'bench', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);

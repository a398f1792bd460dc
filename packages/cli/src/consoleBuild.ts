/**
 * Where the web console's build is: `packages/console/dist/web` of this checkout (found through the
 * workspace link `@hanglian/console`), or nothing when the console was not built.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function findConsoleBuild(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@hanglian/console/package.json');
    const dir = join(dirname(manifest), 'dist', 'web');
    return existsSync(join(dir, 'index.html')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `hanglian contract`: the life of an implementation from a developer's desk to the chain.
 *
 *   scaffold <dir> --standard <id>   a TypeScript contract project with a stub per method of the standard
 *   build <dir>                      bundle src/contract.ts into dist/contract.js (one IIFE script)
 *   test <dir>                       build, then run the standard's conformance vectors locally
 *   deploy <dir>                     sign registry.deployCode with a member key and submit it to a node
 *   register <dir> --id <implId>     sign registry.registerImplementation (the chain runs the vectors again)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  codeHashOf,
  LOGISTICS_QUOTE_STANDARD,
  runConformanceLocally,
  type StandardDefinition,
} from '@hanglian/contract-sdk/testing';
import { HanglianError } from '@hanglian/core';
import { NodeErrors } from '@hanglian/node/offline';
import { createClient, signAndSubmit } from '@hanglian/sdk';
import type { Command } from 'commander';
import { loadMemberSigner, type MemberKeyOptions, withMemberKeyOptions } from '../signing.js';

const BUILT_IN_STANDARDS: Record<string, StandardDefinition> = {
  [LOGISTICS_QUOTE_STANDARD.id]: LOGISTICS_QUOTE_STANDARD,
};

function fail(message: string): never {
  throw new HanglianError(NodeErrors.CONFIG_INVALID, message);
}

function readStandard(dir: string): StandardDefinition {
  const path = join(dir, 'standard.json');
  if (!existsSync(path)) fail(`${path} not found (run \`hanglian contract scaffold\` first)`);
  return JSON.parse(readFileSync(path, 'utf8')) as StandardDefinition;
}

async function fetchJson(url: string, init?: RequestInit): Promise<any> {
  const response = await fetch(url, init);
  const body = (await response.json()) as any;
  if (!response.ok) {
    throw new HanglianError(
      body?.code ?? NodeErrors.CONFIG_INVALID,
      body?.message ?? `${url} answered ${response.status}`,
    );
  }
  return body;
}

function stubFor(standard: StandardDefinition): string {
  const methods = standard.methods
    .map((m) => {
      const params = m.params.map((p) => `${p.name}: ${tsType(p.schema)}`).join(', ');
      return `  /** ${m.summary}${m.readOnly ? ' (read-only)' : ''} */\n  ${m.name}(${params}): ${tsType(m.output)} {\n    throw new Error('not implemented: ${m.name}');\n  },`;
    })
    .join('\n');
  return [
    `// An implementation of ${standard.id}: ${standard.title}.`,
    '// Promised behaviour (the conformance vectors in standard.json check it):',
    ...wrap(standard.behaviour).map((l) => `//   ${l}`),
    "import { defineContract, emit, settlement, state } from '@hanglian/contract-sdk';",
    '',
    'void emit;',
    'void settlement;',
    'void state;',
    '',
    'export default defineContract({',
    methods,
    '});',
    '',
  ].join('\n');
}

function tsType(schema: unknown): string {
  const s = schema as {
    type?: string;
    properties?: Record<string, unknown>;
    items?: unknown;
    anyOf?: unknown[];
  };
  if (Array.isArray(s.anyOf)) return s.anyOf.map(tsType).join(' | ');
  switch (s.type) {
    case 'integer':
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${tsType(s.items)}>`;
    case 'object':
      return `{ ${Object.entries(s.properties ?? {})
        .map(([k, v]) => `${k}: ${tsType(v)}`)
        .join('; ')} }`;
    default:
      return 'any';
  }
}

function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Bundles a project; returns the script and where it was written. */
export async function buildContract(
  dir: string,
): Promise<{ source: string; path: string; hash: string; bytes: number }> {
  const entry = join(dir, 'src', 'contract.ts');
  if (!existsSync(entry)) fail(`${entry} not found`);
  // The SDK resolves from the CLI's installation, so a project needs no npm install to build.
  const sdk = fileURLToPath(import.meta.resolve('@hanglian/contract-sdk'));
  // esbuild loads only when a contract is built.
  const { build } = await import('esbuild');
  const result = await build({
    stdin: {
      contents: "import methods from './src/contract.ts';\nglobalThis.contract = methods;\n",
      resolveDir: resolve(dir),
      loader: 'ts',
      sourcefile: 'contract-entry.ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es2020',
    alias: { '@hanglian/contract-sdk': sdk },
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const source = result.outputFiles[0]!.text;
  mkdirSync(join(dir, 'dist'), { recursive: true });
  const path = join(dir, 'dist', 'contract.js');
  writeFileSync(path, source);
  return { source, path, hash: codeHashOf(source), bytes: Buffer.byteLength(source) };
}

interface SubmitOptions extends MemberKeyOptions {
  json?: boolean;
}

/** Signs one registry transaction with a member key of a network directory and waits for its commit. */
async function submit(
  opts: SubmitOptions,
  command: string,
  params: unknown,
  log: (line: string) => void,
): Promise<any> {
  const { signer, api } = loadMemberSigner(opts);
  log(`submitting registry.${command} as ${opts.org}/${opts.key} (${signer.address}) to ${api} …`);
  const outcome = await signAndSubmit(createClient({ url: api }), {
    signer,
    module: 'registry',
    command,
    params,
    expiresInBlocks: 100,
  });
  return outcome.status;
}

function report(answer: any, json: boolean | undefined, extra: Record<string, unknown>): void {
  const result = answer.result ?? { code: answer.code, message: answer.message };
  if (json) console.log(JSON.stringify({ ...extra, ...answer }));
  else if (result.code === 'OK') console.log(`committed at height ${answer.height}, gas ${result.gasUsed}`);
  if (result.code !== 'OK') throw new HanglianError(result.code, result.message ?? 'refused');
}

function addSubmitOptions(command: Command): Command {
  return withMemberKeyOptions(command, 'admin').option('--json', 'print the result as JSON');
}

export function registerContract(program: Command): void {
  const contract = program
    .command('contract')
    .description('write, test, deploy and register implementations of standards')
    .addHelpText(
      'after',
      '\nExample:\n  hanglian contract scaffold ./quote --standard logistics.quote/1\n  hanglian contract test ./quote\n' +
        '  hanglian contract deploy ./quote --network ./net --org carrier-a\n' +
        '  hanglian contract register ./quote --network ./net --org carrier-a --id carrier-a.quote.v1 --name "Carrier A"\n',
    );

  contract
    .command('scaffold <dir>')
    .description('create a TypeScript contract project for a standard')
    .requiredOption(
      '--standard <id>',
      `the standard to implement (built in: ${Object.keys(BUILT_IN_STANDARDS).join(', ')})`,
    )
    .option('--api <url>', 'fetch the standard from this node instead')
    .option('--json', 'print the created files as JSON')
    .addHelpText('after', '\nExample:\n  hanglian contract scaffold ./quote --standard logistics.quote/1\n')
    .action(async (dir: string, opts: { standard: string; api?: string; json?: boolean }) => {
      let standard: StandardDefinition | undefined = BUILT_IN_STANDARDS[opts.standard];
      if (opts.api !== undefined) {
        const params = encodeURIComponent(JSON.stringify({ id: opts.standard }));
        const found = await fetchJson(`${opts.api}/v1/query/registry/standard?params=${params}`);
        if (found !== null) {
          const { registeredAt: _registeredAt, ...definition } = found;
          standard = definition as StandardDefinition;
        }
      }
      if (standard === undefined)
        fail(`unknown standard ${opts.standard} (pass --api to fetch it from a node)`);
      if (existsSync(join(dir, 'src', 'contract.ts'))) fail(`${dir} already holds a contract project`);
      mkdirSync(join(dir, 'src'), { recursive: true });
      const files: Record<string, string> = {
        'standard.json': `${JSON.stringify(standard, null, 2)}\n`,
        'src/contract.ts': stubFor(standard),
        'package.json': `${JSON.stringify({ name: standard.id.replace(/[^a-z0-9]+/g, '-'), private: true, type: 'module', dependencies: { '@hanglian/contract-sdk': '0.1.0' } }, null, 2)}\n`,
        'tsconfig.json': `${JSON.stringify({ compilerOptions: { target: 'ES2020', module: 'ESNext', moduleResolution: 'bundler', strict: true, noEmit: true }, include: ['src'] }, null, 2)}\n`,
        'README.md': `# ${standard.id} implementation\n\n${standard.behaviour}\n\n\`hanglian contract test .\` runs the conformance vectors of standard.json.\n`,
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      if (opts.json) console.log(JSON.stringify({ dir, standard: standard.id, files: Object.keys(files) }));
      else
        console.log(
          `created ${dir} for ${standard.id}: ${Object.keys(files).join(', ')}\nnext: edit src/contract.ts, then hanglian contract test ${dir}`,
        );
    });

  contract
    .command('build <dir>')
    .description('bundle src/contract.ts into dist/contract.js (one IIFE script)')
    .option('--json', 'print path, hash and size as JSON')
    .addHelpText('after', '\nExample:\n  hanglian contract build ./quote\n')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const built = await buildContract(dir);
      const { source: _source, ...summary } = built;
      if (opts.json) console.log(JSON.stringify(summary));
      else console.log(`built ${built.path}: ${built.bytes} bytes, code hash ${built.hash}`);
    });

  contract
    .command('test <dir>')
    .description("build, then run the standard's conformance vectors in the sandbox (as registration will)")
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExample:\n  hanglian contract test ./quote\n')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const standard = readStandard(dir);
      if (!opts.json) console.log(`building ${dir} …`);
      const built = await buildContract(dir);
      if (!opts.json) console.log(`running ${standard.vectors.length} vectors of ${standard.id} …`);
      const result = await runConformanceLocally({
        standard,
        source: built.source,
        onVector: (v) => {
          if (!opts.json)
            console.log(
              `  ${v.passed ? 'ok  ' : 'FAIL'} ${v.vector} (gas ${v.gasUsed})${v.failure ? `: ${v.failure}` : ''}`,
            );
        },
      });
      const passed = result.vectors.filter((v) => v.passed).length;
      if (opts.json) console.log(JSON.stringify({ ...result, codeHash: built.hash }));
      else console.log(`${passed} passed, ${result.vectors.length - passed} failed; gas ${result.gasUsed}`);
      if (!result.passed) process.exitCode = 2;
    });

  addSubmitOptions(
    contract
      .command('deploy <dir>')
      .description('deploy dist/contract.js (build first) with registry.deployCode')
      .addHelpText(
        'after',
        '\nExample:\n  hanglian contract deploy ./quote --network ./net --org carrier-a\n',
      ),
  ).action(async (dir: string, opts: SubmitOptions) => {
    const built = await buildContract(dir);
    const log = (line: string) => !opts.json && console.log(line);
    log(`built ${built.bytes} bytes, code hash ${built.hash}`);
    report(await submit(opts, 'deployCode', { source: built.source }, log), opts.json, {
      codeHash: built.hash,
    });
  });

  addSubmitOptions(
    contract
      .command('register <dir>')
      .description(
        'register the deployed bundle as an implementation of standard.json (the chain runs the vectors)',
      )
      .requiredOption('--id <implementationId>', 'a new id for every version, e.g. carrier-a.quote.v1')
      .option('--name <displayName>', 'display name (default: the id)')
      .addHelpText(
        'after',
        '\nExample:\n  hanglian contract register ./quote --network ./net --org carrier-a --id carrier-a.quote.v1\n',
      ),
  ).action(async (dir: string, opts: SubmitOptions & { id: string; name?: string }) => {
    const standard = readStandard(dir);
    const built = await buildContract(dir);
    const log = (line: string) => !opts.json && console.log(line);
    const params = {
      id: opts.id,
      standard: standard.id,
      codeHash: built.hash,
      displayName: opts.name ?? opts.id,
    };
    report(await submit(opts, 'registerImplementation', params, log), opts.json, { implementation: opts.id });
  });
}

// Shared test helpers: scratch directories, byte helpers and the proof verifier from core.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateProof } from '../src/index.js';

export type VerifyStateProof = (
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array | null,
  proof: StateProof,
) => boolean;

// `verifyStateProof` lives in core's merkle/stateProof.ts but core's index does not re-export it yet, so the
// module file is loaded next to core's resolved entry point. Switch to a plain import once it is exported.
const stateProofModule = new URL('./merkle/stateProof.js', import.meta.resolve('@hanglian/core')).href;
export const { verifyStateProof } = (await import(stateProofModule)) as {
  verifyStateProof: VerifyStateProof;
};

export function scratchDirectory(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `hanglian-storage-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function text(bytes: Uint8Array | undefined | null): string | undefined {
  return bytes === undefined || bytes === null ? undefined : new TextDecoder().decode(bytes);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

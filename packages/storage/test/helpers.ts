// Shared test helpers: scratch directories, byte helpers and the proof verifier from core.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { verifyStateProof } from '@hanglian/core';

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

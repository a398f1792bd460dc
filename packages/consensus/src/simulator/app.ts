import { bytesToHex, sha256, sha256Concat, ZERO_HASH } from '@hanglian/core';
import type { ConsensusApplication, ValidationResult } from '../interface.js';
import type { BlockHash, CommitCertificate, Height } from '../types.js';
import type { Prng } from './prng.js';

/** The simulator's block: a few numbers, chained to its parent. A block is valid if all are below 1000. */
export interface SimBlock {
  readonly height: Height;
  readonly parent: BlockHash;
  readonly numbers: readonly number[];
}

export const GENESIS_PARENT: BlockHash = bytesToHex(ZERO_HASH);
export const MAX_NUMBER = 1000;

export function encodeBlock(block: SimBlock): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ h: block.height, p: block.parent, n: block.numbers }));
}

export function decodeBlock(payload: Uint8Array): SimBlock | null {
  try {
    const raw = JSON.parse(new TextDecoder().decode(payload)) as { h: unknown; p: unknown; n: unknown };
    if (typeof raw.h !== 'number' || typeof raw.p !== 'string' || !Array.isArray(raw.n)) return null;
    if (!raw.n.every((x) => typeof x === 'number')) return null;
    return { height: raw.h, parent: raw.p, numbers: raw.n as number[] };
  } catch {
    return null;
  }
}

export function hashPayload(payload: Uint8Array): BlockHash {
  return bytesToHex(sha256(payload));
}

/** The one validity rule, also used by the checker: right height and parent, numbers in range, hash matches. */
export function isValidBlock(
  payload: Uint8Array,
  blockHash: BlockHash,
  height: Height,
  parent: BlockHash,
): boolean {
  if (hashPayload(payload) !== blockHash) return false;
  const block = decodeBlock(payload);
  if (block === null || block.height !== height || block.parent !== parent) return false;
  return (
    block.numbers.length <= 16 && block.numbers.every((x) => Number.isInteger(x) && x >= 0 && x < MAX_NUMBER)
  );
}

export interface CommittedBlock {
  readonly height: Height;
  readonly blockHash: BlockHash;
  readonly payload: Uint8Array;
  readonly certificate: CommitCertificate;
  /** Hash chain over every number committed so far: equal roots mean equal executed histories. */
  readonly stateRoot: string;
}

/**
 * One node's application: builds blocks from its own random stream, validates others', and keeps the
 * committed chain (which survives crashes: commit is durable here, as the node's block store will be).
 */
export class SimApplication implements ConsensusApplication {
  readonly chain: CommittedBlock[] = [];
  /** Commits the application refused (wrong height or hash): a consensus bug, reported by the checker. */
  readonly commitErrors: string[] = [];

  constructor(private readonly random: Prng) {}

  get lastHeight(): Height {
    return this.chain.length;
  }

  get lastHash(): BlockHash {
    return this.chain.at(-1)?.blockHash ?? GENESIS_PARENT;
  }

  get stateRoot(): string {
    return this.chain.at(-1)?.stateRoot ?? bytesToHex(ZERO_HASH);
  }

  /** A fresh block; `invalid` makes one the rule rejects (for Byzantine proposers). */
  buildBlock(height: Height, invalid = false): { blockHash: BlockHash; payload: Uint8Array } {
    const count = this.random.range(1, 4);
    const numbers = Array.from({ length: count }, () => this.random.int(MAX_NUMBER));
    if (invalid) numbers.push(MAX_NUMBER + this.random.int(100));
    const payload = encodeBlock({ height, parent: this.lastHash, numbers });
    return { blockHash: hashPayload(payload), payload };
  }

  propose(height: Height): { blockHash: BlockHash; payload: Uint8Array } {
    return this.buildBlock(height);
  }

  validate(height: Height, blockHash: BlockHash, payload: Uint8Array): ValidationResult {
    return height === this.lastHeight + 1 && isValidBlock(payload, blockHash, height, this.lastHash)
      ? 'valid'
      : 'invalid';
  }

  commit(height: Height, payload: Uint8Array, certificate: CommitCertificate): void {
    if (height !== this.lastHeight + 1) {
      this.commitErrors.push(`commit of height ${height} after ${this.lastHeight}`);
      return;
    }
    if (hashPayload(payload) !== certificate.blockHash) {
      this.commitErrors.push(`payload at height ${height} does not hash to ${certificate.blockHash}`);
      return;
    }
    const block = decodeBlock(payload);
    const numbers = new Uint8Array(new Uint32Array(block?.numbers ?? []).buffer);
    const root = bytesToHex(sha256Concat(new TextEncoder().encode(this.stateRoot), numbers));
    this.chain.push({ height, blockHash: certificate.blockHash, payload, certificate, stateRoot: root });
  }
}

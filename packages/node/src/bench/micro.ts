/**
 * Micro-benchmarks of the primitives that bound the chain: canonical encoding, hashing, signatures and
 * schema checks, each measured for a fixed time on one core. They are printed beside the chain's figures
 * so that a reader sees the machine's limits measured in the same run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeTx,
  ed25519Sha256,
  sha256,
  signedTxCodec,
  signTx,
  type TxBody,
  txBodyCodec,
} from '@hanglian/core';
import { Ed25519ConsensusSigner } from '../consensus/ed25519Signer.js';
import { GuardedSigner } from '../consensus/guardedSigner.js';
import { SignerStateFile } from '../consensus/signerState.js';

export interface MicroFigures {
  readonly txEncodesPerSecond: number;
  readonly txDecodesPerSecond: number;
  readonly sha256PerSecond256B: number;
  readonly ed25519SignsPerSecond: number;
  readonly ed25519VerifiesPerSecond: number;
  readonly schemaChecksPerSecond: number;
  /** Votes signed by the guarded signer: Ed25519 plus the signer state written and fdatasynced. */
  readonly guardedVoteSignsPerSecond: number;
}

/**
 * Runs `fn` repeatedly for about `ms` milliseconds, after a warm-up of half as long (at least 50 ms);
 * returns operations per second. The warm-up is a time, not a count: 200 calls left the first primitive
 * measured (the transaction encoding) unoptimised on a loaded machine, and it printed 5–8k/s while the
 * decoding, which does the same encoding and more, printed 24k/s. `clock` is injected for tests.
 */
export function rate(fn: () => void, ms = 400, clock: () => number = () => performance.now()): number {
  const warmUntil = clock() + Math.max(50, ms / 2);
  while (clock() < warmUntil) for (let i = 0; i < 100; i++) fn();
  let n = 0;
  const start = clock();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
    elapsed = clock() - start;
  }
  return Math.round((n / elapsed) * 1000);
}

export function sampleTransferBody(submitter: Uint8Array, nonce = 0): TxBody {
  return {
    v: 1,
    chainId: 'hanglian-bench',
    module: 'settlement',
    command: 'transfer',
    params: { to: 'hl00112233445566778899aabbccddeeff00112233', amount: 1234, memo: 'order 2026-11-22/001' },
    submitter,
    nonce,
    expiresAt: 1000,
    actors: [],
  };
}

export function runMicroBench(ms = 400): MicroFigures {
  const key = ed25519Sha256.generateSigningKey();
  const body = sampleTransferBody(key.publicKey);
  const bodyBytes = txBodyCodec.encode(body);
  const txBytes = signTx(body, key);
  const message = randomBytes(200);
  const signature = key.sign(message);
  const data256 = randomBytes(256);
  return {
    txEncodesPerSecond: rate(() => txBodyCodec.encode(body), ms),
    txDecodesPerSecond: rate(() => decodeTx(txBytes), ms),
    sha256PerSecond256B: rate(() => sha256(data256), ms),
    ed25519SignsPerSecond: rate(() => key.sign(message), ms),
    ed25519VerifiesPerSecond: rate(() => ed25519Sha256.verify(key.publicKey, message, signature), ms),
    schemaChecksPerSecond: rate(() => signedTxCodec.is({ body: bodyBytes, signatures: [signature] }), ms),
    guardedVoteSignsPerSecond: guardedSignRate(key, ms),
  };
}

/** Each vote at a new height, so every one is recorded (and fdatasynced) on the file system of tmpdir. */
function guardedSignRate(key: ReturnType<typeof ed25519Sha256.generateSigningKey>, ms: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'hanglian-bench-signer-'));
  const validator = Buffer.from(key.publicKey).toString('hex');
  const state = SignerStateFile.open(join(dir, 'signer-state'), { chainId: 'hanglian-bench', validator });
  try {
    const signer = new GuardedSigner(new Ed25519ConsensusSigner('hanglian-bench', key), state, () => {});
    let height = 0;
    return rate(() => {
      height++;
      signer.signVote({ type: 'prevote', height, round: 0, blockHash: 'ab'.repeat(32), validator });
    }, ms);
  } finally {
    state.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

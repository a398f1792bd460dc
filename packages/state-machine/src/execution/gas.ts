import { HanglianError } from '@hanglian/core';
import { ExecutionErrors } from '../framework/errors.js';
import type { GasMeter } from '../framework/module.js';

/**
 * The gas schedule of kernel commands. Kernel code is trusted and cheap, so gas here exists to bound a
 * transaction's work and size (members are not charged money for it); the contract runtime adds its own
 * schedule for sandboxed code.
 */
export const KernelGas = {
  txBase: 1_000,
  perTxByte: 2,
  perStateByteWritten: 5,
  perEvent: 50,
  defaultTxLimit: 50_000_000,
} as const;

export class SimpleGasMeter implements GasMeter {
  readonly limit: number;
  #used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get used(): number {
    return this.#used;
  }

  charge(amount: number, reason: string): void {
    this.#used += amount;
    if (this.#used > this.limit) {
      throw new HanglianError(ExecutionErrors.TX_OUT_OF_GAS, `out of gas (${reason})`, {
        details: { limit: this.limit, used: this.#used },
      });
    }
  }
}

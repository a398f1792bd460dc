/**
 * Calls into the implementations an order names. Every method the orders module calls is read-only (the
 * standards say so, and the call runs over a throw-away layer besides): contracts return decisions, the
 * kernel checks them and applies them. The contract's gas is charged to the transaction.
 */
import type { JsonValue } from '@hanglian/contract-runtime';
import { HanglianError } from '@hanglian/core';
import type { CommandContext } from '../../framework/module.js';
import { StateOverlay } from '../../framework/state.js';
import { runContractCall } from '../registry/calls.js';
import { registryParameters } from '../registry/standards.js';
import type { Implementation } from '../registry/stores.js';
import { OrdersErrors } from './errors.js';
import type { RegistryForOrders, SettlementForOrders } from './expected.js';

export class StandardCaller {
  readonly #registry: () => RegistryForOrders;
  readonly #settlement: SettlementForOrders;

  constructor(registry: () => RegistryForOrders, settlement: SettlementForOrders) {
    this.#registry = registry;
    this.#settlement = settlement;
  }

  /** The implementation `id`, which must implement `standard`; throws ORDERS_WRONG_STANDARD otherwise. */
  implementation(ctx: CommandContext, id: string, standard: string): Implementation {
    const { implementation } = this.#registry().method.requireDeployment(ctx.state, id);
    if (implementation.standard !== standard) {
      throw new HanglianError(
        OrdersErrors.ORDERS_WRONG_STANDARD,
        `${id} implements ${implementation.standard}, not ${standard}`,
        { details: { implementation: id, standard } },
      );
    }
    return implementation;
  }

  /** Runs `method(arg)` of the implementation read-only; a contract failure fails the transaction with its code. */
  call(ctx: CommandContext, implementationId: string, method: string, arg: JsonValue): JsonValue {
    const registry = this.#registry();
    const { implementation, standard, code } = registry.method.requireDeployment(ctx.state, implementationId);
    const params = registryParameters(ctx.state);
    const { outcome } = runContractCall({
      executor: registry.executor,
      standard,
      implementationId: implementation.id,
      codeHash: code.hash,
      source: code.source,
      method,
      args: [arg],
      caller: ctx.tx.submitter,
      height: ctx.block.height,
      time: ctx.block.time,
      state: new StateOverlay(ctx.state),
      settlement: this.#settlement,
      gasLimit: Math.max(0, Math.min(params.callGasLimit, ctx.gas.limit - ctx.gas.used)),
      memoryLimitBytes: params.memoryLimitBytes,
      readOnly: true,
    });
    ctx.gas.charge(outcome.gasUsed, `contract ${implementation.id}.${method}`);
    if (!outcome.ok) {
      throw new HanglianError(outcome.code, outcome.message, {
        details: { implementation: implementation.id, method },
      });
    }
    return outcome.value;
  }
}

/** Throws ORDERS_BAD_CONTRACT_ANSWER: the kernel never trusts an answer it cannot check. */
export function badAnswer(implementation: string, why: string): never {
  throw new HanglianError(OrdersErrors.ORDERS_BAD_CONTRACT_ANSWER, `${implementation}: ${why}`, {
    details: { implementation },
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

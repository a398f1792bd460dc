import { HanglianError } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { runContractCall } from '../calls.js';
import {
  type CalledData,
  type ContractEventData,
  type ContractTransferredData,
  RegistryEvents,
} from '../events.js';
import type { ContractExecutor } from '../executor.js';
import type { SettlementForRegistry } from '../expected.js';
import type { RegistryMethod } from '../method.js';
import { registryParameters } from '../standards.js';
import { ImplementationIdSchema, MethodNameSchema } from '../stores.js';

export const CallParamsSchema = Type.Object(
  {
    /** Named in every transaction: switching implementation is naming another one next time. */
    implementation: ImplementationIdSchema,
    method: MethodNameSchema,
    args: Type.Array(Type.Unknown(), { maxItems: 16 }),
  },
  { additionalProperties: false },
);
export type CallParams = Static<typeof CallParamsSchema>;

/**
 * Calls one method of an implementation as the submitter. The contract's gas is the transaction's; a
 * contract failure fails this transaction with the contract's code (its writes, transfers and events are
 * reverted with the rest of the transaction) and the gas it used is recorded.
 */
export class CallCommand implements Command<typeof CallParamsSchema> {
  readonly name = 'call';
  readonly summary = 'Call a method of a named implementation (state, gas and events recorded).';
  readonly paramsSchema = CallParamsSchema;
  readonly #registry: RegistryMethod;
  readonly #settlement: SettlementForRegistry;
  readonly #executor: () => ContractExecutor;

  constructor(registry: RegistryMethod, settlement: SettlementForRegistry, executor: () => ContractExecutor) {
    this.#registry = registry;
    this.#settlement = settlement;
    this.#executor = executor;
  }

  execute(ctx: CommandContext<CallParams>): void {
    const { implementation, standard, code } = this.#registry.requireDeployment(
      ctx.state,
      ctx.params.implementation,
    );
    const params = registryParameters(ctx.state);
    const { outcome, events, transfers, nested } = runContractCall({
      executor: this.#executor(),
      standard,
      implementationId: implementation.id,
      codeHash: code.hash,
      source: code.source,
      method: ctx.params.method,
      args: ctx.params.args,
      caller: ctx.tx.submitter,
      height: ctx.block.height,
      time: ctx.block.time,
      state: ctx.state,
      settlement: this.#settlement,
      gasLimit: Math.min(params.callGasLimit, ctx.gas.limit - ctx.gas.used),
      memoryLimitBytes: params.memoryLimitBytes,
      readOnly: false,
    });
    ctx.gas.charge(outcome.gasUsed, 'contract');
    if (!outcome.ok) {
      throw new HanglianError(outcome.code, outcome.message, {
        details: { implementation: implementation.id, method: ctx.params.method },
      });
    }
    const emitEffects = (
      implementationId: string,
      madeTransfers: typeof transfers,
      madeEvents: typeof events,
    ): void => {
      for (const transfer of madeTransfers) {
        const data: ContractTransferredData = { implementation: implementationId, ...transfer };
        ctx.emit(RegistryEvents.contractTransferred, data, [implementationId, transfer.from, transfer.to]);
      }
      for (const event of madeEvents) {
        const data: ContractEventData = {
          implementation: implementationId,
          name: event.name,
          dataJson: event.dataJson,
        };
        ctx.emit(RegistryEvents.contractEvent, data, [implementationId, event.name]);
      }
    };
    // Every implementation that served this transaction is recorded, nested ones first (innermost first),
    // each with the code hash that ran, so long-lived work can tell which version it used.
    for (const use of nested) {
      emitEffects(use.implementation, use.transfers, use.events);
      const data: CalledData = {
        implementation: use.implementation,
        standard: use.standard,
        codeHash: use.codeHash,
        method: use.method,
        caller: use.caller,
        resultJson: use.resultJson,
        contractGas: use.contractGas,
        callerImplementation: use.callerImplementation,
        depth: use.depth,
      };
      ctx.emit(RegistryEvents.called, data, [use.implementation, use.standard]);
    }
    const topics = [implementation.id, standard.id];
    emitEffects(implementation.id, transfers, events);
    const called: CalledData = {
      implementation: implementation.id,
      standard: standard.id,
      codeHash: code.hash,
      method: ctx.params.method,
      caller: ctx.tx.submitter,
      resultJson: JSON.stringify(outcome.value),
      contractGas: outcome.gasUsed,
    };
    ctx.emit(RegistryEvents.called, called, topics);
  }
}

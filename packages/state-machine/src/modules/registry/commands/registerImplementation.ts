import { HanglianError, TextSchema } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { runConformance } from '../calls.js';
import { RegistryErrors } from '../errors.js';
import { type ImplementationRegisteredData, RegistryEvents } from '../events.js';
import type { ContractExecutor } from '../executor.js';
import type { IdentityForRegistry, SettlementForRegistry } from '../expected.js';
import { contractAccount } from '../host.js';
import { registryParameters } from '../standards.js';
import {
  byStandardStore,
  CodeHashSchema,
  codeStore,
  ImplementationIdSchema,
  implementationStore,
  StandardIdSchema,
  standardStore,
} from '../stores.js';

export const RegisterImplementationParamsSchema = Type.Object(
  {
    /** New for every version: `carrier-a.quote.v2` is a new registration beside `carrier-a.quote.v1`. */
    id: ImplementationIdSchema,
    standard: StandardIdSchema,
    codeHash: CodeHashSchema,
    displayName: TextSchema({ minChars: 1, maxChars: 128 }),
  },
  { additionalProperties: false },
);
export type RegisterImplementationParams = Static<typeof RegisterImplementationParamsSchema>;

/**
 * An admin of a member organisation whose roles the standard admits registers deployed code as an
 * implementation. The standard's conformance vectors run first, in the sandbox, metered (the gas is the
 * transaction's); code that lacks a method or fails a vector is refused.
 */
export class RegisterImplementationCommand implements Command<typeof RegisterImplementationParamsSchema> {
  readonly name = 'registerImplementation';
  readonly summary =
    'Register deployed code as an implementation of a standard, after its conformance vectors pass.';
  readonly paramsSchema = RegisterImplementationParamsSchema;
  readonly #identity: IdentityForRegistry;
  readonly #settlement: SettlementForRegistry;
  readonly #executor: () => ContractExecutor;

  constructor(
    identity: IdentityForRegistry,
    settlement: SettlementForRegistry,
    executor: () => ContractExecutor,
  ) {
    this.#identity = identity;
    this.#settlement = settlement;
    this.#executor = executor;
  }

  execute(ctx: CommandContext<RegisterImplementationParams>): void {
    const registrant = this.#identity.requirePermission(ctx.state, ctx.tx.submitter, 'admin');
    const { id, codeHash, displayName } = ctx.params;
    const standard = standardStore.get(ctx.state, ctx.params.standard);
    if (standard === undefined) {
      throw new HanglianError(
        RegistryErrors.REGISTRY_STANDARD_NOT_FOUND,
        `no standard ${ctx.params.standard}`,
      );
    }
    const roles = standard.implementerRoles;
    if (roles.length > 0 && !roles.some((r) => this.#identity.orgHasRole(ctx.state, registrant.org, r))) {
      throw new HanglianError(
        RegistryErrors.REGISTRY_NOT_ALLOWED,
        `only organisations with a role in (${roles.join(', ')}) may implement ${standard.id}`,
      );
    }
    const code = codeStore.get(ctx.state, codeHash);
    if (code === undefined)
      throw new HanglianError(RegistryErrors.REGISTRY_CODE_NOT_FOUND, `no code ${codeHash}`);
    if (implementationStore.has(ctx.state, id)) {
      throw new HanglianError(RegistryErrors.REGISTRY_IMPLEMENTATION_EXISTS, `implementation ${id} exists`);
    }
    const params = registryParameters(ctx.state);
    const report = runConformance({
      executor: this.#executor(),
      standard,
      implementationId: id,
      codeHash,
      source: code.source,
      settlement: this.#settlement,
      gasLimit: Math.min(params.conformanceGasLimit, ctx.gas.limit - ctx.gas.used),
      callGasLimit: params.callGasLimit,
      memoryLimitBytes: params.memoryLimitBytes,
    });
    ctx.gas.charge(report.gasUsed, 'conformance vectors');
    if (!report.passed) {
      const failed = report.vectors[report.vectors.length - 1]!;
      throw new HanglianError(
        failed.missingMethod
          ? RegistryErrors.REGISTRY_METHOD_MISSING
          : RegistryErrors.REGISTRY_CONFORMANCE_FAILED,
        `vector "${failed.vector}": ${failed.failure ?? 'failed'}`,
        { details: { vector: failed.vector } },
      );
    }
    const account = contractAccount(id);
    implementationStore.set(ctx.state, id, {
      id,
      standard: standard.id,
      codeHash,
      org: registrant.org,
      displayName,
      registrant: ctx.tx.submitter,
      registeredAt: ctx.block.height,
      account,
      conformance: { vectors: report.vectors.length, gasUsed: report.gasUsed },
    });
    byStandardStore.set(ctx.state, `${standard.id}/${id}`, {});
    const data: ImplementationRegisteredData = {
      id,
      standard: standard.id,
      codeHash,
      org: registrant.org,
      displayName,
      account,
      vectors: report.vectors.length,
      conformanceGas: report.gasUsed,
    };
    ctx.emit(RegistryEvents.implementationRegistered, data, [id, standard.id, registrant.org]);
  }
}

import { bytesToHex, HanglianError, sha256, utf8 } from '@hanglian/core';
import { type Static, Type } from '@sinclair/typebox';
import type { Command, CommandContext } from '../../../framework/module.js';
import { RegistryErrors } from '../errors.js';
import { type CodeDeployedData, RegistryEvents } from '../events.js';
import type { IdentityForRegistry } from '../expected.js';
import { registryParameters } from '../standards.js';
import { codeStore } from '../stores.js';

export const DeployCodeParamsSchema = Type.Object(
  { source: Type.String({ minLength: 1, maxLength: 1024 * 1024 }) },
  { additionalProperties: false },
);
export type DeployCodeParams = Static<typeof DeployCodeParamsSchema>;

/**
 * An admin of a member organisation stores a contract bundle (one IIFE script defining `contract`) under
 * the SHA-256 of its UTF-8 bytes. Deployed code does nothing until it is registered as an implementation.
 */
export class DeployCodeCommand implements Command<typeof DeployCodeParamsSchema> {
  readonly name = 'deployCode';
  readonly summary = 'Store a contract bundle by its hash (size-capped; policy: deployerRoles).';
  readonly paramsSchema = DeployCodeParamsSchema;
  readonly #identity: IdentityForRegistry;

  constructor(identity: IdentityForRegistry) {
    this.#identity = identity;
  }

  execute(ctx: CommandContext<DeployCodeParams>): void {
    const deployer = this.#identity.requirePermission(ctx.state, ctx.tx.submitter, 'admin');
    const params = registryParameters(ctx.state);
    if (
      params.deployerRoles.length > 0 &&
      !params.deployerRoles.some((r) => this.#identity.orgHasRole(ctx.state, deployer.org, r))
    ) {
      throw new HanglianError(
        RegistryErrors.REGISTRY_NOT_ALLOWED,
        `organisation ${deployer.org} has none of the roles that may deploy (${params.deployerRoles.join(', ')})`,
      );
    }
    const bytes = utf8(ctx.params.source);
    if (bytes.byteLength > params.maxCodeBytes) {
      throw new HanglianError(
        RegistryErrors.REGISTRY_CODE_TOO_LARGE,
        `code is ${bytes.byteLength} bytes, the limit is ${params.maxCodeBytes}`,
        { details: { bytes: bytes.byteLength, limit: params.maxCodeBytes } },
      );
    }
    const hash = bytesToHex(sha256(bytes));
    if (codeStore.has(ctx.state, hash)) {
      throw new HanglianError(RegistryErrors.REGISTRY_CODE_EXISTS, `code ${hash} is already deployed`, {
        details: { hash },
      });
    }
    codeStore.set(ctx.state, hash, {
      hash,
      source: ctx.params.source,
      bytes: bytes.byteLength,
      deployer: ctx.tx.submitter,
      org: deployer.org,
      deployedAt: ctx.block.height,
    });
    const data: CodeDeployedData = {
      hash,
      bytes: bytes.byteLength,
      deployer: ctx.tx.submitter,
      org: deployer.org,
    };
    ctx.emit(RegistryEvents.codeDeployed, data, [hash, deployer.org]);
  }
}

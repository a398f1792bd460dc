/**
 * The application a node runs: the state machine with the kernel modules, and where the validator sets
 * live in its state. One place assembles it, so every node of a network runs the same modules in the
 * same order (the order is part of consensus: hooks run in it).
 */
import type { CryptoSuite, DecodedTx, Validator } from '@hanglian/core';
import {
  ContractExecutionThread,
  type ContractExecutor,
  createKernel,
  KERNEL_UPGRADE_NAMES,
  RegistryModule,
  StateMachine,
  type StateReader,
} from '@hanglian/state-machine';
import type { ValidatorSource } from './chain/chain.js';
import type { NodeIdentityLookup } from './consensus/networkTransport.js';

export interface Application {
  readonly stateMachine: StateMachine;
  readonly validators: ValidatorSource;
  /** Who is a member node: answers the network's admission checks. */
  readonly identity: NodeIdentityLookup;
  /** The software upgrade governance scheduled (or last applied), if any. */
  readonly upgradePlan: (state: StateReader) => UpgradePlanView | undefined;
  /** Lets the contract executor start getting ready in the background (see ContractExecutor.warm). */
  readonly warmContracts: () => void;
  /** Stops the contract executor's worker (the node's stop). */
  readonly close: () => Promise<void>;
}

/** A scheduled software upgrade: nodes without `name` stop before executing block `height`. */
export interface UpgradePlanView {
  readonly name: string;
  readonly height: number;
  readonly info?: string;
}

/** The fields of a validator that the header's validator-set hash commits to. */
function toHeaderValidator(v: { publicKey: Uint8Array; power: number; org: string }): Validator {
  return { publicKey: v.publicKey, power: v.power, org: v.org };
}

export function createApplication(args: {
  chainId: string;
  suite: CryptoSuite;
  verifySignatures?: (tx: DecodedTx) => void;
  /**
   * Told when contract execution fails on this node (its worker timed out or died): never a result, the
   * node must stop (docs/decisions/0006-gas-schedule.md, "No clock decides a result").
   */
  onExecutionFault?: (fault: Error) => void;
  /** Safety timeout of the default executor's worker (ContractExecutionThread `replyTimeoutMs`). */
  contractReplyTimeoutMs?: number;
  /** Where contract code runs; default a `ContractExecutionThread` (its own worker, big native stack). */
  contractExecutor?: ContractExecutor;
  /** The node's cap on a read-only contract call's gas (the registry's `queryGasCap`). */
  queryGasCap?: number;
  /** The software upgrades this build carries (default the kernel's, `KERNEL_UPGRADE_NAMES`). */
  upgrades?: readonly string[];
}): Application {
  // The registry brings the commerce processes: orders call implementations of standards through it.
  const executor =
    args.contractExecutor ??
    new ContractExecutionThread({
      ...(args.onExecutionFault === undefined ? {} : { onFault: args.onExecutionFault }),
      ...(args.contractReplyTimeoutMs === undefined ? {} : { replyTimeoutMs: args.contractReplyTimeoutMs }),
    });
  const registry = new RegistryModule({
    executor,
    ...(args.queryGasCap === undefined ? {} : { queryGasCap: args.queryGasCap }),
  });
  const kernel = createKernel({ suite: args.suite, registry });
  const stateMachine = new StateMachine({
    chainId: args.chainId,
    modules: kernel.modules,
    membership: kernel.membership,
    suite: args.suite,
    upgrades: args.upgrades ?? KERNEL_UPGRADE_NAMES,
    upgradePlan: kernel.upgradePlan,
    ...(args.verifySignatures === undefined ? {} : { verifySignatures: args.verifySignatures }),
  });
  return {
    stateMachine,
    identity: kernel.identity.method,
    upgradePlan: (state) => kernel.governance.method.upgradePlan(state),
    validators: {
      current: (state) => kernel.governance.method.currentValidators(state).map(toHeaderValidator),
      next: (state) => kernel.governance.method.nextValidators(state).map(toHeaderValidator),
    },
    warmContracts: () => executor.warm?.(),
    close: async () => {
      await executor.close?.();
    },
  };
}

/** Events of the registry module: names and data shapes (topics listed in the README). */
import type { Address } from '@hanglian/core';

export const RegistryEvents = {
  codeDeployed: 'codeDeployed',
  implementationRegistered: 'implementationRegistered',
  /** One per successful `call`: which implementation, hence which code, served it. */
  called: 'called',
  /** An event the contract emitted, under its implementation id. */
  contractEvent: 'contractEvent',
  /** Settlement units the contract paid from its own account. */
  contractTransferred: 'contractTransferred',
} as const;

export interface CodeDeployedData {
  hash: string;
  bytes: number;
  deployer: Address;
  org: string;
}
export interface ImplementationRegisteredData {
  id: string;
  standard: string;
  codeHash: string;
  org: string;
  displayName: string;
  account: Address;
  vectors: number;
  conformanceGas: number;
}
export interface CalledData {
  implementation: string;
  standard: string;
  codeHash: string;
  method: string;
  caller: Address;
  /** The return value as JSON text (contracts may return data the canonical encoding refuses, e.g. floats). */
  resultJson: string;
  contractGas: number;
  /** Only on a nested use (a contract called another): the calling implementation. */
  callerImplementation?: string;
  /** Only on a nested use: contract frames above this one (the transaction's call is depth 0). */
  depth?: number;
}
export interface ContractEventData {
  implementation: string;
  name: string;
  dataJson: string;
}
export interface ContractTransferredData {
  implementation: string;
  from: Address;
  to: Address;
  amount: number;
}

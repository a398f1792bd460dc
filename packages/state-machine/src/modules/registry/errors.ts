import { defineErrorCodes } from '@hanglian/core';

/**
 * Error codes of the registry module. Registered once; their meaning never changes. A contract's own
 * failures keep the runtime's codes (`CONTRACT_THREW`, `CONTRACT_OUT_OF_GAS`...), registered here too so
 * that a transaction result can carry them.
 */
export const RegistryErrors = defineErrorCodes('registry', {
  REGISTRY_STANDARD_EXISTS: { kind: 'conflict', summary: 'A standard with that id is already registered.' },
  REGISTRY_STANDARD_NOT_FOUND: { kind: 'not_found', summary: 'No standard with that id.' },
  REGISTRY_STANDARD_INVALID: {
    kind: 'invalid',
    summary: 'The standard breaks a rule (schema keyword unsupported, method without a vector...).',
  },
  REGISTRY_CODE_TOO_LARGE: { kind: 'too_large', summary: 'The contract source exceeds maxCodeBytes.' },
  REGISTRY_CODE_EXISTS: { kind: 'conflict', summary: 'Code with the same hash is already deployed.' },
  REGISTRY_CODE_NOT_FOUND: { kind: 'not_found', summary: 'No code deployed under that hash.' },
  REGISTRY_IMPLEMENTATION_EXISTS: {
    kind: 'conflict',
    summary: 'An implementation with that id exists; a new version is a new id.',
  },
  REGISTRY_IMPLEMENTATION_NOT_FOUND: { kind: 'not_found', summary: 'No implementation with that id.' },
  REGISTRY_NOT_ALLOWED: {
    kind: 'forbidden',
    summary: 'Consortium policy does not let the signer’s organisation deploy or register this.',
  },
  REGISTRY_METHOD_MISSING: {
    kind: 'invalid',
    summary: 'The code does not export a method the standard requires.',
  },
  REGISTRY_CONFORMANCE_FAILED: {
    kind: 'invalid',
    summary: 'The code failed one of the standard’s conformance vectors.',
  },
  REGISTRY_UNKNOWN_METHOD: { kind: 'not_found', summary: 'The standard has no method of that name.' },
  REGISTRY_BAD_ARGS: { kind: 'invalid', summary: 'The arguments do not match the method’s input schema.' },
  REGISTRY_BAD_OUTPUT: {
    kind: 'invalid',
    summary: 'The contract returned a value that does not match the method’s output schema.',
  },
  REGISTRY_HOST_CALL_DENIED: {
    kind: 'forbidden',
    summary: 'A contract asked for a host call that does not exist or is not allowed to it.',
  },
  REGISTRY_REENTRY: {
    kind: 'forbidden',
    summary:
      'A contract called a contract that is already on the call stack (its pending writes would be invisible).',
  },
  REGISTRY_CALL_DEPTH: {
    kind: 'invalid',
    summary: 'A contract call would nest deeper than the most contract frames allowed on one call stack.',
  },
  REGISTRY_BAD_PARAMETERS: { kind: 'invalid', summary: 'The registry parameters break a rule.' },
  CONTRACT_INVALID_REQUEST: { kind: 'invalid', summary: 'The contract call request was unusable.' },
  CONTRACT_CODE_NOT_FOUND: { kind: 'not_found', summary: 'The sandbox found no code under the code id.' },
  CONTRACT_LOAD_FAILED: { kind: 'invalid', summary: 'The contract source did not load.' },
  CONTRACT_METHOD_NOT_FOUND: { kind: 'not_found', summary: 'The contract has no method of that name.' },
  CONTRACT_THREW: { kind: 'invalid', summary: 'The contract method threw.' },
  CONTRACT_BAD_RETURN: { kind: 'invalid', summary: 'The contract returned something that is not JSON data.' },
  CONTRACT_OUT_OF_GAS: { kind: 'invalid', summary: 'The contract call used more gas than its limit.' },
  CONTRACT_OUT_OF_MEMORY: { kind: 'invalid', summary: 'The contract call allocated more than its limit.' },
  CONTRACT_STACK_OVERFLOW: { kind: 'invalid', summary: 'The contract recursed past the stack limit.' },
  CONTRACT_READ_ONLY: { kind: 'invalid', summary: 'A read-only call wrote state or emitted an event.' },
});

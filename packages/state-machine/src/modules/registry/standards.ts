/**
 * The governance side of the registry: functions of a state that an approved proposal applies. Governance
 * calls them directly (like `queueValidatorChange`), so adding or changing a standard and the deployment
 * policy stay consortium decisions, and the registry module needs no command for them.
 */
import { encodeCanonical, HanglianError } from '@hanglian/core';
import type { StateReader, StateWriter } from '../../framework/state.js';
import { RegistryErrors } from './errors.js';
import { checkJsonSchema } from './jsonSchema.js';
import {
  DEFAULT_REGISTRY_PARAMETERS,
  type RegistryParameters,
  registryParametersStore,
  type Standard,
  type StandardDefinition,
  standardStore,
} from './stores.js';

function invalid(standardId: string, message: string): never {
  throw new HanglianError(RegistryErrors.REGISTRY_STANDARD_INVALID, `standard ${standardId}: ${message}`);
}

/** Checks what the schema of a definition cannot: schemas in the subset, names unique, every method covered. */
export function checkStandardDefinition(definition: StandardDefinition): void {
  const { id } = definition;
  const methods = new Map(definition.methods.map((m) => [m.name, m]));
  if (methods.size !== definition.methods.length) invalid(id, 'method names repeat');
  if (new Set(definition.events.map((e) => e.name)).size !== definition.events.length) {
    invalid(id, 'event names repeat');
  }
  const check = (schema: unknown, where: string) => {
    try {
      checkJsonSchema(schema);
    } catch (error) {
      invalid(id, `${where}: ${(error as Error).message}`);
    }
  };
  for (const method of definition.methods) {
    for (const p of method.params) check(p.schema, `${method.name}(${p.name})`);
    check(method.output, `${method.name} output`);
  }
  for (const event of definition.events) check(event.data, `event ${event.name}`);
  const covered = new Set<string>();
  for (const vector of definition.vectors) {
    const method = methods.get(vector.method) ?? invalid(id, `vector ${vector.name} names unknown method`);
    if (vector.args.length !== method.params.length) {
      invalid(
        id,
        `vector ${vector.name} passes ${vector.args.length} arguments, ${method.name} takes ${method.params.length}`,
      );
    }
    covered.add(vector.method);
  }
  // A vector per method is what proves, at registration, that an implementation exports every method.
  for (const name of methods.keys()) if (!covered.has(name)) invalid(id, `method ${name} has no vector`);
  try {
    encodeCanonical(definition);
  } catch (error) {
    invalid(id, `not canonical data (${(error as Error).message})`);
  }
}

/** Registers a new standard. A changed standard is a new version: a new id. */
export function registerStandard(
  state: StateWriter,
  definition: StandardDefinition,
  height: number,
): Standard {
  checkStandardDefinition(definition);
  if (standardStore.has(state, definition.id)) {
    throw new HanglianError(RegistryErrors.REGISTRY_STANDARD_EXISTS, `standard ${definition.id} exists`);
  }
  const standard: Standard = { ...definition, registeredAt: height };
  standardStore.set(state, standard.id, standard);
  return standard;
}

export function registryParameters(state: StateReader): RegistryParameters {
  return registryParametersStore.get(state, 'current') ?? DEFAULT_REGISTRY_PARAMETERS;
}

/** Merges changes into the registry parameters (governance action `setRegistryParameters`). */
export function setRegistryParameters(
  state: StateWriter,
  changes: Partial<RegistryParameters>,
): RegistryParameters {
  const merged: RegistryParameters = { ...registryParameters(state), ...changes };
  if (!registryParametersStore.codec.is(merged)) {
    throw new HanglianError(RegistryErrors.REGISTRY_BAD_PARAMETERS, 'registry parameters out of range');
  }
  registryParametersStore.set(state, 'current', merged);
  return merged;
}

/**
 * One error base for the whole project. Every error that crosses a package boundary carries a stable
 * string code: nodes, the API, the SDK and the CLI all match on the code, never on the message.
 * Codes are registered once (see `defineErrorCodes`) and never change meaning.
 */

/** What kind of failure a code is; the API maps it to an HTTP status, the CLI to an exit code. */
export type ErrorKind =
  | 'invalid' // the input is wrong and will stay wrong
  | 'unauthorized' // no or bad credentials/signature
  | 'forbidden' // authenticated, but not allowed
  | 'not_found'
  | 'conflict' // right now the state does not allow it (nonce, status)
  | 'too_large'
  | 'rate_limited'
  | 'unavailable' // try again later
  | 'internal';

export interface ErrorCodeSpec {
  readonly kind: ErrorKind;
  /** One sentence for the error catalogue in the docs. */
  readonly summary: string;
}

const registry = new Map<string, ErrorCodeSpec & { readonly owner: string }>();

/**
 * Registers a family of error codes for `owner` (a package or module name) and returns an object mapping
 * each code to itself, so call sites are checked by the compiler: `new HanglianError(E.TX_EXPIRED, ...)`.
 * Registering one code twice with another meaning throws: codes are a public contract.
 */
export function defineErrorCodes<T extends Record<string, ErrorCodeSpec>>(
  owner: string,
  specs: T,
): { readonly [K in keyof T]: K } {
  const out: Record<string, string> = {};
  for (const [code, spec] of Object.entries(specs)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`error code ${code} must be UPPER_SNAKE_CASE`);
    const existing = registry.get(code);
    if (existing && (existing.owner !== owner || existing.kind !== spec.kind)) {
      throw new Error(`error code ${code} is already registered by ${existing.owner}`);
    }
    registry.set(code, { ...spec, owner });
    out[code] = code;
  }
  return out as { readonly [K in keyof T]: K };
}

/** The spec of a registered code, or undefined for an unknown one. */
export function errorCodeSpec(code: string): (ErrorCodeSpec & { readonly owner: string }) | undefined {
  return registry.get(code);
}

/** Every registered code, for the error catalogue and the API description. */
export function listErrorCodes(): Array<{ code: string; owner: string } & ErrorCodeSpec> {
  return [...registry.entries()]
    .map(([code, spec]) => ({ code, ...spec }))
    .sort((a, b) => (a.code < b.code ? -1 : 1));
}

export interface HanglianErrorOptions {
  /** Structured facts about the failure (never secrets): shown in API error bodies and logs. */
  readonly details?: Record<string, unknown>;
  readonly cause?: unknown;
}

export class HanglianError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: HanglianErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HanglianError';
    this.code = code;
    this.details = options.details;
  }

  get kind(): ErrorKind {
    return registry.get(this.code)?.kind ?? 'internal';
  }

  toJSON(): { code: string; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isHanglianError(error: unknown): error is HanglianError {
  return error instanceof HanglianError;
}

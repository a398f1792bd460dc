/**
 * Structured JSON logs (pino, the logger fastify is built on). Policy: `info` for what an operator wants
 * to see in a healthy node (start, stop, a block every so often), `debug` for per-block and per-request
 * detail, `warn` for refused peers and recoveries, `error` for what needs a human. Network input and
 * secrets are never logged at info or above; key material is never logged at all.
 */
import { type Logger, pino } from 'pino';

export type { Logger };
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino({
    name,
    level,
    base: { node: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['passphrase', '*.passphrase', 'seed', '*.seed', 'privateKey', '*.privateKey'],
      censor: '[redacted]',
    },
  });
}

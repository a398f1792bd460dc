/**
 * The benchmark scripts' numeric flags, read and checked one way: a value that is not a number (or a list
 * of positive numbers) stops the script with exit code 2 and says what the flag takes.
 */

function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** `--flag N`: the number after the flag, at least `least`, or `fallback` when the flag is absent. */
export function numberFlag(args: readonly string[], flag: string, fallback: number, least: number): number {
  const at = args.indexOf(flag);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value < least) refuse(`${flag} takes a number, at least ${least}`);
  return value;
}

/** `--rates a,b,c`: offered rates per second (each positive), or `fallback` when the flag is absent. */
export function ratesFlag(args: readonly string[], fallback: readonly number[], unit: string): number[] {
  const at = args.indexOf('--rates');
  if (at < 0) return [...fallback];
  const rates = (args[at + 1] ?? '').split(',').map(Number);
  if (rates.some((rate) => !Number.isFinite(rate) || rate <= 0))
    refuse(`--rates takes offered ${unit} per second, e.g. --rates ${fallback.slice(-3).join(',')}`);
  return rates;
}

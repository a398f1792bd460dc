/**
 * The text rule: one rule for every human-readable field a transaction carries (product names, listing
 * titles, batch sites, item event places and reasons, review text, memos, proposal titles, grant purposes,
 * session titles, implementation names). Found from outside (issue 16): NUL, ESC (terminal escapes) and
 * bidirectional overrides (U+202E makes a title read as something else) were accepted and stored
 * byte-exact. A text is accepted when it is
 *
 *   - well-formed Unicode (no lone surrogate) in normalization form C (NFC), so that one text has one
 *     encoding and two that look alike by composition are equal;
 *   - free of C0 controls (U+0000–U+001F) and DEL (U+007F), except a line feed (U+000A) in a field that
 *     allows several lines, and free of C1 controls (U+0080–U+009F);
 *   - free of bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069); the marks
 *     U+200E, U+200F and U+061C stay allowed, as right-to-left scripts need them;
 *   - at most `maxChars` characters (UTF-16 code units, as the schemas of the stores that keep them
 *     count: an emoji counts two) and `maxBytes` bytes of UTF-8.
 *
 * This is a consensus rule (docs/decisions/0011-text-and-envelope-rules.md): a transaction breaking it is refused with
 * TX_TEXT_INVALID at the mempool and never included. NFC is checked with the runtime's Unicode tables;
 * NFC is stable for assigned characters, and every node of a chain runs the same Node.js release.
 */
import { FormatRegistry, type TString, Type } from '@sinclair/typebox';

export interface TextRule {
  readonly maxChars: number;
  readonly maxBytes: number;
  /** Whether line feeds are allowed (review text, dispute reasons); default one line. */
  readonly multiline?: boolean;
}

const encoder = new TextEncoder();

function describe(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `value` breaks the text rule, or undefined when it follows it. */
export function textProblem(value: string, rule: TextRule): string | undefined {
  let chars = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return `a lone surrogate ${describe(unit)} at ${chars}`;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return `a lone surrogate ${describe(unit)} at ${chars}`;
    } else if (unit === 0x0a) {
      if (!rule.multiline) return `a line break at ${chars} (this field is one line)`;
    } else if (unit < 0x20 || unit === 0x7f || (unit >= 0x80 && unit <= 0x9f)) {
      return `the control character ${describe(unit)} at ${chars}`;
    } else if ((unit >= 0x202a && unit <= 0x202e) || (unit >= 0x2066 && unit <= 0x2069)) {
      return `the bidirectional control ${describe(unit)} at ${chars} (it can make text read as something else)`;
    }
    chars++;
  }
  if (chars > rule.maxChars) return `${chars} characters (at most ${rule.maxChars})`;
  const bytes = encoder.encode(value).byteLength;
  if (bytes > rule.maxBytes) return `${bytes} bytes of UTF-8 (at most ${rule.maxBytes})`;
  if (value.normalize('NFC') !== value) return 'not in Unicode normalization form C (NFC)';
  return undefined;
}

/** The TypeBox format name of a text rule; schemas carry it, so checks need no other wiring. */
export function textFormat(rule: TextRule): string {
  return `hanglian-text/${rule.multiline ? 'lines' : 'line'}/${rule.maxChars}/${rule.maxBytes}`;
}

/** The rule of a TypeBox format made by `textFormat`, or undefined for any other format. */
export function textRuleOfFormat(format: unknown): TextRule | undefined {
  if (typeof format !== 'string') return undefined;
  const match = /^hanglian-text\/(lines|line)\/(\d+)\/(\d+)$/.exec(format);
  if (match === null) return undefined;
  return { multiline: match[1] === 'lines', maxChars: Number(match[2]), maxBytes: Number(match[3]) };
}

/**
 * A schema of human-readable text under the text rule. `maxBytes` defaults to three bytes a character
 * (Chinese text); `minChars` to 0.
 *
 * @example
 * ```ts
 * const params = Type.Object({ title: TextSchema({ minChars: 1, maxChars: 200 }) });
 * ```
 */
export function TextSchema(options: {
  readonly minChars?: number;
  readonly maxChars: number;
  readonly maxBytes?: number;
  readonly multiline?: boolean;
}): TString {
  const rule: TextRule = {
    maxChars: options.maxChars,
    maxBytes: options.maxBytes ?? options.maxChars * 3,
    multiline: options.multiline ?? false,
  };
  const format = textFormat(rule);
  if (!FormatRegistry.Has(format))
    FormatRegistry.Set(format, (value) => textProblem(value, rule) === undefined);
  return Type.String({
    format,
    // Also bounded in UTF-16 units, as the stores that keep these texts are: a character outside the
    // Basic Multilingual Plane (an emoji) counts two there.
    maxLength: rule.maxChars,
    ...(options.minChars === undefined ? {} : { minLength: options.minChars }),
  });
}

/** How `displayText` shows a character it will not print as is. */
function visible(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

/**
 * Text from the chain made safe to show on a terminal or a page: control characters (but line feeds and
 * tabs) and bidirectional controls are shown as visible escapes (`\u{202e}`), lone surrogates as U+FFFD.
 * Text accepted under the text rule passes unchanged; text stored before it (or read from anywhere else)
 * can no longer move a cursor, clear a screen or reverse what follows. The CLI runs all its output
 * through it; the console, every answer it reads from a node.
 *
 * @example
 * ```ts
 * displayText('Genuine \u202eexe.elbuod'); // 'Genuine \\u{202e}exe.elbuod'
 * ```
 */
export function displayText(value: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    let replacement: string | undefined;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      replacement = '\ufffd';
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      replacement = '\ufffd';
    } else if (unit === 0x0a || unit === 0x09) {
      continue;
    } else if (
      unit < 0x20 ||
      unit === 0x7f ||
      (unit >= 0x80 && unit <= 0x9f) ||
      (unit >= 0x202a && unit <= 0x202e) ||
      (unit >= 0x2066 && unit <= 0x2069)
    ) {
      replacement = visible(unit);
    }
    if (replacement === undefined) continue;
    out += value.slice(from, i) + replacement;
    from = i + 1;
  }
  return from === 0 ? value : out + value.slice(from);
}

/** `displayText` applied to every string inside a JSON-like value (keys included). */
export function displayTexts<T>(value: T): T {
  if (typeof value === 'string') return displayText(value) as T;
  if (Array.isArray(value)) return value.map((v) => displayTexts(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[displayText(k)] = displayTexts(v);
    return out as T;
  }
  return value;
}

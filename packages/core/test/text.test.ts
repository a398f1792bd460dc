// The text rule (schema/text.ts): what free text a transaction may carry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { displayText, displayTexts, TextSchema, textProblem, textRuleOfFormat } from '../src/index.js';

const line = { maxChars: 20, maxBytes: 60 };
const lines = { ...line, multiline: true };

describe('the text rule', () => {
  it('accepts ordinary text in any script, with the marks right-to-left scripts need', () => {
    for (const ok of [
      '红楼梦 (2026 edition)',
      'Café',
      'مرحبا\u200f بالعالم',
      '',
      '📚 books',
      'tab-free line',
    ]) {
      assert.equal(textProblem(ok, line), undefined, ok);
    }
    assert.equal(textProblem('line one\nline two', lines), undefined);
  });

  it('refuses NUL, ESC and every other C0 or C1 control, DEL, and line breaks in one-line fields', () => {
    for (const bad of [
      'a\u0000b',
      '\u001b[31mred',
      'a\u0007',
      'a\u007f',
      'a\u0085',
      'a\u009b2J',
      'a\rb',
      'a\tb',
    ]) {
      assert.match(textProblem(bad, lines) ?? '', /control character/, JSON.stringify(bad));
    }
    assert.match(textProblem('a\nb', line) ?? '', /line break/);
  });

  it('refuses bidirectional embeddings, overrides and isolates', () => {
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      const text = `invoice${String.fromCharCode(code)}fdp.exe`;
      assert.match(textProblem(text, line) ?? '', /bidirectional/, code.toString(16));
    }
  });

  it('refuses text not in NFC, lone surrogates, and text too long in characters or bytes', () => {
    assert.match(textProblem('Cafe\u0301', line) ?? '', /NFC/);
    assert.equal(textProblem('Caf\u00e9', line), undefined);
    assert.match(textProblem('a\ud800b', line) ?? '', /surrogate/);
    assert.match(textProblem('\udc00', line) ?? '', /surrogate/);
    assert.match(textProblem('x'.repeat(21), line) ?? '', /21 characters/);
    assert.match(textProblem('书'.repeat(20), { maxChars: 20, maxBytes: 50 }) ?? '', /60 bytes/);
  });

  it('is carried by schemas as a format that the compiled checks apply', () => {
    const schema = Type.Object({ title: TextSchema({ minChars: 1, maxChars: 20 }) });
    const check = TypeCompiler.Compile(schema);
    assert.equal(check.Check({ title: '红楼梦' }), true);
    assert.equal(check.Check({ title: 'a\u202eb' }), false);
    assert.equal(check.Check({ title: '' }), false);
    const format = (schema.properties.title as { format?: string }).format;
    assert.deepEqual(textRuleOfFormat(format), { multiline: false, maxChars: 20, maxBytes: 60 });
    assert.equal(textRuleOfFormat('date-time'), undefined);
  });
});

describe('displayText', () => {
  it('shows controls and bidirectional overrides as visible escapes, leaves good text alone', () => {
    assert.equal(displayText('红楼梦 Café 📚\nline two\tcol'), '红楼梦 Café 📚\nline two\tcol');
    assert.equal(displayText('Genuine \u202eexe.elbuod'), 'Genuine \\u{202e}exe.elbuod');
    assert.equal(displayText('\u001b[2J\u001b[31mred\u0000'), '\\u{1b}[2J\\u{1b}[31mred\\u{0}');
    assert.equal(displayText('a\u0085b\u2066c\rd'), 'a\\u{85}b\\u{2066}c\\u{d}d');
    assert.equal(displayText('a\ud800b'), 'a\ufffdb');
    // Whatever it shows follows the text rule (as one-line-or-lines text).
    const shown = displayText('x\u202e\u0007\u009b\u2069y');
    assert.equal(textProblem(shown, { maxChars: 100, maxBytes: 300, multiline: true }), undefined);
  });

  it('applies to every string of an answer, keys included, and keeps other values', () => {
    const answer = { title: 'a\u202eb', n: 3, tags: ['\u001bx'], nested: { ['k\u0000']: true }, none: null };
    assert.deepEqual(displayTexts(answer), {
      title: 'a\\u{202e}b',
      n: 3,
      tags: ['\\u{1b}x'],
      nested: { 'k\\u{0}': true },
      none: null,
    });
  });
});

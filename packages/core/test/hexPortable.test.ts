// The byte helpers must give the same answers without Node's Buffer (as in a browser). The module reads
// Buffer once when it loads, so a child process loads it with Buffer removed and prints its answers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { bytesEqual, bytesToHex, compareBytes, hexToBytes } from '../src/index.js';

const hexModule = new URL('../src/encoding/hex.js', import.meta.url).href;

describe('byte helpers without Buffer', () => {
  it('answer exactly as the Buffer-backed ones', () => {
    const script = `
      delete globalThis.Buffer;
      const m = await import(${JSON.stringify(hexModule)});
      const a = Uint8Array.from([0, 1, 15, 16, 127, 128, 254, 255]);
      const out = {
        hex: m.bytesToHex(a),
        back: Array.from(m.hexToBytes('0x00010F107F80FEFF')),
        eq: [m.bytesEqual(a, a.slice()), m.bytesEqual(a, a.subarray(1)), m.bytesEqual(a, Uint8Array.from([0,1,15,16,127,128,254,254]))],
        cmp: [m.compareBytes(Uint8Array.of(1,2), Uint8Array.of(1,3)), m.compareBytes(Uint8Array.of(1,2), Uint8Array.of(1)), m.compareBytes(a, a.slice())],
      };
      console.log(JSON.stringify(out));`;
    const printed = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script]).toString(),
    );
    const a = Uint8Array.from([0, 1, 15, 16, 127, 128, 254, 255]);
    assert.deepEqual(printed, {
      hex: bytesToHex(a),
      back: Array.from(hexToBytes('0x00010F107F80FEFF')),
      eq: [true, false, false],
      cmp: [
        compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3)),
        compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1)),
        0,
      ],
    });
    assert.equal(bytesEqual(a, a.slice()), true);
  });
});

/**
 * Gas metering of the QuickJS engine itself: a rewrite of its WebAssembly binary that counts, in a gas
 * counter, every WebAssembly instruction the engine executes (and every byte its bulk memory instructions
 * copy or fill), and stops execution with a trap the moment the counter goes below zero.
 *
 * Why at this level: QuickJS polls its interrupt handler only at function calls and backward jumps of the
 * contract's bytecode, so the native work done between two polls was invisible to gas. One poll point
 * could compare two 64 KiB strings (`a === b` is one bytecode), scan a string with a regular expression,
 * enumerate a large object or multiply two huge BigInts. Counted here, every one of those costs what it
 * does, whatever JavaScript feature reaches it (docs/decisions/0006-gas-schedule.md).
 *
 * The rewrite, per function body:
 * - the body is cut into straight-line segments at every point where control can arrive other than by
 *   falling through (function entry, loop header, if/else arm, after a block/loop/if `end`, after a branch);
 *   each segment starts with `gas -= <weight of the segment's instructions>` (an upper bound of what runs
 *   before the next segment starts: an early branch out of a segment still paid for all of it);
 * - the counter lives in a local of each function (a register, not memory): it is loaded from the global
 *   counter at entry and after every call, and stored back before every call and every way out;
 * - a call to an imported (JavaScript) function hands the counter over in a second global, the budget,
 *   and sets the counter to "unmetered" for the time the host runs: whatever engine code the host runs
 *   meanwhile (reading a string, making a value, the glue around host functions) is the host's, priced by
 *   the host's own charges. The host may lower the budget (its charges); the caller reloads it on return;
 * - at function entry and loop headers (every way work can repeat) and after each bulk-memory charge, a
 *   negative counter stores itself back and traps (`unreachable`). Between two checks only straight-line
 *   code runs, so execution stops within one segment of the limit;
 * - `memory.copy`, `memory.fill` and `memory.init` are also charged by their length, before they run.
 * Functions are exported to read and set the counter (`hl_gas_get`/`hl_gas_set`), the budget
 * (`hl_budget_get`/`hl_budget_set`) and the emscripten stack pointer (`hl_sp_get`/`hl_sp_set`), which a
 * trap leaves wherever it was.
 *
 * The result is a pure function of the input binary and the weights below: every node computes the same
 * bytes, and `METERED_ENGINE_SHA256` (engine.ts) pins them, so a change here is a visible consensus change.
 */

/** Weight of one instruction, in gas, by class. Consensus parameters, like the rest of the gas schedule. */
export interface InstructionWeights {
  /** Most instructions: arithmetic, locals, loads and stores, branches, calls (the callee pays for itself). */
  readonly base: number;
  /** `call_indirect` (a table lookup and a signature check). */
  readonly callIndirect: number;
  /** Integer division and remainder. */
  readonly division: number;
  /** Gas per byte copied or filled by a bulk memory instruction is 1 / 2^bulkByteShift. */
  readonly bulkByteShift: number;
  /** Added at every function entry and loop iteration: the check that stops execution costs time too. */
  readonly check: number;
}

export const DEFAULT_INSTRUCTION_WEIGHTS: InstructionWeights = Object.freeze({
  base: 1,
  callIndirect: 2,
  division: 4,
  bulkByteShift: 1,
  check: 2,
});

/** Value the counter holds while the host itself runs engine code (setting up or reading a call): unmetered. */
export const UNMETERED_GAS = 1n << 62n;

export const METERING_EXPORTS = {
  getGas: 'hl_gas_get',
  setGas: 'hl_gas_set',
  getBudget: 'hl_budget_get',
  setBudget: 'hl_budget_set',
  getStackPointer: 'hl_sp_get',
  setStackPointer: 'hl_sp_set',
} as const;

export interface MeteringStats {
  readonly functions: number;
  readonly instructions: number;
  readonly segments: number;
}

const SECTION = { type: 1, import: 2, function: 3, global: 6, export: 7, element: 9, code: 10 } as const;
const I32 = 0x7f;
const I64 = 0x7e;

/**
 * A growable byte buffer. It starts small and doubles: most writers hold a few bytes (a segment's charge, a
 * fixed sequence; tens of thousands of them per engine), and a 64 KiB start zeroed 64 KiB for each, which was
 * most of building the metered engine (3.4 of 4.3 s of a validator's start-up thread under load).
 */
class ByteWriter {
  private buffer: Uint8Array;
  length = 0;

  constructor(initialBytes = 64) {
    this.buffer = new Uint8Array(initialBytes);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  bytes(data: ArrayLike<number>): void {
    this.reserve(data.length);
    if (data instanceof Uint8Array) this.buffer.set(data, this.length);
    else for (let i = 0; i < data.length; i++) this.buffer[this.length + i] = data[i]!;
    this.length += data.length;
  }

  u32(value: number): void {
    let v = value >>> 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
  }

  s64(value: bigint): void {
    let v = value;
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  /** A length-prefixed vector of bytes (a section's or a function body's content). */
  sized(content: ByteWriter): void {
    this.u32(content.length);
    this.bytes(content.view());
  }

  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}

/** Reads the binary format: LEB128 integers and positions. */
class ByteReader {
  pos = 0;
  constructor(readonly data: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.data.length) throw new Error('wasm: unexpected end');
    return this.data[this.pos++]!;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 35) throw new Error('wasm: LEB128 too long');
    }
  }

  /** Skips a length-prefixed vector of bytes (a name, a list of value types). */
  skipVector(): void {
    const length = this.u32();
    this.pos += length;
  }

  skipLeb(): void {
    while ((this.byte() & 0x80) !== 0);
  }
}

/** Functions added: get and set of the counter, the budget and the stack pointer. */
const ACCESSORS = 6;

interface MeteringGlobals {
  /** The counter every function loads at entry and stores back before calls and on the way out. */
  readonly gas: number;
  /** The counter while an imported function runs: read and lowered by the host, reloaded by the caller. */
  readonly budget: number;
}

/** Skips a constant expression (an offset of a segment): instructions up to `end`. */
function skipConstantExpression(r: ByteReader): void {
  for (;;) {
    const op = r.byte();
    if (op === 0x0b) return;
    if (op === 0x41 || op === 0x42) r.skipLeb();
    else if (op === 0x23 || op === 0xd2) r.u32();
    else throw new Error(`wasm: unsupported constant expression 0x${op.toString(16)}`);
  }
}

interface Section {
  readonly id: number;
  readonly start: number;
  readonly end: number;
}

/** Rewrites a WebAssembly binary so that it meters itself (see the header). Throws on anything unexpected. */
export function meterWasm(
  input: Uint8Array,
  weights: InstructionWeights = DEFAULT_INSTRUCTION_WEIGHTS,
): { bytes: Uint8Array; stats: MeteringStats } {
  const r = new ByteReader(input);
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const b of magic) if (r.byte() !== b) throw new Error('wasm: not a version-1 module');
  const sections: Section[] = [];
  while (r.pos < input.length) {
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, start: r.pos, end: r.pos + size });
    r.pos += size;
  }
  const find = (id: number): Section => {
    const section = sections.find((s) => s.id === id);
    if (section === undefined) throw new Error(`wasm: no section ${id}`);
    return section;
  };

  // Function types: parameter counts (the counter's local goes after params and declared locals).
  const typeParams: number[] = [];
  r.pos = find(SECTION.type).start;
  for (let n = r.u32(), i = 0; i < n; i++) {
    if (r.byte() !== 0x60) throw new Error('wasm: unexpected type form');
    const params = r.u32();
    r.pos += params;
    r.skipVector();
    typeParams.push(params);
  }
  let importedFunctions = 0;
  r.pos = find(SECTION.import).start;
  for (let n = r.u32(), i = 0; i < n; i++) {
    r.skipVector();
    r.skipVector();
    const kind = r.byte();
    if (kind === 0) {
      r.u32();
      importedFunctions++;
    } else if (kind === 1) {
      r.byte();
      const flags = r.byte();
      r.u32();
      if (flags & 1) r.u32();
    } else if (kind === 2) {
      const flags = r.byte();
      r.u32();
      if (flags & 1) r.u32();
    } else {
      // An imported global would shift global indices; the engine this was written for has none.
      throw new Error('wasm: imported globals or tags are not supported');
    }
  }
  const functionTypes: number[] = [];
  r.pos = find(SECTION.function).start;
  for (let n = r.u32(), i = 0; i < n; i++) functionTypes.push(r.u32());
  r.pos = find(SECTION.global).start;
  const definedGlobals = r.u32();
  // Emscripten's only global is the shadow stack pointer (mutable i32), global 0.
  if (definedGlobals !== 1 || r.byte() !== I32 || r.byte() !== 1) {
    throw new Error('wasm: expected exactly one global, the mutable i32 stack pointer');
  }
  const stackPointerGlobal = 0;
  const globals: MeteringGlobals = { gas: definedGlobals, budget: definedGlobals + 1 };
  // An imported function in the table would be called indirectly without the hand-over an import needs.
  const element = sections.find((s) => s.id === SECTION.element);
  if (element !== undefined) {
    r.pos = element.start;
    for (let n = r.u32(), i = 0; i < n; i++) {
      if (r.u32() !== 0) throw new Error('wasm: only active element segments of table 0 are supported');
      skipConstantExpression(r);
      for (let k = r.u32(), j = 0; j < k; j++) {
        if (r.u32() < importedFunctions) throw new Error('wasm: an imported function is in the table');
      }
    }
  }

  const stats = { functions: functionTypes.length, instructions: 0, segments: 0 };
  const code = find(SECTION.code);
  r.pos = code.start;
  const bodyCount = r.u32();
  if (bodyCount !== functionTypes.length) throw new Error('wasm: function and code counts differ');
  const newCode = new ByteWriter();
  newCode.u32(bodyCount + ACCESSORS);
  for (let f = 0; f < bodyCount; f++) {
    const size = r.u32();
    const bodyEnd = r.pos + size;
    const body = meterBody(
      r,
      bodyEnd,
      typeParams[functionTypes[f]!]!,
      importedFunctions,
      globals,
      weights,
      stats,
    );
    newCode.sized(body);
    r.pos = bodyEnd;
  }
  // hl_gas_get, hl_gas_set, hl_sp_get, hl_sp_set: no locals; get/set one global.
  const accessor = (op: number, global: number, withParam: boolean): ByteWriter => {
    const b = new ByteWriter();
    b.u32(0);
    if (withParam) b.bytes([0x20, 0x00]);
    b.byte(op);
    b.u32(global);
    b.byte(0x0b);
    return b;
  };
  newCode.sized(accessor(0x23, globals.gas, false));
  newCode.sized(accessor(0x24, globals.gas, true));
  newCode.sized(accessor(0x23, globals.budget, false));
  newCode.sized(accessor(0x24, globals.budget, true));
  newCode.sized(accessor(0x23, stackPointerGlobal, false));
  newCode.sized(accessor(0x24, stackPointerGlobal, true));

  const out = new ByteWriter();
  out.bytes(magic);
  const emit = (id: number, content: ByteWriter): void => {
    out.byte(id);
    out.sized(content);
  };
  const vectorPlus = (section: Section, extra: number): { body: ByteWriter; rest: Uint8Array } => {
    r.pos = section.start;
    const count = r.u32();
    const body = new ByteWriter();
    body.u32(count + extra);
    return { body, rest: input.subarray(r.pos, section.end) };
  };
  const firstNewType = typeParams.length;
  const firstNewFunction = importedFunctions + functionTypes.length;
  for (const section of sections) {
    if (section.id === SECTION.type) {
      const { body, rest } = vectorPlus(section, 4);
      body.bytes(rest);
      // () -> i64, (i64) -> (), () -> i32, (i32) -> ()
      body.bytes([0x60, 0, 1, I64, 0x60, 1, I64, 0, 0x60, 0, 1, I32, 0x60, 1, I32, 0]);
      emit(section.id, body);
    } else if (section.id === SECTION.function) {
      const { body, rest } = vectorPlus(section, ACCESSORS);
      body.bytes(rest);
      for (const type of [0, 1, 0, 1, 2, 3]) body.u32(firstNewType + type);
      emit(section.id, body);
    } else if (section.id === SECTION.global) {
      const { body, rest } = vectorPlus(section, 2);
      body.bytes(rest);
      for (let k = 0; k < 2; k++) {
        body.bytes([I64, 1, 0x42]);
        body.s64(UNMETERED_GAS);
        body.byte(0x0b);
      }
      emit(section.id, body);
    } else if (section.id === SECTION.export) {
      const { body, rest } = vectorPlus(section, ACCESSORS);
      body.bytes(rest);
      const names = [
        METERING_EXPORTS.getGas,
        METERING_EXPORTS.setGas,
        METERING_EXPORTS.getBudget,
        METERING_EXPORTS.setBudget,
        METERING_EXPORTS.getStackPointer,
        METERING_EXPORTS.setStackPointer,
      ];
      names.forEach((name, k) => {
        const bytes = new TextEncoder().encode(name);
        body.u32(bytes.length);
        body.bytes(bytes);
        body.byte(0x00);
        body.u32(firstNewFunction + k);
      });
      emit(section.id, body);
    } else if (section.id === SECTION.code) {
      emit(section.id, newCode);
    } else {
      const body = new ByteWriter();
      body.bytes(input.subarray(section.start, section.end));
      emit(section.id, body);
    }
  }
  return { bytes: out.view().slice(), stats };
}

/** A piece of the rewritten body: original bytes, or a segment's charge (its weight known at its end). */
type Piece = Uint8Array | Segment;
interface Segment {
  weight: number;
  readonly check: boolean;
}

/** Rewrites one function body (see the header). `r` is positioned at its local declarations. */
function meterBody(
  r: ByteReader,
  bodyEnd: number,
  params: number,
  importedFunctions: number,
  globals: MeteringGlobals,
  weights: InstructionWeights,
  stats: { instructions: number; segments: number },
): ByteWriter {
  const data = r.data;
  const declarations = r.u32();
  const declarationsStart = r.pos;
  let declaredLocals = 0;
  for (let i = 0; i < declarations; i++) {
    declaredLocals += r.u32();
    r.byte();
  }
  const declarationsEnd = r.pos;
  const gasLocal = params + declaredLocals;
  const lengthLocal = gasLocal + 1;

  const out = new ByteWriter();
  out.u32(declarations + 2);
  out.bytes(data.subarray(declarationsStart, declarationsEnd));
  out.bytes([1, I64, 1, I32]);

  // Small fixed sequences.
  const seq = (build: (w: ByteWriter) => void): Uint8Array => {
    const w = new ByteWriter();
    build(w);
    return w.view().slice();
  };
  const store = seq((w) => {
    w.byte(0x20);
    w.u32(gasLocal);
    w.byte(0x24);
    w.u32(globals.gas);
  });
  const load = seq((w) => {
    w.byte(0x23);
    w.u32(globals.gas);
    w.byte(0x21);
    w.u32(gasLocal);
  });
  // Before an imported function: the counter goes to the budget, and the counter becomes unmetered.
  const handOver = seq((w) => {
    w.byte(0x20);
    w.u32(gasLocal);
    w.byte(0x24);
    w.u32(globals.budget);
    w.byte(0x42);
    w.s64(UNMETERED_GAS);
    w.byte(0x24);
    w.u32(globals.gas);
  });
  const takeBack = seq((w) => {
    w.byte(0x23);
    w.u32(globals.budget);
    w.byte(0x21);
    w.u32(gasLocal);
  });
  // if (gas < 0) { global = gas; unreachable } — expects the counter on the stack (from local.tee).
  const trapIfNegative = seq((w) => {
    w.bytes([0x42, 0x00, 0x53, 0x04, 0x40]);
    w.bytes(store);
    w.bytes([0x00, 0x0b]);
  });
  const chargeBytes = (segment: Segment): Uint8Array =>
    seq((w) => {
      w.byte(0x20);
      w.u32(gasLocal);
      w.byte(0x42);
      w.s64(BigInt(segment.weight));
      w.byte(0x7d); // i64.sub
      if (segment.check) {
        w.byte(0x22); // local.tee
        w.u32(gasLocal);
        w.bytes(trapIfNegative);
      } else {
        w.byte(0x21);
        w.u32(gasLocal);
      }
    });
  // Length of a bulk operation on top of the stack: charge it, trap if out, put it back.
  const chargeLength = seq((w) => {
    w.byte(0x21);
    w.u32(lengthLocal);
    w.byte(0x20);
    w.u32(gasLocal);
    w.byte(0x20);
    w.u32(lengthLocal);
    w.byte(0xad); // i64.extend_i32_u
    w.byte(0x42);
    w.s64(BigInt(weights.bulkByteShift));
    w.byte(0x88); // i64.shr_u
    w.byte(0x7d);
    w.byte(0x22);
    w.u32(gasLocal);
    w.bytes(trapIfNegative);
    w.byte(0x20);
    w.u32(lengthLocal);
  });

  const pieces: Piece[] = [];
  let pending = new ByteWriter();
  let current: Segment = { weight: weights.check, check: true };
  const flush = (): void => {
    if (pending.length > 0) pieces.push(pending.view().slice());
    pending = new ByteWriter();
  };
  const startSegment = (check: boolean): void => {
    flush();
    current = { weight: check ? weights.check : 0, check };
    pieces.push(current);
    stats.segments++;
  };
  pieces.push(load);
  pieces.push(current);
  stats.segments++;

  // Depth of open blocks; a branch to label `depth` (relative) leaves the function.
  let depth = 0;
  while (r.pos < bodyEnd) {
    const start = r.pos;
    const op = r.byte();
    let weight = weights.base;
    let next: 'none' | 'segment' | 'checked' = 'none';
    let storeBefore = false;
    let loadAfter = false;
    let prefix: Uint8Array | undefined;
    let suffix: Uint8Array | undefined;
    switch (op) {
      case 0x02: // block
      case 0x03: // loop
      case 0x04: {
        // if
        const blockType = data[r.pos]!;
        if (
          blockType === 0x40 ||
          blockType === I32 ||
          blockType === I64 ||
          blockType === 0x7d ||
          blockType === 0x7c
        )
          r.pos++;
        else r.skipLeb(); // a type index (s33)
        depth++;
        if (op === 0x03) next = 'checked';
        else if (op === 0x04) next = 'segment';
        if (op !== 0x04) weight = 0;
        break;
      }
      case 0x05: // else
        weight = 0;
        next = 'segment';
        break;
      case 0x0b: // end
        weight = 0;
        depth--;
        if (depth >= 0) next = 'segment';
        else storeBefore = true; // the function's end: leaving
        break;
      case 0x0c: // br
      case 0x0d: {
        // br_if
        const label = r.u32();
        if (label === depth) storeBefore = true;
        next = 'segment';
        break;
      }
      case 0x0e: {
        // br_table
        const n = r.u32();
        for (let i = 0; i <= n; i++) if (r.u32() === depth) storeBefore = true;
        next = 'segment';
        break;
      }
      case 0x0f: // return
        storeBefore = true;
        next = 'segment';
        break;
      case 0x00: // unreachable
        next = 'segment';
        break;
      case 0x01: // nop
        weight = 0;
        break;
      case 0x1a: // drop
      case 0x1b: // select
      case 0xd1: // ref.is_null
        break;
      case 0x10: {
        // call
        if (r.u32() < importedFunctions) {
          prefix = handOver;
          suffix = takeBack;
        } else {
          storeBefore = true;
          loadAfter = true;
        }
        break;
      }
      case 0x11: // call_indirect
        r.u32();
        r.u32();
        weight = weights.callIndirect;
        storeBefore = true;
        loadAfter = true;
        break;
      case 0x1c: // select t*
        r.skipVector();
        break;
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x23:
      case 0x24:
      case 0x25:
      case 0x26:
      case 0xd2:
        r.u32();
        break;
      case 0x3f: // memory.size
      case 0x40: // memory.grow
      case 0xd0: // ref.null
        r.byte();
        break;
      case 0x41:
      case 0x42:
        r.skipLeb();
        break;
      case 0x43:
        r.pos += 4;
        break;
      case 0x44:
        r.pos += 8;
        break;
      case 0xfc: {
        const sub = r.u32();
        if (sub <= 7) break; // saturating truncations
        if (sub === 8) {
          // memory.init
          r.u32();
          r.byte();
          prefix = chargeLength;
        } else if (sub === 10) {
          // memory.copy
          r.byte();
          r.byte();
          prefix = chargeLength;
        } else if (sub === 11) {
          // memory.fill
          r.byte();
          prefix = chargeLength;
        } else if (sub === 9 || sub === 13 || sub === 15 || sub === 16 || sub === 17) r.u32();
        else if (sub === 12 || sub === 14) {
          r.u32();
          r.u32();
        } else throw new Error(`wasm: unsupported instruction 0xfc ${sub}`);
        break;
      }
      default:
        if (op >= 0x28 && op <= 0x3e) {
          // loads and stores: memarg
          r.u32();
          r.u32();
        } else if (op >= 0x45 && op <= 0xc4) {
          if ((op >= 0x6d && op <= 0x70) || (op >= 0x7f && op <= 0x82)) weight = weights.division;
        } else {
          // Tail calls, exceptions, SIMD, GC: not in this engine's binary; refuse rather than mis-meter.
          throw new Error(`wasm: unsupported instruction 0x${op.toString(16)} at ${start}`);
        }
    }
    if (storeBefore) pending.bytes(store);
    if (prefix !== undefined) pending.bytes(prefix);
    pending.bytes(data.subarray(start, r.pos));
    if (loadAfter) pending.bytes(load);
    if (suffix !== undefined) pending.bytes(suffix);
    current.weight += weight;
    stats.instructions++;
    if (next === 'segment') startSegment(false);
    else if (next === 'checked') startSegment(true);
  }
  if (depth !== -1) throw new Error('wasm: unbalanced function body');
  flush();
  for (const piece of pieces) {
    if (piece instanceof Uint8Array) out.bytes(piece);
    else if (piece.weight > 0 || piece.check) out.bytes(chargeBytes(piece));
  }
  return out;
}

/**
 * Trusted JavaScript evaluated once per QuickJS instance, before any contract's code (engine.ts keeps a copy
 * of the instance's memory right after it, and every call starts from that copy). It
 * (1) captures the intrinsics the sandbox relies on, so a contract that rewrites `JSON`, `Object` or
 * `Array.prototype` only breaks itself; (2) removes what could differ between nodes or bypass metering;
 * (3) returns the entry function the host calls, which defines the frozen `chain` global the contract talks to
 * from the call's context, then loads the contract and runs the method.
 *
 * The entry function never lets a contract-controlled value escape: whatever happens, it returns one string
 * whose first character is a status (see `GuestStatus`) and the rest a payload. The only way out other than
 * that is an uncatchable interrupt (gas) or an allocation failure while reporting, which the host classifies
 * from its own flags.
 */
export const GuestStatus = {
  RESULT: 'R',
  THREW: 'T',
  OUT_OF_MEMORY: 'M',
  STACK_OVERFLOW: 'S',
  BAD_RETURN: 'B',
  METHOD_NOT_FOUND: 'N',
  LOAD_FAILED: 'L',
} as const;

const PRELUDE_WITH_COMMENTS = String.raw`(function (rawGet, rawSet, rawDelete, rawEmit, rawCall, rawCharge, maxJsonDepth, maxMessageLength) {
  'use strict';
  const G = globalThis;
  const apply = Reflect.apply;
  const reflectConstruct = Reflect.construct;
  const ProxyCtor = Proxy;
  const freeze = Object.freeze;
  const defineProperty = Object.defineProperty;
  const getPrototypeOf = Object.getPrototypeOf;
  const objectKeys = Object.keys;
  const isArray = Array.isArray;
  const ObjectPrototype = Object.prototype;
  const ArrayPrototype = Array.prototype;
  const hasOwnProperty = Object.prototype.hasOwnProperty;
  const stringIsWellFormed = String.prototype.isWellFormed;
  const stringSlice = String.prototype.slice;
  const nativeParse = JSON.parse;
  const nativeStringify = JSON.stringify;
  const StringCtor = String;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const InternalErrorPrototype = InternalError.prototype;
  const SyntaxErrorPrototype = SyntaxError.prototype;
  const WeakMapCtor = WeakMap;
  const weakMapGet = WeakMap.prototype.get;
  const weakMapSet = WeakMap.prototype.set;
  const indirectEval = G.eval;

  // --- What could differ between nodes, or run code without metering, goes. ---
  // Date is never created (QuickJS intrinsics); no timers, os or std modules exist in this build's contexts.
  // Promise exists but its job queue is never run by the host: reactions and code after await never execute.
  delete Math.random;
  delete G.eval;
  // The Function constructors compile source at run time like eval; bundled contracts do not need them.
  const noDynamicCode = function Function() {
    throw new ErrorCtor('dynamic code (eval, Function constructors) is disabled in contracts');
  };
  defineProperty(noDynamicCode, 'prototype', { value: Function.prototype });
  const functionPrototypes = [
    Function.prototype,
    getPrototypeOf(function* () {}),
    getPrototypeOf(async function () {}),
    getPrototypeOf(async function* () {}),
  ];
  for (let i = 0; i < functionPrototypes.length; i++) {
    defineProperty(functionPrototypes[i], 'constructor', { value: noDynamicCode, writable: false, configurable: false });
  }
  defineProperty(G, 'Function', { value: noDynamicCode, writable: false, configurable: false });

  // QuickJS's JSON.stringify recurses natively without a stack check that keeps pace with the host's stack;
  // a replacer that tracks depth keeps any nesting the contract builds within maxJsonDepth.
  const boundedStringify = function stringify(value, replacer, space) {
    if (replacer !== undefined && replacer !== null && typeof replacer !== 'function') {
      throw new TypeErrorCtor('JSON.stringify: only a function replacer is supported in contracts');
    }
    const depthOf = new WeakMapCtor();
    const track = function (key, v) {
      if (typeof replacer === 'function') v = apply(replacer, this, [key, v]);
      if (v !== null && typeof v === 'object') {
        const parentDepth = apply(weakMapGet, depthOf, [this]);
        const depth = (parentDepth === undefined ? 0 : parentDepth) + 1;
        if (depth > maxJsonDepth) throw new RangeErrorCtor('JSON.stringify: nesting deeper than ' + maxJsonDepth);
        apply(weakMapSet, depthOf, [v, depth]);
      }
      return v;
    };
    return nativeStringify(value, track, space);
  };
  defineProperty(JSON, 'stringify', { value: boundedStringify, writable: true, configurable: true });

  // Native builtins whose work grows with their data run between two interrupt polls; charge them by size.
  // rawCharge(units, kind): kind 0 = characters (builtinByte), 1 = array elements (builtinElement), 2 =
  // 8-byte words of binary data (binaryWord). Up to SMALL units ride on the poll point of the wrapper's own
  // call, so the common small call does not cross into the host.
  const SMALL = 32;
  const CHARS = 0;
  const ELEMENTS = 1;
  const WORDS = 2;
  const mathMax = Math.max;
  const mathMin = Math.min;
  const mathCeil = Math.ceil;
  const mathLog2 = Math.log2;
  function units(n, kind) {
    if (n > SMALL) rawCharge(n, kind);
  }
  // before(this, args): work that needs no new memory (scans, sorts, fills, moves) or that would allocate it
  // all at once, charged before it runs, so a huge request runs out of gas instead of running.
  // after(result, args): what was produced, charged after (its size is bounded by the memory limit).
  function meter(owner, name, before, beforeKind, after, afterKind) {
    const original = owner[name];
    const metered = {
      [name](...args) {
        if (before !== null) units(before(this, args), beforeKind);
        const result = apply(original, this, args);
        if (after !== null) units(after(result, args), afterKind);
        return result;
      },
    }[name];
    defineProperty(owner, name, { value: metered, writable: false, configurable: false });
    return metered;
  }
  function lengthOf(o) {
    if (o === null || o === undefined) return 0;
    const n = +o.length;
    return n > 0 ? mathMin(n, 9007199254740991) : 0;
  }
  function argLength(args, i) {
    const a = args[i];
    return typeof a === 'string' || (a !== null && typeof a === 'object') ? lengthOf(a) : 0;
  }
  const words = (bytes) => mathCeil(bytes / 8);
  const charsOfResult = (result) => (typeof result === 'string' ? result.length : 0);
  const elementsOfResult = (result) => lengthOf(result);
  const charsOfThis = (self) => (typeof self === 'string' ? self.length : 0);
  const elementsOfThis = (self) => lengthOf(self);
  const sortCost = (self) => {
    const n = lengthOf(self);
    return n > 1 ? n * mathCeil(mathLog2(n)) : 0;
  };
  const wordsOfThis = (self) => words(lengthOf(self) * (self !== null && self !== undefined && self.BYTES_PER_ELEMENT > 0 ? self.BYTES_PER_ELEMENT : 8));
  // Strings: output of the builders; scans by the input, before; copies by the output, after.
  meter(String.prototype, 'repeat', null, 0, charsOfResult, CHARS);
  meter(String.prototype, 'padStart', null, 0, charsOfResult, CHARS);
  meter(String.prototype, 'padEnd', null, 0, charsOfResult, CHARS);
  meter(String.prototype, 'concat', null, 0, charsOfResult, CHARS);
  meter(String.prototype, 'split', charsOfThis, CHARS, elementsOfResult, ELEMENTS);
  meter(String.prototype, 'replace', charsOfThis, CHARS, charsOfResult, CHARS);
  meter(String.prototype, 'replaceAll', charsOfThis, CHARS, charsOfResult, CHARS);
  const stringScans = ['indexOf', 'lastIndexOf', 'includes', 'startsWith', 'endsWith', 'localeCompare', 'normalize', 'toLowerCase', 'toUpperCase', 'trim', 'trimStart', 'trimEnd'];
  for (let i = 0; i < stringScans.length; i++) meter(String.prototype, stringScans[i], charsOfThis, CHARS, null, 0);
  meter(JSON, 'stringify', null, 0, charsOfResult, CHARS);
  meter(JSON, 'parse', (self, args) => (typeof args[0] === 'string' ? args[0].length : 0), CHARS, null, 0);
  // Arrays: every native method that walks or moves the elements, by length (sort: n log n).
  meter(ArrayPrototype, 'join', null, 0, charsOfResult, CHARS);
  const arrayWalks = ['fill', 'slice', 'splice', 'copyWithin', 'reverse', 'indexOf', 'lastIndexOf', 'includes', 'shift', 'unshift', 'toReversed', 'toSpliced', 'with', 'flat', 'keys', 'entries'];
  for (let i = 0; i < arrayWalks.length; i++) meter(ArrayPrototype, arrayWalks[i], elementsOfThis, ELEMENTS, null, 0);
  meter(ArrayPrototype, 'concat', (self, args) => {
    let n = lengthOf(self);
    for (let i = 0; i < args.length; i++) n += argLength(args, i);
    return n;
  }, ELEMENTS, null, 0);
  meter(ArrayPrototype, 'sort', sortCost, ELEMENTS, null, 0);
  meter(ArrayPrototype, 'toSorted', sortCost, ELEMENTS, null, 0);
  meter(Array, 'from', null, 0, elementsOfResult, ELEMENTS);
  meter(Object, 'keys', null, 0, elementsOfResult, ELEMENTS);
  meter(Object, 'values', null, 0, elementsOfResult, ELEMENTS);
  meter(Object, 'entries', null, 0, elementsOfResult, ELEMENTS);
  // Iterating an array (for-of, spread, destructuring) starts at Symbol.iterator: charged by length.
  // Replacing the intrinsic also turns off QuickJS's native fast path for spread, which copied a whole
  // array between two polls.
  const arrayValues = meter(ArrayPrototype, 'values', elementsOfThis, ELEMENTS, null, 0);
  defineProperty(ArrayPrototype, Symbol.iterator, { value: arrayValues, writable: false, configurable: false });
  // Function.prototype.apply and Reflect.apply/construct copy their argument list natively.
  meter(Function.prototype, 'apply', (self, args) => argLength(args, 1), ELEMENTS, null, 0);
  meter(Reflect, 'apply', (self, args) => argLength(args, 2), ELEMENTS, null, 0);
  meter(Reflect, 'construct', (self, args) => argLength(args, 1), ELEMENTS, null, 0);
  // Binary data: walks and copies in 8-byte words.
  const TypedArray = getPrototypeOf(Uint8Array);
  const TypedArrayPrototype = TypedArray.prototype;
  const typedWalks = ['fill', 'slice', 'copyWithin', 'reverse', 'indexOf', 'lastIndexOf', 'includes', 'sort', 'toSorted', 'toReversed', 'with', 'join', 'keys', 'entries'];
  for (let i = 0; i < typedWalks.length; i++) meter(TypedArrayPrototype, typedWalks[i], wordsOfThis, WORDS, null, 0);
  meter(TypedArrayPrototype, 'set', (self, args) => words(argLength(args, 0) * (self !== null && self !== undefined && self.BYTES_PER_ELEMENT > 0 ? self.BYTES_PER_ELEMENT : 8)), WORDS, null, 0);
  const typedValues = meter(TypedArrayPrototype, 'values', wordsOfThis, WORDS, null, 0);
  defineProperty(TypedArrayPrototype, Symbol.iterator, { value: typedValues, writable: false, configurable: false });
  meter(TypedArray, 'from', null, 0, wordsOfThis, WORDS);
  meter(ArrayBuffer.prototype, 'slice', (self) => words(self.byteLength), WORDS, null, 0);
  // Constructors allocate (zeroed) or copy: each is replaced by a Proxy (same prototype, instanceof and
  // statics) that charges by the size asked for: a length, a byte length, or an array-like to copy.
  function meterConstructor(name, bytesPerElement) {
    const Original = G[name];
    const sizeOf = (args) => {
      const a = args[0];
      if (typeof a === 'number') return words(mathMax(0, a) * bytesPerElement);
      if (a !== null && typeof a === 'object') {
        const n = a.byteLength !== undefined && bytesPerElement === 1 ? +a.byteLength : lengthOf(a) * bytesPerElement;
        return words(n > 0 ? n : 0);
      }
      return 0;
    };
    const Metered = new ProxyCtor(Original, {
      construct(target, args, newTarget) {
        units(sizeOf(args), WORDS);
        return reflectConstruct(target, args, newTarget === Metered ? target : newTarget);
      },
    });
    defineProperty(Original.prototype, 'constructor', { value: Metered, writable: true, configurable: true });
    defineProperty(G, name, { value: Metered, writable: true, configurable: true, enumerable: false });
  }
  const binaryTypes = [['ArrayBuffer', 1], ['SharedArrayBuffer', 1], ['Int8Array', 1], ['Uint8Array', 1], ['Uint8ClampedArray', 1], ['Int16Array', 2], ['Uint16Array', 2], ['Float16Array', 2], ['Int32Array', 4], ['Uint32Array', 4], ['Float32Array', 4], ['Float64Array', 8], ['BigInt64Array', 8], ['BigUint64Array', 8]];
  for (let i = 0; i < binaryTypes.length; i++) meterConstructor(binaryTypes[i][0], binaryTypes[i][1]);

  // --- Plain JSON data, read once, copied, checked. ---
  function isWellFormed(s) {
    return apply(stringIsWellFormed, s, []);
  }
  function hasOwn(o, k) {
    return apply(hasOwnProperty, o, [k]);
  }
  // Returns a fresh copy made only of plain objects, arrays, strings, finite numbers, booleans and null,
  // reading every property once (so getters and proxies cannot show one value to the check and another to
  // the encoder), or throws a TypeError saying what is wrong and where.
  function toPlainData(value, path, depth, ancestors) {
    if (value === null || typeof value === 'boolean') return value;
    if (typeof value === 'number') {
      if (value !== value || value === Infinity || value === -Infinity) throw new TypeErrorCtor(path + ' is not a finite number');
      return value;
    }
    if (typeof value === 'string') {
      if (!isWellFormed(value)) throw new TypeErrorCtor(path + ' is not well-formed Unicode');
      return value;
    }
    if (typeof value !== 'object') throw new TypeErrorCtor(path + ' is ' + (value === undefined ? 'undefined' : 'a ' + typeof value));
    if (depth >= maxJsonDepth) throw new TypeErrorCtor(path + ' nests deeper than ' + maxJsonDepth);
    for (let i = 0; i < ancestors.length; i++) {
      if (ancestors[i] === value) throw new TypeErrorCtor(path + ' is a cyclic reference');
    }
    ancestors[ancestors.length] = value;
    const proto = getPrototypeOf(value);
    let copy;
    if (isArray(value)) {
      if (proto !== ArrayPrototype) throw new TypeErrorCtor(path + ' is not a plain array');
      const length = value.length;
      copy = [];
      for (let i = 0; i < length; i++) {
        if (!hasOwn(value, i)) throw new TypeErrorCtor(path + '[' + i + '] is a hole');
        defineProperty(copy, i, { value: toPlainData(value[i], path + '[' + i + ']', depth + 1, ancestors), writable: true, enumerable: true, configurable: true });
      }
    } else {
      if (proto !== ObjectPrototype && proto !== null) throw new TypeErrorCtor(path + ' is not a plain object');
      const keys = objectKeys(value);
      copy = {};
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (!isWellFormed(key)) throw new TypeErrorCtor(path + ' has a key that is not well-formed Unicode');
        defineProperty(copy, key, { value: toPlainData(value[key], path + '.' + key, depth + 1, ancestors), writable: true, enumerable: true, configurable: true });
      }
    }
    ancestors.length = ancestors.length - 1;
    return copy;
  }
  function encodeJson(value, what) {
    return nativeStringify(toPlainData(value, what, 0, []));
  }
  function checkString(value, what) {
    if (typeof value !== 'string') throw new TypeErrorCtor(what + ' must be a string');
    if (!isWellFormed(value)) throw new TypeErrorCtor(what + ' is not well-formed Unicode');
    return value;
  }

  function describeThrown(thrown) {
    try {
      if (thrown !== null && typeof thrown === 'object') {
        const proto = getPrototypeOf(thrown);
        const message = thrown.message;
        if (proto === InternalErrorPrototype && message === 'out of memory') return 'M';
        if ((proto === InternalErrorPrototype || proto === SyntaxErrorPrototype) && message === 'stack overflow') return 'S';
        const text = StringCtor(thrown.name) + ': ' + StringCtor(message);
        return 'T' + apply(stringSlice, text, [0, maxMessageLength]);
      }
      return 'T' + apply(stringSlice, StringCtor(thrown), [0, maxMessageLength]);
    } catch (unprintable) {
      return 'Tthrown value could not be described';
    }
  }

  // The host evaluates everything above once per WebAssembly instance and keeps a copy of the memory right
  // after it (see engine.ts); every call starts from that copy and runs enter once.
  return function enter(contextJson, source, method, argsJson) {
    // --- The chain, as the contract sees it (per call: it carries the call's context). ---
    const context = nativeParse(contextJson);
    const state = freeze({
      get: function get(key) {
        return rawGet(checkString(key, 'state key'));
      },
      set: function set(key, value) {
        rawSet(checkString(key, 'state key'), checkString(value, 'state value'));
      },
      delete: function (key) {
        rawDelete(checkString(key, 'state key'));
      },
    });
    const chain = freeze({
      contract: context.contract,
      caller: context.caller,
      height: context.height,
      time: context.time,
      state: state,
      emit: function emit(name, data) {
        rawEmit(checkString(name, 'event name'), encodeJson(data === undefined ? null : data, 'event data'));
      },
      call: function call(name) {
        const args = [];
        for (let i = 1; i < arguments.length; i++) args[args.length] = arguments[i];
        return nativeParse(rawCall(checkString(name, 'host call name'), encodeJson(args, 'host call arguments')));
      },
    });
    defineProperty(G, 'chain', { value: chain, writable: false, enumerable: false, configurable: false });

    try {
      indirectEval(source);
    } catch (thrown) {
      const described = describeThrown(thrown);
      return described[0] === 'T' ? 'L' + apply(stringSlice, described, [1]) : described;
    }
    try {
      const exportsObject = G.contract;
      if (exportsObject === null || (typeof exportsObject !== 'object' && typeof exportsObject !== 'function')) {
        return 'Lthe code does not define a global \u0060contract\u0060 object';
      }
      if (!hasOwn(exportsObject, method)) return 'N' + method;
      const fn = exportsObject[method];
      if (typeof fn !== 'function') return 'N' + method;
      const result = apply(fn, exportsObject, nativeParse(argsJson));
      let plain;
      try {
        plain = toPlainData(result, 'result', 0, []);
      } catch (bad) {
        if (getPrototypeOf(bad) === TypeErrorCtor.prototype) return 'B' + bad.message;
        throw bad;
      }
      return 'R' + nativeStringify(plain);
    } catch (thrown) {
      return describeThrown(thrown);
    }
  };
})`;

/**
 * QuickJS parses at roughly 8 MB/s inside WebAssembly, so whole-line comments and indentation are dropped
 * once at load (no string literal in the prelude spans lines).
 */
export const PRELUDE_SOURCE = PRELUDE_WITH_COMMENTS.split('\n')
  .map((line) => line.trim())
  .filter((line) => line.length > 0 && !line.startsWith('//'))
  .join('\n');

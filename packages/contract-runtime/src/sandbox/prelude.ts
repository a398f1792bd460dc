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

const PRELUDE_WITH_COMMENTS = String.raw`(function (rawGet, rawSet, rawDelete, rawEmit, rawCall, maxJsonDepth, maxMessageLength) {
  'use strict';
  const G = globalThis;
  const apply = Reflect.apply;
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

  // No builtin needs a price of its own: the engine meters the WebAssembly instructions it executes, native
  // builtins and operators included (metering/wasmMeter.ts).

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

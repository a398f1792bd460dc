import variant from '@jitl/quickjs-wasmfile-release-sync';
import { DefaultIntrinsics, newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';

const s = Number(process.argv[2]);
const nest = Number(process.argv[3] ?? 0);
const QJS = await newQuickJSWASMModuleFromVariant(variant);
const intr = { ...DefaultIntrinsics, Date: false, Promise: false };
function depth(stack) {
  const rt = QJS.newRuntime();
  rt.setMaxStackSize(stack);
  rt.setMemoryLimit(64 << 20);
  const ctx = rt.newContext({ intrinsics: intr });
  let out;
  try {
    const r = ctx.evalCode(`let d=0; function f(){d++; f()} try{f()}catch(e){} d`);
    out = r.error ? ctx.dump(r.error) : ctx.dump(r.value);
    (r.error ?? r.value).dispose();
  } catch (e) {
    out = 'HOST ' + e.message;
  }
  return out;
}
function nested(n) {
  return n === 0 ? depth(s) : nested(n - 1);
}
let r;
try {
  r = nested(nest);
} catch (e) {
  r = 'HOSTOUTER ' + e.message;
}
console.log('stack', s, 'nest', nest, r);

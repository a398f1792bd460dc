import variant from '@jitl/quickjs-wasmfile-release-sync';
import { DefaultIntrinsics, newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';

const QJS = await newQuickJSWASMModuleFromVariant(variant);
const intr = { ...DefaultIntrinsics, Date: false, Promise: false };
const [s, kind, n] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4])];
const gen = {
  paren: (n) => '('.repeat(n) + '1' + ')'.repeat(n),
  not: (n) => '!'.repeat(n) + '1',
  tern: (n) => 'a?'.repeat(n) + '1' + ':1'.repeat(n),
  arrow: (n) => '()=>'.repeat(n) + '1',
  neg: (n) => '-'.repeat(n).split('').join(' ') + '1',
  block: (n) => '{'.repeat(n) + '}'.repeat(n),
  fn: (n) => 'function f(){'.repeat(n) + '}'.repeat(n),
};
const rt = QJS.newRuntime();
rt.setMaxStackSize(s);
rt.setMemoryLimit(64 << 20);
const ctx = rt.newContext({ intrinsics: intr });
try {
  const r = ctx.evalCode('var a=0;' + gen[kind](n));
  console.log(s, kind, n, r.error ? ctx.dump(r.error).message : 'ok');
} catch (e) {
  console.log(s, kind, n, 'HOST ' + e.message);
}

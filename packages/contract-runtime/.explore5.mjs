import variant from '@jitl/quickjs-wasmfile-release-sync';
import { DefaultIntrinsics, newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';

const s = Number(process.argv[2]);
const QJS = await newQuickJSWASMModuleFromVariant(variant);
const intr = { ...DefaultIntrinsics, Date: false, Promise: false };
const pats = {
  flat: `let a=[1]; for(let i=0;i<200000;i++) a=[a]; let r; try{ r=a.flat(Infinity).length }catch(e){ r=String(e)} r`,
  join: `let a=[1]; for(let i=0;i<200000;i++) a=[a]; let r; try{ r=String(a).length }catch(e){ r=String(e)} r`,
  parseSrc: '('.repeat(100000) + '1' + ')'.repeat(100000),
  parseArr: '['.repeat(100000) + ']'.repeat(100000),
  parseObj: 'x=' + '{a:'.repeat(100000) + '1' + '}'.repeat(100000),
  regexDeep: `let r; try{ r = new RegExp('('.repeat(50000)+'a'+')'.repeat(50000)).test('a') }catch(e){ r=String(e)} r`,
  stringifyReplacer: `let a=[1]; for(let i=0;i<100000;i++) a=[a]; let r; try{ r = JSON.stringify(a, function(k,v){ return v }) }catch(e){ r=String(e)} r`,
};
for (const [name, code] of Object.entries(pats)) {
  const rt = QJS.newRuntime();
  rt.setMaxStackSize(s);
  rt.setMemoryLimit(64 << 20);
  let t = 0;
  rt.setInterruptHandler(() => ++t > 2000);
  const ctx = rt.newContext({ intrinsics: intr });
  let out;
  try {
    const r = ctx.evalCode(code);
    out = r.error ? ctx.dump(r.error).message : ctx.dump(r.value);
    (r.error ?? r.value).dispose();
    ctx.dispose();
    rt.dispose();
  } catch (e) {
    out = 'HOST ' + e.message;
    console.log(s, name, out);
    process.exit(0);
  }
  console.log(s, name, String(out).slice(0, 80));
}

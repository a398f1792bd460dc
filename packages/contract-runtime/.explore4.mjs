import variant from '@jitl/quickjs-wasmfile-release-sync';
import { DefaultIntrinsics, newQuickJSWASMModuleFromVariant } from 'quickjs-emscripten-core';

const s = Number(process.argv[2]);
const QJS = await newQuickJSWASMModuleFromVariant(variant);
const intr = { ...DefaultIntrinsics, Date: false, Promise: false };
const pats = {
  plain: `let d=0; function f(){d++; f()} try{f()}catch(e){} d`,
  map: `let d=0; function f(){d++; [1].map(f)} try{f()}catch(e){} d`,
  getter: `let d=0; const o={get x(){d++; return this.x}}; try{o.x}catch(e){} d`,
  proxy: `let d=0; const p=new Proxy({}, {get(t,k){d++; return p[k]}}); try{p.a}catch(e){} d`,
  toString: `let d=0; const o={toString(){d++; return String(o)}}; try{String(o)}catch(e){} d`,
  jsonParse: `let r; try{ JSON.parse('['.repeat(200000)) }catch(e){ r=String(e)} r`,
  jsonStringify: `let a=[]; for(let i=0;i<100000;i++) a=[a]; let r; try{ JSON.stringify(a) }catch(e){ r=String(e)} r`,
  regex: `let r; try{ r = /((((((((((a))))))))))*/.test('a'.repeat(100000)) }catch(e){ r=String(e)} r`,
  sortRec: `let d=0; function f(){d++; [2,1].sort(()=>{f(); return 0})} try{f()}catch(e){} d`,
  bind: `let f=function(){return 1}; for(let i=0;i<100000;i++) f=f.bind(null); let r; try{ r=f() }catch(e){ r=String(e)} r`,
  protoChain: `let o={}; for(let i=0;i<100000;i++) o=Object.create(o); let r; try{ r=o.zz }catch(e){ r=String(e)} r`,
  parseDeep: `let r; try{ r = eval('('.repeat(100000)+'1'+')'.repeat(100000)) }catch(e){ r=String(e)} r`,
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

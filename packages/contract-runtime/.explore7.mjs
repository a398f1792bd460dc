import { isMainThread, Worker, workerData } from 'node:worker_threads';

if (isMainThread) {
  for (const mb of [4, 64, 256])
    await new Promise((res) => {
      const w = new Worker(new URL(import.meta.url), { workerData: mb, resourceLimits: { stackSizeMb: mb } });
      w.on('exit', res);
      w.on('error', (e) => {
        console.log('worker err', e.message);
        res();
      });
    });
} else {
  const { newQuickJSWASMModuleFromVariant, DefaultIntrinsics } = await import('quickjs-emscripten-core');
  const variant = (await import('@jitl/quickjs-wasmfile-release-sync')).default;
  const QJS = await newQuickJSWASMModuleFromVariant(variant);
  const intr = { ...DefaultIntrinsics, Date: false, Promise: false };
  const cases = {
    paren20k: 'var a=('.repeat(1) + '('.repeat(20000) + '1' + ')'.repeat(20001),
    paren60k: '('.repeat(60000) + '1' + ')'.repeat(60000),
    arrow20k: '()=>'.repeat(20000) + '1',
    jsonStringify: `let a=[1]; for(let i=0;i<200000;i++) a=[a]; let r; try{ r = JSON.stringify(a).length }catch(e){ r=String(e)} r`,
    plainRec: `let d=0; function f(){d++; f()} try{f()}catch(e){} d`,
  };
  for (const [k, code] of Object.entries(cases)) {
    const rt = QJS.newRuntime();
    rt.setMaxStackSize(128 << 10);
    rt.setMemoryLimit(32 << 20);
    const ctx = rt.newContext({ intrinsics: intr });
    const t0 = performance.now();
    try {
      const r = ctx.evalCode(code);
      console.log(
        workerData,
        k,
        r.error ? ctx.dump(r.error).message : String(ctx.dump(r.value)).slice(0, 40),
        (performance.now() - t0).toFixed(0) + 'ms',
      );
    } catch (e) {
      console.log(workerData, k, 'HOST ' + e.message);
      process.exit(0);
    }
  }
}

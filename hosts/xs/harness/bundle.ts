// Bundles a firmware entry for the XS engine: one IIFE, ES2022, everything inlined.
// XS trips over class static fields that construct the class (@noble/curves does this),
// so esbuild lowers static fields.
//
// `wholeModules`: no tree shaking and no /* @__PURE__ */ dropping, so that every imported
// module's top-level code runs, as on a device (mcconfig compiles each module whole and XS
// evaluates all of it). The metering (hosts/xs/harness/meter.ts) uses it: a tree-shaken bundle
// under-reports what loading a library costs there.
import { build } from 'esbuild';

export async function bundleForXs(entry: string, options: { wholeModules?: boolean } = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    supported: { 'class-static-field': false },
    write: false,
    logLevel: 'silent',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    ...(options.wholeModules ? { treeShaking: false, ignoreAnnotations: true } : {}),
  });
  return result.outputFiles[0].text;
}

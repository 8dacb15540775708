// Bundles a firmware entry for the XS engine: one IIFE, ES2022, everything inlined.
// XS trips over class static fields that construct the class (@noble/curves does this),
// so esbuild lowers static fields.
import { build } from 'esbuild';

export async function bundleForXs(entry: string): Promise<string> {
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
  });
  return result.outputFiles[0].text;
}

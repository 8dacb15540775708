// The part of @agoric/xsnap's API the XS host uses (the package ships JSDoc, not .d.ts).
declare module '@agoric/xsnap' {
  export interface XsnapMeterUsage {
    meterType: string;
    compute: number;
    currentHeapCount: number;
    allocate: number;
  }
  export interface XsnapWorker {
    evaluate(code: string): Promise<{ meterUsage: XsnapMeterUsage; reply: Uint8Array }>;
    close(): Promise<void>;
    /** Writes the heap out (after a collection): the measure of live chunk bytes. */
    makeSnapshotStream(description?: string): AsyncIterable<Uint8Array>;
  }
  export function xsnap(options: {
    os: string;
    spawn: typeof import('node:child_process').spawn;
    fs: object;
    stdout?: 'inherit' | 'ignore';
    stderr?: 'inherit' | 'ignore';
    handleCommand?: (request: Uint8Array) => Promise<Uint8Array> | Uint8Array;
    meteringLimit?: number;
    name?: string;
  }): Promise<XsnapWorker>;
}
declare module '@endo/init/debug.js';

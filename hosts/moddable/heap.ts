// XS heap figures on a Moddable build, after a garbage collection (live data): what the device
// actually holds in RAM, preloaded modules excluded (they are in flash). Needs an instrumented
// build (mcconfig -d, or -i for release); otherwise Instrumentation has no figures and this
// says so. Used by the device mains and the self-test app; docs/moddable.md lists the figures.
import Instrumentation from 'instrumentation';
import Debug from 'debug';

export interface HeapFigures { slotBytes: number; chunkBytes: number; stackBytes?: number; modules?: number }

/** Collects garbage, then reads XS's own counters; undefined in a build without instrumentation. */
export function heapFigures(): HeapFigures | undefined {
  Debug.gc();
  const get = (name: Parameters<typeof Instrumentation.map>[0]): number | undefined => {
    const i = Instrumentation.map(name);
    return i === undefined ? undefined : Instrumentation.get(i);
  };
  const slotBytes = get('XS Slot Heap Used');
  const chunkBytes = get('XS Chunk Heap Used');
  if (slotBytes === undefined || chunkBytes === undefined) return undefined;
  return { slotBytes, chunkBytes, stackBytes: get('XS Stack Used'), modules: get('XS Modules Loaded') };
}

/** One trace line, "HEAP <label> slots <B> chunks <B> …" (the tests read it), or why not. */
export function heapLine(label: string): string {
  const h = heapFigures();
  if (!h) return `HEAP ${label} no instrumentation`;
  return `HEAP ${label} slots ${h.slotBytes} B, chunks ${h.chunkBytes} B, stack ${h.stackBytes ?? '?'} B, modules ${h.modules ?? '?'}`;
}

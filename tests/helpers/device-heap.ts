// The slot heap each device is known to run in: issue 9's target, 4,096 slots (64 KiB on a 32-bit
// MCU). tests/xs-conversation-moddable.test.ts runs each device in mcsim in a fixed heap of
// exactly this; tests/moddable-selftest.test.ts checks the ESP32 manifests start from it. The
// smallest heaps the runs pass in are lower (docs/moddable.md, "Live slot heap").
export const DEVICE_HEAP_SLOTS: Record<'terminal' | 'accumulator' | 'portable-ballot', number> = {
  terminal: 4096,
  accumulator: 4096,
  'portable-ballot': 4096,
};

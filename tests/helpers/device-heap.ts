// The slot heap each device is known to run in (issue 9: the target is 4,096 slots, 64 KiB on a
// 32-bit MCU). tests/xs-conversation-moddable.test.ts runs each device in mcsim in a fixed heap of
// exactly this; tests/moddable-selftest.test.ts checks the ESP32 manifests start from it. The
// terminal does not fit 4,096 yet (its self-test; docs/moddable.md, "Live slot heap").
export const DEVICE_HEAP_SLOTS: Record<'terminal' | 'accumulator' | 'portable-ballot', number> = {
  terminal: 4352,
  accumulator: 4096,
  'portable-ballot': 4096,
};

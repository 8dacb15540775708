// Checks the metering driver itself (tests/xs-budgets.test.ts): an async step's work lands in
// its own row (xsnap drains the job queue inside the evaluate); a step that never settles, or
// throws, is an error rather than a silent row.
import { installSteps } from '../../hosts/xs/guest/steps';

const kept: object[] = [];
installSteps({
  nothing() {},
  async asyncAlloc() {
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    for (let i = 0; i < 1000; i++) kept.push({ i });
  },
  pending() { return new Promise(() => {}); },
  throws() { throw new Error('boom'); },
});

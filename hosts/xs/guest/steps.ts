// The guest side of per-operation metering (hosts/xs/harness/meter.ts). XS reports compute only per
// `evaluate`, so a scenario is cut into named steps that the Node driver evaluates one by
// one, each as `__sailauStep(name)`, reading the meter and the heap after each.
// A step may return a promise: XS drains its job queue at the end of each evaluate, so the
// promise settles inside the step's own evaluate unless it waits for a timer or the host
// (then the driver reports the step as unsettled). No Node here: this code runs inside XS.
import { hostCall } from './bridge';

export type Step = () => void | Promise<unknown>;

interface StepState { name: string; settled: boolean; error: string }

export function installSteps(steps: { [name: string]: Step }): void {
  let state: StepState = { name: '', settled: true, error: '' };
  const g = globalThis as unknown as {
    steps: { [name: string]: Step };
    __sailauStep: (name: string) => void;
    __sailauStepStatus: () => void;
  };
  g.steps = steps;
  g.__sailauStep = (name: string): void => {
    const s: StepState = { name, settled: false, error: '' };
    state = s;
    const fail = (e: unknown) => { s.settled = true; s.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e); };
    const step = steps[name];
    if (typeof step !== 'function') { fail(new Error(`no step ${name}`)); return; }
    try {
      const r = step();
      if (r && typeof (r as Promise<unknown>).then === 'function') {
        (r as Promise<unknown>).then(() => { s.settled = true; }, fail);
      } else {
        s.settled = true;
      }
    } catch (e) {
      fail(e);
    }
  };
  // Called by the driver in an evaluate of its own, so that its cost is not in the step's.
  g.__sailauStepStatus = (): void => {
    hostCall('step-status', { name: state.name, settled: state.settled, error: state.error });
  };
}

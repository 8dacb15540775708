// XS budget scenario (hosts/xs/budgets.json "readout3000", bench only): the accumulator holding a
// whole precinct's votes — boot with 3,000 stored votes, close, read-out of all 3,000. Steps:
// tests/xs/budget-readout-steps.ts.
import { installSteps } from '../../hosts/xs/guest/steps';
import { readoutSteps } from './budget-readout-steps';

installSteps(readoutSteps(3000));

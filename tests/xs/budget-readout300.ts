// XS budget scenario (hosts/xs/budgets.json "readout300"): the accumulator read-out scenario
// (tests/xs/budget-readout-steps.ts) with 300 stored votes on the same 3,600-slot layout, small
// enough for every test run; "readout3000" (bench only) holds the 3,000.
import { installSteps } from '../../hosts/xs/guest/steps';
import { readoutSteps } from './budget-readout-steps';

installSteps(readoutSteps(300));

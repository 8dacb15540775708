// Runs inside XS: one voter through the whole voting terminal (tests/booth-xs-core.ts);
// tests/terminal-xs.test.ts checks the result and prints the compute meter.
import { reportError, runBooth } from '../booth-xs-core';

runBooth(1).catch(reportError);

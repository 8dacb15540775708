// Runs inside XS: six voters through the terminal (bench/terminal.ts: compute per voter is the
// difference with booth-entry.ts's one voter, divided by five).
import { reportError, runBooth } from '../booth-xs-core';

runBooth(6).catch(reportError);

// Runs inside XS: a whole ballot session and code draws, to show the terminal code runs on
// the device engine and gives the same screens as on Node.
import { report, hostEntropy } from '../../hosts/xs/guest/bridge';
import { ballotScript } from '../ballot-samples';
import { CodePool, partitionCodes } from '../../terminal/ballot/codes';

report('screens', ballotScript());
const { shares } = partitionCodes([50, 50], hostEntropy);
const pool = CodePool.fromCodes(shares[0]);
const drawn: number[] = [];
for (let i = 0; i < 50; i++) drawn.push(pool.draw(hostEntropy));
report('codes-unique', new Set(drawn).size === 50 && drawn.every((c) => shares[0].includes(c)));
report('codes-disjoint', shares[0].every((c) => !shares[1].includes(c)));

// XS budget scenario (hosts/xs/budgets.json): one ballot session through the shared ballot
// flow (terminal/ballot/flow.ts, the same script as tests/xs/ballot-entry.ts, rendered as text
// screens), and the verification-code pools.
import { installSteps } from '../../hosts/xs/guest/steps';
import { hostEntropy } from '../../hosts/xs/guest/bridge';
import { ballotScript } from '../ballot-samples';
import { CodePool, partitionCodes } from '../../terminal/ballot/codes';

let shares: number[][] = [];
installSteps({
  session() {
    if (ballotScript().length < 10) throw new Error('short script');
  },
  codePartition() {
    shares = partitionCodes([50, 50], hostEntropy).shares;
  },
  codeDraw50() {
    const pool = CodePool.fromCodes(shares[0]);
    for (let i = 0; i < 50; i++) pool.draw(hostEntropy);
  },
});

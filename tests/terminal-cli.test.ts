// The command-line booth driven through piped stdin: insert a card, vote in Russian, press
// the physical buttons "1" and "2", see the code, take the card out; then the same card again
// is refused as already voted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function runCli(input: string[], election = 'mazhilis'): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'hosts/node/terminal-cli.ts'), '--election', election], { cwd: root, encoding: 'utf8', input: input.join('\n') + '\n', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`terminal-cli failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

test('a voter at the command line: language, party, confirm, review, cast, "1"+"2", code; reinserted card refused', () => {
  // mazhilis: [2] Русский; [1] first party; [1] Подтвердить; [2] Продолжить; [1] Проголосовать; buttons 1, 2
  const out = runCli(['i', '2', '1', '1', '2', '1', '1', '2', 'r', 'a', 'r', 'q']);
  assert.match(out, /== Выберите язык ==/);
  assert.match(out, /== Подтвердите свой голос ==/);
  assert.match(out, /== Спасибо! ==/);
  const code = out.match(/>>> (\d{4}) <<</);
  assert.ok(code, 'the code was shown');
  assert.match(out, /\[open · votes 1 · refused 0 · card out\]/);
  assert.match(out, /По этой карточке уже проголосовали/);
  assert.match(out, /\[open · votes 1 · refused 1 · card (in|out)\]/);
});

test('the screen is the one the device shows: bilingual invitation, numbered buttons, the large-text toggle', () => {
  const out = runCli(['i', '3', 'q'], 'presidential');
  assert.match(out, /== Карточканы салыңыз ==/);
  assert.match(out, /\[1\] Қазақша/);
  assert.match(out, /\[A\+\]/);
});

test.run();

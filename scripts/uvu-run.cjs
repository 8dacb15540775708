// Runs uvu over tests/ like `uvu -r tsx tests <pattern>`, but ends the process when the
// suites are done (a stray socket or timer in one test must not hang CI), and turns an
// uncaught error into a failed run instead of a silent early exit.
require('tsx');
const { parse } = require('uvu/parse');

// Only *.test.ts files are suites; an optional argument narrows them by name.
const narrow = process.argv[2] ? new RegExp(process.argv[2], 'i') : null;
const watchdogMinutes = Number(process.env.SAILAU_TEST_WATCHDOG_MIN || 45);

let crashed = false;
for (const event of ['uncaughtException', 'unhandledRejection']) {
  process.on(event, (err) => {
    crashed = true;
    console.error(`\n[test runner] ${event}:`, err && err.stack ? err.stack : err);
  });
}
setTimeout(() => {
  console.error(`\n[test runner] still running after ${watchdogMinutes} min: giving up`);
  process.exit(3);
}, watchdogMinutes * 60_000).unref();

(async () => {
  const ctx = await parse('tests', '\\.test\\.ts$', {});
  if (narrow) ctx.suites = ctx.suites.filter((s) => narrow.test(s.name));
  if (ctx.suites.length === 0) { console.error('[test runner] no test files matched'); process.exit(4); }
  // uvu/run, but a file that throws while loading is reported and counted, not fatal to the rest
  globalThis.UVU_DEFER = 1;
  const uvu = require('uvu');
  ctx.suites.forEach((suite, idx) => {
    globalThis.UVU_QUEUE.push([suite.name]);
    globalThis.UVU_INDEX = idx;
    try {
      require(suite.file);
    } catch (err) {
      crashed = true;
      console.error(`\n[test runner] ${suite.name} failed to load:`, err && err.stack ? err.stack : err);
    }
  });
  await uvu.exec(false);
  if (crashed) console.error('[test runner] a test crashed outside its assertions: counted as a failure');
  process.exit(crashed ? 2 : process.exitCode || 0);
})().catch((err) => { console.error(err); process.exit(1); });

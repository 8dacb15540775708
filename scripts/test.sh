#!/usr/bin/env bash
# Runs both type checks and every test file; ends with "N passed, N failed".
# Exits non-zero when anything fails or when no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp); trap 'rm -f "$log"' EXIT
failed_checks=0

echo "== type check (Node side)"
npx --no-install tsc -p tsconfig.json || failed_checks=$((failed_checks+1))
echo "== type check (device side: Moddable typings, no Node)"
npx --no-install tsc -p tsconfig.device.json || failed_checks=$((failed_checks+1))

echo "== tests"
# uvu runs every *.test.ts under tests/ (a pattern may narrow it: ./sailau test journal);
# scripts/uvu-run.cjs ends the process when the suites are done
node scripts/uvu-run.cjs "${1:-}" 2>&1 | tee "$log"
uvu_rc=${PIPESTATUS[0]}

total=$(grep -aoE 'Total: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
passed=$(grep -aoE 'Passed: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
skipped=$(grep -aoE 'Skipped: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
total=${total:-0}; passed=${passed:-0}; skipped=${skipped:-0}
failed=$((total - passed)) # uvu's Total leaves skipped tests out
# a test file that failed to load counts as one failure; any other crash (uvu exits
# non-zero without counting it) as one more
load_failures=$(grep -ac '\[test runner\] .* failed to load:' "$log" || true)
failed=$((failed + ${load_failures:-0}))
if [ "$uvu_rc" != 0 ] && [ "$failed" -le 0 ]; then failed=1; fi
passed=$((passed + 2 - failed_checks)); failed=$((failed + failed_checks))

echo
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
if [ "$failed" -gt 0 ] || [ "$total" -eq 0 ]; then exit 1; fi

#!/usr/bin/env bash
# Every test: build once (Release), then the .NET suite (SQLite, and PostgreSQL too when WARDEN_TEST_POSTGRES
# is set), then the compatibility checks against the official authentik client and the browser tests in headless
# Chromium (tests/browser/README.md), and the benchmarks in --quick mode, all on that same build.
set -uo pipefail
cd "$(dirname "$0")"
dotnet build Warden.slnx -c Release -nologo -clp:ErrorsOnly || exit 1
log=$(mktemp)
dotnet test --project tests/Warden.Tests -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Counts the fault and access-control tests report (requests tried, server errors, ...), passing or not.
cat tests/Warden.Tests/bin/Release/net10.0/test-counts.txt 2>/dev/null
passed=$(grep -oE 'succeeded: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -oE 'failed: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
tests/compat/run.sh 2>&1 | tee "$log"
compat=${PIPESTATUS[0]}
compat_summary=$(grep -E '^compat: [0-9]+ operations' "$log" | tail -n 1 || echo "compat: did not complete")
tests/browser/run.sh 2>&1 | tee "$log"
browser=${PIPESTATUS[0]}
# run.sh runs each spec file on its own: add up their summaries.
browser_passed=$(grep -oE '^ℹ pass [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
browser_failed=$(grep -oE '^ℹ fail [0-9]+' "$log" | awk '{s += $3} END {print s + 0}')
# The benchmarks in --quick mode: they must still run (a failed request or lockdown fails them); the figures are
# not judged here (BENCHMARKS.md).
results=$(mktemp -d)
dotnet bench/Warden.Bench/bin/Release/net10.0/Warden.Bench.dll --quick --results "$results" 2>&1 | tee "$log"
bench=${PIPESTATUS[0]}
rm -rf "$results"
echo "dotnet: ${passed:-0} passed, ${failed:-0} failed"
echo "$compat_summary"
echo "browser: ${browser_passed:-0} passed, ${browser_failed:-0} failed"
[ "$bench" -eq 0 ] && echo "bench: quick run completed" || echo "bench: quick run FAILED"
rm -f "$log"
[ "$status" -eq 0 ] && [ "$compat" -eq 0 ] && [ "$browser" -eq 0 ] && [ "$bench" -eq 0 ]

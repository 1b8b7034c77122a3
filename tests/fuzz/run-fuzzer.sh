#!/usr/bin/env bash
# Runs one libFuzzer binary for a short, bounded time over a working corpus
# seeded from the checked-in seeds. Exit status is the fuzzer's: a crash,
# leak or sanitizer report fails the ctest case.
set -euo pipefail
fuzzer=$1 work=$2
shift 2
mkdir -p "$work"
seconds=${FUZZ_SECONDS:-30}
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 "$work" "$@"

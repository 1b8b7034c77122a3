#!/usr/bin/env bash
# The long fuzz campaign (`make fuzz-long`): every libFuzzer target that the
# fuzz preset registers with ctest, one after another, at low priority, for
# FUZZ_LONG_RUNS executions each (default 10 million). Each target keeps its
# corpus in build/fuzz-long/<target>/corpus across campaigns (seeded from the
# checked-in seeds, minimized with -merge=1 after every run) and its crash
# artifacts in build/fuzz-long/<target>/artifacts. A table of executions,
# time, corpus size and crashes per target is appended to build/fuzz-long/summary.tsv.
# Exit status: 0 when no target crashed, 1 otherwise.
#   FUZZ_LONG_RUNS=N  FUZZ_LONG_ONLY='regex'  FUZZ_LONG_NICE=19
#   FUZZ_LONG_MAX_SECONDS=S caps each target's time (a target that stops short
#   of FUZZ_LONG_RUNS then fails the campaign, so a capped run never passes
#   for a full one).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/fuzz
out=$root/build/fuzz-long
runs=${FUZZ_LONG_RUNS:-10000000}
only=${FUZZ_LONG_ONLY:-.}
niceness=${FUZZ_LONG_NICE:-19}
cap=()
[[ -n ${FUZZ_LONG_MAX_SECONDS:-} ]] && cap=(-max_total_time="$FUZZ_LONG_MAX_SECONDS")
python=${OPENCLAWD_PYTHON:-/usr/bin/python3}
mkdir -p "$out"

# name<TAB>binary<TAB>seed dirs, from the ctest registrations of the fuzz preset.
targets=$(cd "$root" && ctest --preset fuzz --show-only=json-v1 | "$python" -c '
import json, sys
for t in json.load(sys.stdin)["tests"]:
    cmd = t["command"]  # run-fuzzer.sh BINARY WORKDIR [SEEDS...]
    print("\t".join([t["name"], cmd[1]] + cmd[3:]))
') || { echo "fuzz-long: cannot list the fuzz targets (run: cmake --preset fuzz && cmake --build --preset fuzz)" >&2; exit 2; }

summary=$out/summary.tsv  # one row per target run, appended (a campaign may be split with FUZZ_LONG_ONLY)
[[ -s $summary ]] || printf 'date\ttarget\texecutions\tseconds\tcorpus_files\tcorpus_bytes\tcrashes\n' >"$summary"
failed=0
while IFS=$'\t' read -r name binary seeds; do
  [[ $name =~ $only ]] || continue
  dir=$out/$name
  mkdir -p "$dir/corpus" "$dir/artifacts"
  echo "== $name: $runs executions" >&2
  start=$(date +%s)
  # shellcheck disable=SC2086 # seed directories are separate arguments
  nice -n "$niceness" "$binary" -runs="$runs" "${cap[@]}" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    "$dir/corpus" $seeds >"$dir/run.log" 2>&1
  status=$?
  seconds=$(($(date +%s) - start))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/run.log" | tail -1)
  crashes=$(find "$dir/artifacts" -type f | wc -l)
  if [[ $status -ne 0 && $crashes -eq 0 ]]; then crashes=1; fi  # e.g. a leak report
  # Minimize: keep only inputs that add coverage.
  rm -rf "$dir/corpus.min" && mkdir -p "$dir/corpus.min"
  if nice -n "$niceness" "$binary" -merge=1 -timeout=10 -rss_limit_mb=2048 "$dir/corpus.min" \
       "$dir/corpus" >"$dir/merge.log" 2>&1; then
    rm -rf "$dir/corpus" && mv "$dir/corpus.min" "$dir/corpus"
  fi
  files=$(find "$dir/corpus" -type f | wc -l)
  bytes=$(du -sb "$dir/corpus" | cut -f1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "${executions:-0}" "$seconds" \
    "$files" "$bytes" "$crashes" | tee -a "$summary"
  if [[ $crashes -ne 0 || ${executions:-0} -lt $runs ]]; then
    echo "fuzz-long: $name: see $dir/run.log and $dir/artifacts" >&2
    failed=1
  fi
done <<<"$targets"
column -t -s $'\t' "$summary" >&2
exit $failed

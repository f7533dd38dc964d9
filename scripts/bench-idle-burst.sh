#!/usr/bin/env bash
# A burst after a quiet spell (issue 13, ninth pass): for each IDLE value, starts LLMTrace (capture
# and SQLite on) beside the side-by-side harness's mock upstream, both pinned to CPU 0, warms it up
# as the harness does, leaves it idle IDLE seconds, then runs one saturation test (wrk, 64
# connections, 6 s, on CPU 1). Prints req/s, latency percentiles, the proxy's CPU per request and
# its RSS before and after the burst. Asserts nothing.
#   bash scripts/bench-idle-burst.sh 5 120                          # idle 5 s, then 120 s
#   PROXY_NODE_ARGS=--memory-reducer bash scripts/bench-idle-burst.sh 120   # V8's memory reducer on
# Needs the harness installed by scripts/bench-proxy.sh (BENCH_DIR, default /tmp/llmtrace-bench).
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: bash scripts/bench-idle-burst.sh IDLE_SECONDS..." >&2; exit 1; }
# shellcheck source=lib/burst-layout.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/burst-layout.sh"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { echo $(($(ps -o rss= -p "$1") / 1024)); }
for idle in "$@"; do
  rm -f "$DIR"/bench.db*
  # shellcheck disable=SC2086
  taskset -c 0 node ${PROXY_NODE_ARGS:-} "$ROOT/packages/proxy/dist/cli.js" proxy --config "$DIR/bench.yaml" \
    >"$DIR/proxy.log" 2>&1 &
  proxy=$!
  PIDS+=("$proxy")
  wait_for_proxy
  warm_up
  sleep "$idle"
  rss_idle=$(rss_mb "$proxy")
  t0=$(ticks "$proxy")
  result=$(load bodies/chat.json /v1/chat/completions "$OA" 64 6)
  t1=$(ticks "$proxy")
  rss_after=$(rss_mb "$proxy")
  node -e '
    const [r, idle, ticks, rssIdle, rssAfter] = [JSON.parse(process.argv[1]), ...process.argv.slice(2)];
    const ms = (us) => (us / 1000).toFixed(1);
    console.log(`idle ${idle} s: ${(r.requests / (r.duration_us / 1e6)).toFixed(0)} req/s, p50 ${ms(r.lat_p50_us)} ms, ` +
      `p99 ${ms(r.lat_p99_us)} ms, p99.9 ${ms(r.lat_p999_us)} ms, longest ${ms(r.lat_max_us)} ms, ` +
      `CPU ${((ticks * 1e4) / r.requests).toFixed(0)} µs/request, RSS ${rssIdle} MB idle -> ${rssAfter} MB after`);
  ' "$result" "$idle" $((t1 - t0)) "$rss_idle" "$rss_after"
  kill "$proxy"
  wait "$proxy" 2>/dev/null || true
done

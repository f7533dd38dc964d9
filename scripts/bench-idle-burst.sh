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
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${BENCH_DIR:-/tmp/llmtrace-bench}"
[ -d "$WORK/node_modules" ] || {
  echo "no harness in $WORK: run SHARED_BENCH=<harness folder> bash scripts/bench-proxy.sh once first" >&2
  exit 1
}
[ $# -gt 0 ] || { echo "usage: bash scripts/bench-idle-burst.sh IDLE_SECONDS..." >&2; exit 1; }
[ -f "$ROOT/packages/proxy/dist/cli.js" ] || (cd "$ROOT" && npx tsc -b)
DIR="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$DIR"; }
trap cleanup EXIT
cat > "$DIR/bench.yaml" <<YAML
upstream_url: http://127.0.0.1:18080
listen: { host: 127.0.0.1, port: 18083 }
storage: { profile: lite, path: $DIR/bench.db }
logging: { level: warn, format: json }
YAML
cd "$WORK"
MOCK_PORT=18080 MOCK_STREAM_CHUNKS=20 MOCK_CHUNK_DELAY_MS=5 taskset -c 0 node mock-upstream/server.js >/dev/null 2>&1 &
PIDS+=($!)
sleep 1
OA="Authorization: Bearer sk-mock"
AN="x-api-key: sk-mock|anthropic-version: 2023-06-01"
load() {   # load BODY PATH HEADERS CONNECTIONS SECONDS -> wrk's JSON line
  WRK_BODY_FILE=$1 WRK_PATH=$2 WRK_HEADERS="$3" taskset -c 1 wrk -t1 -c"$4" -d"$5"s --timeout 10s \
    -s wrk/post.lua http://127.0.0.1:18083 2>&1 | sed -n 's/^WRK_JSON //p'
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { echo $(($(ps -o rss= -p "$1") / 1024)); }
for idle in "$@"; do
  rm -f "$DIR"/bench.db*
  # shellcheck disable=SC2086
  taskset -c 0 node ${PROXY_NODE_ARGS:-} "$ROOT/packages/proxy/dist/cli.js" proxy --config "$DIR/bench.yaml" \
    >"$DIR/proxy.log" 2>&1 &
  proxy=$!
  PIDS+=("$proxy")
  for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18083/health && break; sleep 0.2; done
  load bodies/chat.json /v1/chat/completions "$OA" 16 3 >/dev/null
  load bodies/chat-stream.json /v1/chat/completions "$OA" 16 3 >/dev/null
  load bodies/messages.json /v1/messages "$AN" 16 1 >/dev/null
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

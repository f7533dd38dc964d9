#!/usr/bin/env bash
# New connections during a burst (issue 13, eleventh pass): starts LLMTrace (capture and SQLite on)
# and then the bare node:http pass-through (scripts/node-passthrough.mjs), each beside the harness's
# mock upstream on CPU 0, warms it up as the harness does (16 connections), waits 2 s, then runs a
# saturation burst on 64 new connections (wrk on CPU 1). Prints, per target and run: req/s, p99 and
# the longest request, and when the server accepted its client connections (ms after the first).
# libuv accepts one connection per turn of the event loop, so the last ones wait as many turns.
#   bash scripts/bench-new-connections.sh            # 3 runs per target
#   RUNS=5 WARM_CONNECTIONS=64 bash scripts/bench-new-connections.sh   # warm-up on all 64
# Needs the harness installed by scripts/bench-proxy.sh (BENCH_DIR, default /tmp/llmtrace-bench).
# Asserts nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${BENCH_DIR:-/tmp/llmtrace-bench}"
[ -d "$WORK/node_modules" ] || {
  echo "no harness in $WORK: run SHARED_BENCH=<harness folder> bash scripts/bench-proxy.sh once first" >&2
  exit 1
}
[ -f "$ROOT/packages/proxy/dist/cli.js" ] || (cd "$ROOT" && npx tsc -b)
RUNS="${RUNS:-3}"
WARM="${WARM_CONNECTIONS:-16}"
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
for target in llmtrace node-passthrough; do
  for run in $(seq "$RUNS"); do
    rm -f "$DIR"/bench.db* "$DIR/accepted.json"
    if [ "$target" = llmtrace ]; then
      set -- "$ROOT/packages/proxy/dist/cli.js" proxy --config "$DIR/bench.yaml"
    else
      set -- "$ROOT/scripts/node-passthrough.mjs"
    fi
    ACCEPT_PROBE_OUT="$DIR/accepted.json" UPSTREAM_URL=http://127.0.0.1:18080 PROXY_PORT=18083 \
      taskset -c 0 node --import "$ROOT/scripts/accept-probe.mjs" "$@" >"$DIR/proxy.log" 2>&1 &
    proxy=$!
    PIDS+=("$proxy")
    for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18083/health && break; sleep 0.2; done
    load bodies/chat.json /v1/chat/completions "$OA" "$WARM" 3 >/dev/null
    load bodies/chat-stream.json /v1/chat/completions "$OA" 16 3 >/dev/null
    load bodies/messages.json /v1/messages "$AN" 16 1 >/dev/null
    sleep 2
    kill -USR1 "$proxy"
    result=$(load bodies/chat.json /v1/chat/completions "$OA" 64 6)
    kill -USR2 "$proxy"
    sleep 0.5
    node -e '
      const fs = require("node:fs");
      const [r, target, run, file] = [JSON.parse(process.argv[1]), ...process.argv.slice(2)];
      const at = JSON.parse(fs.readFileSync(file, "utf8"));
      const ms = (us) => (us / 1000).toFixed(1);
      const nth = (k) => (at[k - 1] === undefined ? "-" : at[k - 1].toFixed(1));
      console.log(`${target} run ${run}: ${(r.requests / (r.duration_us / 1e6)).toFixed(0)} req/s, ` +
        `p99 ${ms(r.lat_p99_us)} ms, longest ${ms(r.lat_max_us)} ms; ${at.length} connections accepted, ` +
        `the 16th at ${nth(16)} ms, the 32nd at ${nth(32)}, the 48th at ${nth(48)}, the 64th at ${nth(64)}`);
    ' "$result" "$target" "$run" "$DIR/accepted.json"
    kill "$proxy"
    wait "$proxy" 2>/dev/null || true
  done
done

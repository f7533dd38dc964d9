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
RUNS="${RUNS:-3}"
WARM="${WARM_CONNECTIONS:-16}"
# shellcheck source=lib/burst-layout.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/burst-layout.sh"
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
    wait_for_proxy
    warm_up "$WARM"
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

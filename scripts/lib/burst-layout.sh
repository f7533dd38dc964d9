# Sourced by the burst benchmarks (bench-idle-burst.sh, bench-new-connections.sh): the harness's
# layout for one proxy under test. Sets ROOT, WORK and DIR (a temporary folder with bench.yaml:
# LLMTrace with capture and SQLite storage on, port 18083), starts the harness's mock upstream on
# CPU 0 (port 18080), and defines:
#   load BODY PATH HEADERS CONNECTIONS SECONDS   wrk on CPU 1 against port 18083 -> wrk's JSON line
#   warm_up [CONNECTIONS]                        the harness's warm-up (chat, stream, messages)
#   wait_for_proxy                               until port 18083 answers /health
# Everything started is stopped on exit (add pids to PIDS).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${BENCH_DIR:-/tmp/llmtrace-bench}"
[ -d "$WORK/node_modules" ] || {
  echo "no harness in $WORK: run SHARED_BENCH=<harness folder> bash scripts/bench-proxy.sh once first" >&2
  exit 1
}
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
load() {
  WRK_BODY_FILE=$1 WRK_PATH=$2 WRK_HEADERS="$3" taskset -c 1 wrk -t1 -c"$4" -d"$5"s --timeout 10s \
    -s wrk/post.lua http://127.0.0.1:18083 2>&1 | sed -n 's/^WRK_JSON //p'
}
warm_up() {
  load bodies/chat.json /v1/chat/completions "$OA" "${1:-16}" 3 >/dev/null
  load bodies/chat-stream.json /v1/chat/completions "$OA" 16 3 >/dev/null
  load bodies/messages.json /v1/messages "$AN" 16 1 >/dev/null
}
wait_for_proxy() {
  for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:18083/health && return; sleep 0.2; done
}

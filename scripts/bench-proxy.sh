#!/usr/bin/env bash
# Proxy benchmark: runs a side-by-side harness kept outside this repository (SHARED_BENCH: a folder
# with setup.sh, run.sh and a mock upstream) with LLMTrace as the proxy
# under test — capture and SQLite storage on — next to direct (and nginx / Portkey unless TARGETS says
# otherwise). Prints the harness's summary tables; asserts nothing.
#   bash scripts/bench-proxy.sh                   # direct nginx portkey llmtrace, REPS=3
#   TARGETS="direct proxy" REPS=1 bash scripts/bench-proxy.sh   # quick
#   BENCH_CONFIG='capture: { workers: 0 }' …     # extra top-level YAML for LLMTrace's config
#   PROXY_NODE_ARGS='--heap-growing-percent=50' … # node/V8 flags for LLMTrace's process (A/B runs)
#   PROXY_GLIBC_TUNABLES='' …                     # LLMTrace's GLIBC_TUNABLES: by default what npm
#                                                # start and the Docker image set; '' for glibc's own
#   FLOOR=1 bash scripts/bench-proxy.sh          # then a second run: direct vs a bare node:http
#                                                # pass-through (scripts/node-passthrough.mjs), the
#                                                # floor for any Node proxy, in the same harness
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${BENCH_DIR:-/tmp/llmtrace-bench}"
if [ ! -d "$WORK/node_modules" ]; then
  [ -n "${SHARED_BENCH:-}" ] && [ -d "$SHARED_BENCH" ] || {
    echo "set SHARED_BENCH to the side-by-side harness folder (or BENCH_DIR to an installed copy)" >&2
    exit 1
  }
  rm -rf "$WORK"; cp -r "$SHARED_BENCH" "$WORK"; chmod -R u+w "$WORK"
  bash "$WORK/setup.sh"
fi
[ -f "$ROOT/packages/proxy/dist/cli.js" ] || (cd "$ROOT" && npx tsc -b)
DB_DIR="$(mktemp -d)"
cat > "$DB_DIR/bench.yaml" <<YAML
upstream_url: http://127.0.0.1:18080
listen: { host: 127.0.0.1, port: 18083 }
storage: { profile: lite, path: $DB_DIR/bench.db }
logging: { level: warn, format: json }
${BENCH_CONFIG:-}
YAML
export PROXY_NAME=llmtrace
# What npm start and the Docker image set (MALLOC_TUNABLES in packages/core/src/runtime/malloc-trim.ts).
TUNABLES="${PROXY_GLIBC_TUNABLES-glibc.malloc.trim_threshold=131072}"
export PROXY_CMD="exec env ${TUNABLES:+GLIBC_TUNABLES=$TUNABLES} node ${PROXY_NODE_ARGS:-} $ROOT/packages/proxy/dist/cli.js proxy --config $DB_DIR/bench.yaml --upstream \$UPSTREAM_URL --port \$PROXY_PORT"
cd "$WORK"
# shellcheck disable=SC2086
bash run.sh ${TARGETS:-direct nginx portkey proxy}
latest=$(ls -td "$WORK"/results/*/ | head -n1)
echo "results: $latest"
[ -f "$latest/summary.md" ] && cat "$latest/summary.md"
rm -rf "$DB_DIR"
if [ "${FLOOR:-0}" = 1 ]; then
  export PROXY_NAME=node-passthrough
  export PROXY_CMD="exec node $ROOT/scripts/node-passthrough.mjs"
  bash run.sh direct proxy
  latest=$(ls -td "$WORK"/results/*/ | head -n1)
  echo "results (node pass-through): $latest"
  [ -f "$latest/summary.md" ] && cat "$latest/summary.md"
fi

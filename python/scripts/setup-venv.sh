#!/usr/bin/env bash
# Creates python/.venv with what the Python SDK's tests need (pytest, the real openai and anthropic
# packages) and installs the SDK into it in editable mode. Idempotent: a stamp file records the
# requirements the venv was built from, so a second run returns at once. Fails with a clear message
# when Python or a package cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "python/scripts/setup-venv.sh: $*" >&2; exit 1; }

PY="${PYTHON:-python3}"
command -v "$PY" >/dev/null 2>&1 || fail "no '$PY' on PATH (the Python SDK tests need Python >= 3.9; set PYTHON=...)"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' ||
  fail "$("$PY" --version 2>&1) is too old: the Python SDK needs Python >= 3.9"

want="$("$PY" --version 2>&1) $(cat requirements-test.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ -x .venv/bin/python ] && [ "$(cat .venv/.llmtrace-stamp 2>/dev/null)" = "$want" ]; then
  exit 0
fi

echo "== creating python/.venv ($("$PY" --version 2>&1))"
rm -rf .venv
"$PY" -m venv .venv || fail "python -m venv failed (on Debian: apt-get install python3-venv)"
# --retries 0: an index that cannot be reached fails fast instead of backing off for minutes;
# pip then uses the other configured indexes.
.venv/bin/pip install --disable-pip-version-check --retries 0 --timeout 30 -q -r requirements-test.txt ||
  fail "pip could not install requirements-test.txt (pytest, openai, anthropic, hatchling) from the configured package index"
.venv/bin/pip install --disable-pip-version-check --retries 0 -q --no-deps --no-build-isolation -e . ||
  fail "pip could not install the llmtrace package itself (pyproject.toml, hatchling backend)"
echo "$want" >.venv/.llmtrace-stamp
echo "== python/.venv ready: $(.venv/bin/python -c 'import openai, anthropic, pytest; print("openai", openai.__version__, "anthropic", anthropic.__version__, "pytest", pytest.__version__)')"

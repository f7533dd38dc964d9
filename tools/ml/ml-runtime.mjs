// The runtime of the optional transformer tier (security.ml) — onnxruntime-node and
// @huggingface/tokenizers — installed into tools/ml/node_modules, apart from the workspace, so that
// LLMTrace's own `npm install` never downloads onnxruntime-node (~290 MB unpacked). The tests and
// the ML benchmark point security.ml.runtime_dir here; `ensureMlRuntime()` installs the pinned
// versions from tools/ml/package-lock.json the first time, printing what it does.
// onnxruntime-node's postinstall only fetches CUDA libraries from outside the npm registry; it is
// skipped (tools/ml/.npmrc): the CPU binaries ship inside the npm tarball.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** This folder: what `security.ml.runtime_dir` names to use this install. */
export const ML_RUNTIME_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Installs the runtime into tools/ml when it is missing; throws with the reason when npm fails. */
export function ensureMlRuntime() {
  const ready = ['onnxruntime-node', '@huggingface/tokenizers'].every((name) =>
    existsSync(`${ML_RUNTIME_DIR}node_modules/${name}/package.json`),
  );
  if (ready) return;
  process.stdout.write(
    'llmtrace: installing the ML tier runtime for its tests (npm ci --prefix tools/ml, ~290 MB)\n',
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--prefix', ML_RUNTIME_DIR], {
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
}

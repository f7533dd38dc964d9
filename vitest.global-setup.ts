import { execFileSync } from 'node:child_process';

/** The CLI tests spawn the built CLI: make sure dist is current (tsc -b is incremental). */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b'], { stdio: 'inherit' });
}

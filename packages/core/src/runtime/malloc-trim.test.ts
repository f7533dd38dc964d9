import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MALLOC_TUNABLES, mallocTrimSetting } from './malloc-trim.js';

const REPO = resolve(import.meta.dirname, '../../../..');

describe('mallocTrimSetting', () => {
  it('finds the launchers’ setting, or an operator’s own, among other tunables', () => {
    expect(mallocTrimSetting({ GLIBC_TUNABLES: MALLOC_TUNABLES }, true)).toBe('set');
    expect(
      mallocTrimSetting(
        { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=65536' },
        true,
      ),
    ).toBe('set');
    expect(mallocTrimSetting({ MALLOC_TRIM_THRESHOLD_: '262144' }, true)).toBe('set');
  });

  it('reports a process without it, and one whose C library is not glibc', () => {
    expect(mallocTrimSetting({}, true)).toBe('unset');
    expect(mallocTrimSetting({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, true)).toBe('unset');
    // A prefix of a name is another name.
    expect(mallocTrimSetting({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold_x=1' }, true)).toBe(
      'unset',
    );
    expect(mallocTrimSetting({ GLIBC_TUNABLES: MALLOC_TUNABLES }, false)).toBe('not-glibc');
  });

  it('reads this process’s C library from what is mapped into it', () => {
    const glibc =
      process.platform === 'linux' &&
      (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header
        .glibcVersionRuntime !== undefined;
    expect(mallocTrimSetting({})).toBe(glibc ? 'unset' : 'not-glibc');
  });

  it('is what npm start, the Docker image and the benchmark scripts give the proxy', () => {
    const start = (
      JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as {
        scripts: { start: string };
      }
    ).scripts.start;
    expect(start).toContain(
      `GLIBC_TUNABLES=\${GLIBC_TUNABLES:-${MALLOC_TUNABLES}} node packages/proxy/dist/cli.js proxy`,
    );
    expect(readFileSync(resolve(REPO, 'Dockerfile'), 'utf8')).toContain(
      `ENV GLIBC_TUNABLES=${MALLOC_TUNABLES}\n`,
    );
    expect(readFileSync(resolve(REPO, 'scripts/bench-proxy.sh'), 'utf8')).toContain(
      `\${PROXY_GLIBC_TUNABLES-${MALLOC_TUNABLES}}`,
    );
  });
});

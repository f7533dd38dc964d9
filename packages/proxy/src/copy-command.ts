import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Config, Storage } from '@llmtrace/core';
import { createProgressBar } from '@llmtrace/security/eval';
import {
  copyStorage,
  createStorage,
  type CopyCheckpoint,
  type CopyPhase,
  type CopyReport,
} from '@llmtrace/storage';
import { formatIssues, loadConfig } from './config/load-config.js';

/** Options of `llmtrace copy`, as commander hands them over. */
export interface CopyCommandOptions {
  readonly from: string;
  readonly to: string;
  readonly batchSize: string;
  readonly state?: string;
  readonly restart?: boolean;
  /** The process environment (read by the CLI entry only). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** stderr, where progress and problems go (stdout carries only the report). */
const err = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * One side's configuration. `LLMTRACE_STORAGE*` variables are left out: they would apply to both
 * files alike and could turn `--from` and `--to` into the same store. Other variables still fill
 * `${VAR}` references (passwords in URLs).
 */
function loadSide(
  file: string,
  side: '--from' | '--to',
  processEnv: Readonly<Record<string, string | undefined>>,
): Config | null {
  const env = Object.fromEntries(
    Object.entries(processEnv).filter(([name]) => !name.startsWith('LLMTRACE_STORAGE')),
  );
  const result = loadConfig({ file, env });
  if (!result.ok) {
    err(
      `llmtrace copy: ${side} ${file} is not a valid configuration:\n${formatIssues(result.issues)}`,
    );
    return null;
  }
  return result.config;
}

/** A storage described without credentials. */
function describe(storage: Config['storage']): string {
  switch (storage.profile) {
    case 'memory':
      return 'memory';
    case 'lite':
      return `lite (${storage.path})`;
    case 'production':
      return `production (ClickHouse database ${storage.clickhouse_database}, PostgreSQL, Redis)`;
  }
}

function readCheckpoint(path: string): CopyCheckpoint | undefined {
  if (!existsSync(path)) return undefined;
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (
    typeof value !== 'object' ||
    value === null ||
    !('version' in value) ||
    value.version !== 1 ||
    !('phases' in value) ||
    typeof value.phases !== 'object' ||
    value.phases === null
  ) {
    throw new Error(`${path} is not an llmtrace copy progress file (use --restart to start over)`);
  }
  // Its shape beyond the version is ours: written by writeCheckpoint below.
  return value as CopyCheckpoint;
}

/** Written to a temporary file and renamed, so a crash never leaves half a progress file. */
function writeCheckpoint(path: string, checkpoint: CopyCheckpoint): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * The verification table. Traces have no "already there" column: storing a trace again overwrites
 * it with the same content, so every trace read counts as written.
 */
function formatReport(report: CopyReport): string {
  const lines = ['what       source  destination  copied  already there'];
  for (const count of report.counts) {
    const phase = count.what === 'spans' ? undefined : report.phases[count.what];
    lines.push(
      `${count.what.padEnd(9)} ${String(count.source).padStart(7)} ${String(count.destination).padStart(12)}` +
        `${phase === undefined ? '' : `  ${String(phase.written).padStart(6)}  ${(count.what === 'traces' ? '-' : String(phase.skipped)).padStart(13)}`}` +
        `${count.ok ? '' : '  MISSING'}`,
    );
  }
  return lines.join('\n');
}

/**
 * `llmtrace copy --from lite.yaml --to prod.yaml`: opens both stores (the source must be migrated
 * already and is only read; the destination is migrated), copies in batches with a progress bar
 * on a terminal, saves progress after every batch so that running the same command again resumes,
 * and verifies counts at the end. Returns the exit code: 0 when every count matches.
 */
export async function runCopy(options: CopyCommandOptions): Promise<number> {
  const batchSize = Number(options.batchSize);
  if (!Number.isSafeInteger(batchSize) || batchSize <= 0 || batchSize > 100_000) {
    err('llmtrace copy: --batch-size must be an integer from 1 to 100000');
    return 1;
  }
  const from = loadSide(options.from, '--from', options.env);
  const to = loadSide(options.to, '--to', options.env);
  if (from === null || to === null) return 1;
  const fromKey = JSON.stringify(from.storage);
  const toKey = JSON.stringify(to.storage);
  if (fromKey === toKey) {
    err(`llmtrace copy: --from and --to use the same storage (${describe(from.storage)})`);
    return 1;
  }
  if (from.storage.profile === 'memory') {
    err('llmtrace copy: the memory profile holds nothing between runs; nothing to copy from');
    return 1;
  }
  const statePath =
    options.state ??
    `llmtrace-copy-${createHash('sha256').update(`${fromKey}\n${toKey}`).digest('hex').slice(0, 12)}.json`;
  const checkpoint = options.restart === true ? undefined : readCheckpoint(statePath);
  if (checkpoint !== undefined) err(`resuming from ${statePath}`);

  let source: Storage | undefined;
  let destination: Storage | undefined;
  try {
    // The source is never written: a pending migration is reported, not applied.
    source = await createStorage(from.storage, { migrate: false });
    destination = await createStorage(to.storage, { migrate: true });
    err(`copying ${describe(from.storage)} -> ${describe(to.storage)}`);
    const bars = new Map<CopyPhase, (done: number, total?: number) => void>();
    // A phase reports its start and every batch; once complete, its line is final.
    const finished = new Set<CopyPhase>();
    const report = await copyStorage(source, destination, {
      batchSize,
      checkpoint,
      onCheckpoint: (state) => writeCheckpoint(statePath, state),
      onProgress: (phase, done, total) => {
        if (finished.has(phase)) return;
        if (done >= total) finished.add(phase);
        if (!process.stderr.isTTY) {
          if (done >= total) err(`${phase}: ${done} of ${total}`);
          return;
        }
        let bar = bars.get(phase);
        if (bar === undefined) {
          const label = phase.padEnd(9);
          bar = createProgressBar({
            write: (chunk) => process.stderr.write(chunk.replace('\r', `\r${label} `)),
          });
          bars.set(phase, bar);
        }
        bar(done, Math.max(total, done));
      },
    });
    process.stdout.write(`${formatReport(report)}\n`);
    if (!report.ok) {
      err(
        `llmtrace copy: the destination holds fewer records than the source (MISSING above); ` +
          `run the same command again to copy what was added meanwhile (progress: ${statePath})`,
      );
      return 1;
    }
    rmSync(statePath, { force: true });
    process.stdout.write('copy complete: every count verified\n');
    return 0;
  } catch (error) {
    err(`llmtrace copy: ${error instanceof Error ? error.message : String(error)}`);
    if (existsSync(statePath))
      err(`progress saved in ${statePath}: run the same command to resume`);
    return 1;
  } finally {
    await Promise.allSettled([source?.close(), destination?.close()]);
  }
}

import {
  LLMTraceError,
  type MetadataRecordKind,
  type Storage,
  type TraceCursor,
} from '@llmtrace/core';

/** What `llmtrace copy` moves, in the order it moves it (tenants before what belongs to them). */
export const COPY_PHASES = ['tenants', 'api_keys', 'audit', 'alerts', 'traces'] as const;
/** One of {@link COPY_PHASES}. */
export type CopyPhase = (typeof COPY_PHASES)[number];

/** Where a phase stands: the last record written (an id, or a trace's tenant and id). */
export interface PhaseCheckpoint {
  readonly after: string | TraceCursor | null;
  /** Records read from the source and written (or found present) so far. */
  readonly copied: number;
  readonly done: boolean;
}

/**
 * How far a copy got, saved after every batch, so a copy that stopped (Ctrl-C, a lost server)
 * resumes where it was. Every write is idempotent, so resuming from an older checkpoint, or
 * starting over, is also safe.
 */
export interface CopyCheckpoint {
  readonly version: 1;
  readonly phases: Readonly<Partial<Record<CopyPhase, PhaseCheckpoint>>>;
}

/** One count compared at the end: the destination must hold at least what the source holds. */
export interface CopyCount {
  readonly what: CopyPhase | 'spans';
  readonly source: number;
  readonly destination: number;
  readonly ok: boolean;
}

/** The outcome of {@link copyStorage}. */
export interface CopyReport {
  /** Per phase: records read, written, and skipped because the destination already had them. */
  readonly phases: Readonly<
    Record<CopyPhase, { readonly read: number; readonly written: number; readonly skipped: number }>
  >;
  readonly counts: readonly CopyCount[];
  /** True when every destination count is at least the source's. */
  readonly ok: boolean;
}

/** Options of {@link copyStorage}. */
export interface CopyOptions {
  /** Records (or traces) per read and per write (default 500). */
  readonly batchSize?: number;
  /** Where to resume (from {@link CopyOptions.onCheckpoint} of an earlier run). */
  readonly checkpoint?: CopyCheckpoint;
  /** Called after every batch with the phase, how many are done and the source's total. */
  readonly onProgress?: (phase: CopyPhase, copied: number, total: number) => void;
  /** Called (and awaited) after every batch with the state to resume from. */
  readonly onCheckpoint?: (checkpoint: CopyCheckpoint) => void | Promise<void>;
}

/** A fresh checkpoint: nothing copied yet. */
export const EMPTY_CHECKPOINT: CopyCheckpoint = Object.freeze({ version: 1, phases: {} });

function sourceTotal(storage: Storage, phase: CopyPhase): Promise<number> {
  return phase === 'traces'
    ? storage.traces.countAll().then((c) => c.traces)
    : storage.metadata.countRecords(phase);
}

/**
 * Copies everything one store holds into another — tenants, API keys (their hashes), audit log,
 * alert history, traces with their spans — streaming in keyset-ordered batches (issue 11 item 9:
 * moving from `lite` to `production` keeps the history). Each batch is read, written, then
 * checkpointed; writes skip or overwrite what is already there, so running it again, or resuming
 * from any checkpoint, never duplicates anything. At the end the counts of both stores are
 * compared and reported.
 *
 * Records added to the source while it runs may be missed (pages are keyset-ordered by id, not by
 * time): stop the proxy, or run the copy again, which picks them up and verifies again.
 *
 * @example
 * const report = await copyStorage(await createStorage(lite), await createStorage(production), {
 *   onProgress: (phase, done, total) => console.log(phase, done, total),
 * });
 */
export async function copyStorage(
  from: Storage,
  to: Storage,
  options: CopyOptions = {},
): Promise<CopyReport> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isSafeInteger(batchSize) || batchSize <= 0 || batchSize > 100_000) {
    throw new LLMTraceError(
      'CONFIG_INVALID',
      `batch size must be an integer from 1 to 100000, got ${batchSize}`,
      { details: { field: 'batchSize' } },
    );
  }
  const start = options.checkpoint ?? EMPTY_CHECKPOINT;
  if (start.version !== 1) {
    throw new LLMTraceError('CONFIG_INVALID', 'unknown copy checkpoint version', {
      details: { version: start.version },
    });
  }
  const phases: Partial<Record<CopyPhase, PhaseCheckpoint>> = { ...start.phases };
  const empty = () => ({ read: 0, written: 0, skipped: 0 });
  const tally = {
    tenants: empty(),
    api_keys: empty(),
    audit: empty(),
    alerts: empty(),
    traces: empty(),
  };

  const save = async (phase: CopyPhase, state: PhaseCheckpoint, total: number) => {
    phases[phase] = state;
    await options.onCheckpoint?.({ version: 1, phases: { ...phases } });
    options.onProgress?.(phase, state.copied, total);
  };

  for (const phase of COPY_PHASES) {
    let state = phases[phase] ?? { after: null, copied: 0, done: false };
    const total = await sourceTotal(from, phase);
    options.onProgress?.(phase, state.copied, total);
    while (!state.done) {
      if (phase === 'traces') {
        const after = state.after;
        if (typeof after === 'string') {
          throw new LLMTraceError('CONFIG_INVALID', 'copy checkpoint has a bad traces cursor');
        }
        const page = await from.traces.exportTraces(after, batchSize);
        if (page.length > 0) await to.traces.storeTraces(page);
        const last = page.at(-1);
        tally.traces.read += page.length;
        tally.traces.written += page.length;
        state = {
          after: last === undefined ? after : { tenantId: last.tenantId, traceId: last.traceId },
          copied: state.copied + page.length,
          done: page.length < batchSize,
        };
      } else {
        const kind: MetadataRecordKind = phase;
        const after = state.after;
        if (after !== null && typeof after !== 'string') {
          throw new LLMTraceError('CONFIG_INVALID', `copy checkpoint has a bad ${phase} cursor`);
        }
        const page = await from.metadata.exportRecords(kind, after, batchSize);
        const result =
          page.records.length > 0
            ? await to.metadata.importRecords(page)
            : { written: 0, skipped: 0 };
        tally[phase].read += page.records.length;
        tally[phase].written += result.written;
        tally[phase].skipped += result.skipped;
        state = {
          after: page.records.at(-1)?.id ?? after,
          copied: state.copied + page.records.length,
          done: page.records.length < batchSize,
        };
      }
      await save(phase, state, total);
    }
  }

  const counts: CopyCount[] = [];
  const compare = (what: CopyCount['what'], source: number, destination: number): void => {
    counts.push({ what, source, destination, ok: destination >= source });
  };
  for (const kind of ['tenants', 'api_keys', 'audit', 'alerts'] as const) {
    const [source, destination] = await Promise.all([
      from.metadata.countRecords(kind),
      to.metadata.countRecords(kind),
    ]);
    compare(kind, source, destination);
  }
  const [source, destination] = await Promise.all([from.traces.countAll(), to.traces.countAll()]);
  compare('traces', source.traces, destination.traces);
  compare('spans', source.spans, destination.spans);
  return { phases: tally, counts, ok: counts.every((c) => c.ok) };
}

// The package root: what the proxy imports (`grep -rn "@llmtrace/storage" packages scripts`).
// Backends are behind subpaths (`./sqlite`, `./postgres`, `./redis`, `./clickhouse`,
// `./production`), so `lite` never loads the ClickHouse, PostgreSQL or Redis drivers (STYLE rule 2).
export { createStorage } from './create-storage.js';
export type { StorageProfile, CreateStorageOptions } from './storage-profile.js';
export { migrate } from './migrate.js';
export type { MigrationResult } from './migrator.js';
export { copyStorage, COPY_PHASES, EMPTY_CHECKPOINT } from './copy/copy-storage.js';
export type {
  CopyCheckpoint,
  CopyCount,
  CopyOptions,
  CopyPhase,
  CopyReport,
  PhaseCheckpoint,
} from './copy/copy-storage.js';

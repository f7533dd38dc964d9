// The package root: exactly what other packages import (`grep -rn "@llmtrace/storage" packages
// scripts`). Backends are behind subpaths (`./sqlite`, `./postgres`, `./redis`, `./clickhouse`,
// `./production`), and `createStorage` loads the production drivers only for that profile, so
// `lite` never loads the ClickHouse, PostgreSQL or Redis drivers (STYLE rule 2).
export { createStorage } from './create-storage.js';
export { migrate } from './migrate.js';
export { copyStorage } from './copy/copy-storage.js';
export type { CopyCheckpoint, CopyPhase, CopyReport } from './copy/copy-storage.js';

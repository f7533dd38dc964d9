export { SqliteConnection } from './sqlite-connection.js';
export type { SqliteOpenOptions } from './sqlite-connection.js';
export { SqliteTraceRepository } from './sqlite-trace-repository.js';
export { SQLITE_MIGRATIONS } from './sqlite-migrations.js';

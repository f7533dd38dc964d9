/** Options of chdb's connection adapter (chdb 3.4 `createChdbConnection`). */
export interface ChdbConnectionOptions {
  /** `:memory:` or a folder for the engine's data. */
  readonly path: string;
}
export declare function ensureChdb(): void;
/** Returns a connection for `createClient({ connection })` of `@clickhouse/client`. */
export declare function loadCreateChdbConnection(): (options: ChdbConnectionOptions) => unknown;

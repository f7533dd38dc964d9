/**
 * The structural surface the Redis cache needs from a client (STYLE rule 3): send one command and
 * get its reply, and close. {@link RedisCacheLayer.connect} adapts an `ioredis` client to it; tests
 * can wrap it to count round trips.
 */
export interface RedisCommandsLike {
  /** Sends one command (e.g. `GET`, `EVALSHA`) and resolves with Redis's raw reply. */
  send(command: string, args: readonly (string | number)[]): Promise<unknown>;
  /** Closes the connection after pending replies arrive. */
  close(): Promise<void>;
}

/**
 * Milliseconds since the epoch. Repositories and caches take one so tests can move time instead of
 * sleeping (TTL expiry, ordering by creation time).
 */
export type Clock = () => number;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();

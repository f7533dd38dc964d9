import { createHash, randomBytes } from 'node:crypto';
import type { CacheLayer, TenantId } from '@llmtrace/core';
import { z } from 'zod';

/** A dashboard session lasts this long from sign-in (absolute, not sliding): a lost laptop ages out. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

/**
 * What a session remembers about the key it was opened with. Never the key itself: a tenant key is
 * kept as its SHA-256 (the form the metadata store already holds), so every request can check that
 * the key is still live; the admin key as the SHA-256 of the configured admin key, so a session
 * opened with an old admin key stops when the configuration changes it.
 */
const SessionRecord = z.object({
  kind: z.enum(['admin_key', 'tenant_key']),
  keyHash: z.string(),
  tenantId: z.string().nullable(),
  csrfToken: z.string(),
  expiresAt: z.string(),
});
/** A stored session. */
export type SessionRecord = z.infer<typeof SessionRecord>;

/** A newly opened session: the cookie value goes to the browser, never into storage. */
export interface OpenedSession {
  readonly token: string;
  readonly record: SessionRecord;
}

const PREFIX = 'llmtrace:session:';

/** The cache key of a session token: its hash, so a dump of the cache holds no usable cookie. */
function cacheKey(token: string): string {
  return PREFIX + createHash('sha256').update(token).digest('hex');
}

/**
 * Server-side dashboard sessions in the {@link CacheLayer}, so they are shared by every proxy replica
 * in production (Redis) and live in-process in `lite`. Expiry is the cache TTL plus an explicit
 * `expiresAt` check, so a backend that keeps keys a little longer never extends a session.
 */
export class SessionStore {
  readonly #cache: CacheLayer;
  readonly #ttlSeconds: number;

  constructor(cache: CacheLayer, ttlSeconds = SESSION_TTL_SECONDS) {
    this.#cache = cache;
    this.#ttlSeconds = ttlSeconds;
  }

  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  async open(owner: {
    readonly kind: SessionRecord['kind'];
    readonly keyHash: string;
    readonly tenantId: TenantId | null;
  }): Promise<OpenedSession> {
    const token = randomBytes(32).toString('base64url');
    const record: SessionRecord = {
      ...owner,
      csrfToken: randomBytes(24).toString('base64url'),
      expiresAt: new Date(Date.now() + this.#ttlSeconds * 1000).toISOString(),
    };
    await this.#cache.set(cacheKey(token), JSON.stringify(record), this.#ttlSeconds);
    return { token, record };
  }

  /** The live session of a cookie value, or null when unknown, expired or unreadable. */
  async get(token: string): Promise<SessionRecord | null> {
    const raw = await this.#cache.get(cacheKey(token));
    if (raw === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // A corrupt entry is no session; the sign-in form opens a fresh one.
      return null;
    }
    const result = SessionRecord.safeParse(parsed);
    if (!result.success || Date.parse(result.data.expiresAt) <= Date.now()) return null;
    return result.data;
  }

  async close(token: string): Promise<void> {
    await this.#cache.invalidate(cacheKey(token));
  }
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  isErrorCode,
  type MetadataRepository,
  type StoredCanary,
  type TenantConfig,
  type TenantId,
} from '@llmtrace/core';
import { CanaryMatcher } from '@llmtrace/security';
import type { Logger } from 'pino';

/** The global `security.canary` settings; a tenant's `config.canary` overrides each one. */
export interface CanarySettings {
  readonly enabled: boolean;
  readonly inject: boolean;
}

/** How long a tenant's canaries are served from memory before they are reloaded in the background. */
const REFRESH_MS = 5_000;

interface Entry {
  readonly matcher: CanaryMatcher | undefined;
  /** The value injected into system prompts (the tenant's oldest canary), when there is one. */
  readonly injectValue: string | undefined;
  readonly loadedAt: number;
}

/**
 * The canary tokens of each tenant, compiled into a {@link CanaryMatcher} once per change, for the
 * relay (stream cut-off in block mode) and capture (findings). Lookups on the request path are
 * synchronous and cost one map read; a tenant without canaries gets `undefined`, so relay skips
 * scanning entirely. The API calls `refresh` after a change so it applies at once.
 */
export class CanaryRegistry {
  readonly #meta: MetadataRepository;
  readonly #logger: Logger;
  readonly #defaults: CanarySettings;
  readonly #tenantConfig: (tenantId: TenantId) => TenantConfig | null | undefined;
  readonly #entries = new Map<TenantId, Entry>();
  readonly #loading = new Map<TenantId, Promise<Entry>>();

  constructor(options: {
    readonly metadata: MetadataRepository;
    readonly logger: Logger;
    readonly defaults: CanarySettings;
    readonly tenantConfig: (tenantId: TenantId) => TenantConfig | null | undefined;
  }) {
    this.#meta = options.metadata;
    this.#logger = options.logger;
    this.#defaults = options.defaults;
    this.#tenantConfig = options.tenantConfig;
  }

  /** The tenant's effective settings: its own `config.canary` over the global ones. */
  settingsFor(tenantId: TenantId): CanarySettings {
    const own = this.#tenantConfig(tenantId)?.canary;
    return {
      enabled: own?.enabled ?? this.#defaults.enabled,
      inject: own?.inject ?? this.#defaults.inject,
    };
  }

  /** The tenant's matcher from memory (undefined: detection off, no canaries, or not loaded yet). */
  matcherFor(tenantId: TenantId): CanaryMatcher | undefined {
    if (!(this.#tenantConfig(tenantId)?.canary?.enabled ?? this.#defaults.enabled))
      return undefined;
    const entry = this.#entries.get(tenantId);
    if (entry === undefined || Date.now() - entry.loadedAt > REFRESH_MS) {
      void this.refresh(tenantId);
    }
    return entry?.matcher;
  }

  /**
   * The canary to inject into this tenant's system prompts when injection is on: its oldest one,
   * created (label `injected`) on first use when it has none. Undefined until loaded.
   */
  injectValueFor(tenantId: TenantId): string | undefined {
    // Per request, so no allocation: the tenant's own settings over the global ones, inline.
    const own = this.#tenantConfig(tenantId)?.canary;
    if (!(own?.inject ?? this.#defaults.inject) || !(own?.enabled ?? this.#defaults.enabled)) {
      return undefined;
    }
    const entry = this.#entries.get(tenantId);
    if (entry === undefined || Date.now() - entry.loadedAt > REFRESH_MS) {
      void this.refresh(tenantId);
    }
    return entry?.injectValue;
  }

  /** The tenant's matcher, loading it when it is not in memory (capture, off the request path). */
  async load(tenantId: TenantId): Promise<CanaryMatcher | undefined> {
    if (!this.settingsFor(tenantId).enabled) return undefined;
    const entry = this.#entries.get(tenantId);
    if (entry !== undefined && Date.now() - entry.loadedAt <= REFRESH_MS) return entry.matcher;
    return (await this.refresh(tenantId)).matcher;
  }

  /** The tenant's canaries; with injection on and none registered, one is made for it. */
  async #list(tenantId: TenantId): Promise<StoredCanary[]> {
    const canaries = await this.#meta.listCanaries(tenantId);
    if (canaries.length > 0 || !this.settingsFor(tenantId).inject) return canaries;
    const value = `llmt-canary-${randomBytes(12).toString('hex')}`;
    try {
      const made = await this.#meta.createCanary({
        id: randomUUID(),
        tenantId,
        label: 'injected',
        value,
        valueHash: createHash('sha256').update(value).digest('hex'),
      });
      await this.#meta.recordAudit({
        tenantId,
        actor: 'system',
        action: 'canary.create',
        resourceType: 'canary',
        resourceId: made.id,
        details: { label: made.label, prefix: made.prefix, reason: 'security.canary.inject' },
      });
    } catch (error) {
      // A random value does not collide; should it, the canaries stored now are used as they are.
      if (!isErrorCode(error, 'STORAGE_CONFLICT')) throw error;
    }
    return this.#meta.listCanaries(tenantId);
  }

  /** Reloads a tenant's canaries from storage. Never rejects: a failure keeps the previous set. */
  refresh(tenantId: TenantId): Promise<Entry> {
    let loading = this.#loading.get(tenantId);
    if (loading === undefined) {
      loading = this.#list(tenantId)
        .then((canaries): Entry => {
          const entry: Entry = {
            matcher: canaries.length === 0 ? undefined : new CanaryMatcher(canaries),
            injectValue: canaries[0]?.value,
            loadedAt: Date.now(),
          };
          this.#entries.set(tenantId, entry);
          return entry;
        })
        .catch((error: unknown): Entry => {
          this.#logger.warn({ err: error, tenantId }, 'could not load canaries');
          const previous = this.#entries.get(tenantId);
          return previous ?? { matcher: undefined, injectValue: undefined, loadedAt: 0 };
        })
        .finally(() => this.#loading.delete(tenantId));
      this.#loading.set(tenantId, loading);
    }
    return loading;
  }
}

import type { HealthStatus } from '@llmtrace/core';

/**
 * Runs a backend's cheapest round trip and reports it as a {@link HealthStatus}: never throws, the
 * error message (never a credential: callers' messages are redacted) goes into `error`.
 *
 * @example
 * health() { return probeHealth(() => this.#executor.query('SELECT 1')); }
 */
export async function probeHealth(probe: () => unknown): Promise<HealthStatus> {
  const started = performance.now();
  try {
    await probe();
    return { ok: true, latencyMs: performance.now() - started };
  } catch (error) {
    return {
      ok: false,
      latencyMs: performance.now() - started,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

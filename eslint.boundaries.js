// @ts-check
/**
 * Import boundaries of the proxy's request path (docs/architecture.md): each folder of
 * packages/proxy/src sits in one layer and may import only its own layer's allowed folders and the
 * layers below. Expressed as `no-restricted-imports` patterns per folder, errors like every rule.
 */

const ROOT = 'packages/proxy/src';

/** Leaves: wire formats, HTTP helpers, the upstream pool. They import no other layer. */
const LEAVES = ['http', 'providers', 'stream', 'tokens', 'upstream', 'ui'];
/** Services the stages use: who a caller is, tenants, budgets, analysis, alerts, local answers, metrics and export. */
const SERVICES = ['auth', 'tenant', 'budgets', 'security', 'alerts', 'reserved', 'telemetry'];
/** The stages, in the order a request meets them. None imports another. */
export const STAGES = ['admit', 'forward', 'relay', 'capture', 'settle'];
/** Composition and the top: the one file that orders the stages, the REST API, the wiring. */
const TOP = ['request-path', 'api', 'server'];

/** Folder → folders it must not import. */
export const FORBIDDEN = Object.freeze({
  ...Object.fromEntries(LEAVES.map((leaf) => [leaf, [...SERVICES, 'exchange', ...STAGES, ...TOP]])),
  ...Object.fromEntries(SERVICES.map((s) => [s, ['exchange', ...STAGES, ...TOP]])),
  exchange: [...STAGES, ...TOP],
  ...Object.fromEntries(
    STAGES.map((stage) => [stage, [...STAGES.filter((s) => s !== stage), ...TOP]]),
  ),
  'request-path': ['api', 'server'],
  // The REST API shares services (auth, budgets, tenant) with admit, never the stages themselves.
  api: ['exchange', ...STAGES, 'request-path', 'server'],
});

/**
 * Flat-config objects adding the boundary patterns to `basePatterns` (a later config replaces a
 * rule's options rather than merging them, so each carries the repository-wide patterns too).
 *
 * @param {Array<Record<string, unknown>>} basePatterns
 * @returns {import('eslint').Linter.Config[]}
 */
export function proxyBoundaries(basePatterns) {
  return Object.entries(FORBIDDEN).map(([folder, forbidden]) => ({
    files: [`${ROOT}/${folder}/**/*.ts`],
    // Tests may reach across layers to set a scene.
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...basePatterns,
            {
              regex: `^(\\.\\./)+(${forbidden.join('|')})/`,
              message: `${folder}/ may not import ${forbidden.join(', ')}: see the allowed import directions in docs/architecture.md.`,
            },
          ],
        },
      ],
    },
  }));
}

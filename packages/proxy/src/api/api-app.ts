import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { LLMTraceError, toLLMTraceError, type Storage, type TenantId } from '@llmtrace/core';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { BudgetGuard } from '../budgets/budget-guard.js';
import type { Authenticator } from './authenticator.js';
import { buildOpenApi, DOCS_CSP, DOCS_PAGE } from './openapi.js';
import { roleAtLeast, type Principal, type Role } from './principal.js';
import { registerRoutes, type AnyRoute } from './route.js';
import { alertRoutes } from './routes/alert-routes.js';
import { canaryRoutes } from './routes/canary-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { costRoutes } from './routes/cost-routes.js';
import { keyRoutes } from './routes/key-routes.js';
import { tenantRoutes } from './routes/tenant-routes.js';
import { traceRoutes } from './routes/trace-routes.js';
import { actionRoutes } from './routes/action-routes.js';
import { defaultActionAnalyzer, type ActionAnalyzer } from '../security/span-actions.js';

/** Options of {@link createApiApp}. */
export interface ApiAppOptions {
  readonly storage: Storage;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  readonly version: string;
  /** Builds the HTTP server fastify runs on; the proxy path is dispatched there, outside fastify. */
  readonly serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => Server;
  /** Health document for `GET /health`. */
  readonly health: () => Promise<{ ok: boolean; body: unknown }>;
  /** Called when a tenant's keys or settings change, so caches on the proxy path drop them. */
  readonly tenantChanged: (tenantId: TenantId) => Promise<void>;
  /** Budget counters for `GET /api/v1/costs/current` (absent when no tenant has caps). */
  readonly budgets?: BudgetGuard | undefined;
  /** `security.redact_pii`, for the compliance report's redaction status. */
  readonly redactPii?: boolean | undefined;
  /** The global `retention_days`, for the compliance report's retention in force. */
  readonly defaultRetentionDays?: number | undefined;
  /** Classifies and analyses reported agent actions (default: the built-in rules). */
  readonly actions?: ActionAnalyzer | undefined;
  /** Extra routes. */
  readonly extraRoutes?: readonly AnyRoute[];
  /** Resolves the caller (default: the key in the headers); the dashboard adds session cookies. */
  readonly authenticate?: (request: FastifyRequest) => Promise<Principal>;
}

const GENERIC_5XX =
  'the request could not be completed; the server log has the details for this request_id';

function authorize(principal: Principal, role: Role | 'admin_key'): void {
  switch (principal.kind) {
    case 'anonymous':
    case 'admin_key':
      return;
    case 'tenant_key':
      if (role === 'admin_key')
        throw new LLMTraceError('FORBIDDEN', 'this operation needs the admin key');
      if (!roleAtLeast(principal.role, role)) {
        throw new LLMTraceError(
          'FORBIDDEN',
          `this key's role (${principal.role}) cannot do this; it needs ${role}`,
        );
      }
  }
}

/**
 * Fastify's JSON-schema compilers, replaced by one that refuses. Routes validate and shape their
 * answers with zod (route.ts) and never give fastify a `schema`, so fastify's default compilers
 * (ajv, fast-json-stringify: ~1 MB of source, ~2.5 MB of heap) were loaded for nothing; with these
 * they are never loaded (issue 13, twelfth pass). A route given a fastify `schema` fails when it is
 * registered, with this message, instead of being validated two ways.
 */
function refuseJsonSchemas(): () => never {
  return () => {
    throw new Error(
      'API routes validate with zod (api/route.ts); fastify JSON schemas are not used',
    );
  };
}

/**
 * The REST API on fastify: every route validated by its zod schemas, one error handler that writes
 * `{ error: { code, message, request_id } }` and never echoes internals on a 5xx, and an OpenAPI
 * document generated from the same schemas.
 */
export async function createApiApp(options: ApiAppOptions): Promise<FastifyInstance> {
  const { storage, authenticator, logger } = options;
  const app = Fastify({
    serverFactory: options.serverFactory,
    logger: false,
    bodyLimit: 1024 * 1024,
    genReqId: () => randomUUID(),
    return503OnClosing: false,
    schemaController: {
      compilersFactory: { buildValidator: refuseJsonSchemas, buildSerializer: refuseJsonSchemas },
    },
  });

  // Clients often send `content-type: application/json` with no body on GET/DELETE: treat an empty
  // body as none instead of a parse error.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(new LLMTraceError('BAD_REQUEST', 'the request body is not valid JSON'), undefined);
    }
  });

  // Every API, docs and health answer: never sniffed into another type, never framed, never cached
  // (issue 14 item 12) — they carry tenant data and keys. The docs page brings its own CSP.
  app.addHook('onSend', (_request, reply, payload, done) => {
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('cache-control', 'no-store');
    void reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('content-security-policy'))
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    done(null, payload);
  });

  app.setErrorHandler((thrown, request, reply) => {
    // Fastify's own client errors (bad JSON body, wrong content type) carry a 4xx statusCode.
    const status = (thrown as { statusCode?: unknown }).statusCode;
    const error =
      typeof status === 'number' &&
      status >= 400 &&
      status < 500 &&
      !(thrown instanceof LLMTraceError)
        ? new LLMTraceError(
            status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
            (thrown as Error).message,
          )
        : toLLMTraceError(thrown);
    if (error.status >= 500)
      logger.error({ err: thrown, reqId: request.id, url: request.url }, 'API error');
    else logger.info({ code: error.code, reqId: request.id, url: request.url }, error.message);
    // A 5xx never echoes internals (driver messages carry hosts, SQL, paths): the code says what
    // failed; the log keeps the detail under the same request id.
    const message = error.status >= 500 ? GENERIC_5XX : error.message;
    void reply
      .code(error.status)
      .header('content-type', 'application/json; charset=utf-8')
      .send({
        error: { code: error.code, message, request_id: request.id, ...(error.details ?? {}) },
      });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
        request_id: request.id,
      },
    });
  });

  const routes: AnyRoute[] = [
    ...traceRoutes(storage),
    ...actionRoutes(storage, options.actions ?? defaultActionAnalyzer()),
    ...tenantRoutes(storage, options.tenantChanged),
    ...keyRoutes(storage, options.tenantChanged),
    ...alertRoutes(storage),
    ...canaryRoutes(storage, options.tenantChanged),
    ...reportRoutes(storage, {
      redactPii: options.redactPii ?? false,
      defaultRetentionDays: options.defaultRetentionDays ?? 0,
    }),
    ...costRoutes(storage, options.budgets),
    ...(options.extraRoutes ?? []),
  ];
  registerRoutes(
    app,
    routes,
    options.authenticate ?? ((request) => authenticator.resolveRequest(request.headers)),
    authorize,
  );

  const openapi = buildOpenApi(routes, options.version);
  app.get('/api/v1/openapi.json', (_request, reply) => reply.send(openapi));
  app.get('/api/v1/docs', (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', DOCS_CSP)
      .send(DOCS_PAGE),
  );
  app.get('/health', async (_request, reply) => {
    const { ok, body } = await options.health();
    return reply.code(ok ? 200 : 503).send(body);
  });
  await app.ready();
  return app;
}

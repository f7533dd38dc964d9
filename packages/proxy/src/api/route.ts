import { LLMTraceError } from '@llmtrace/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Principal, Role } from './principal.js';

/** What a route handler receives: validated input and the caller. */
export interface RouteContext<Q, B, P> {
  readonly query: Q;
  readonly body: B;
  readonly params: P;
  readonly principal: Principal;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/** One REST route: schemas for input and output, the role it needs, and a handler. */
export interface RouteDefinition<
  Q extends z.ZodType,
  B extends z.ZodType,
  P extends z.ZodType,
  R extends z.ZodType,
> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify path syntax (`/api/v1/traces/:id`). */
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  /** Least role needed; `admin_key` means the global admin key only. */
  readonly role: Role | 'admin_key';
  readonly query?: Q;
  readonly body?: B;
  readonly params?: P;
  readonly response: R;
  /** Status of a successful response (default 200). */
  readonly status?: number;
  handler(ctx: RouteContext<z.infer<Q>, z.infer<B>, z.infer<P>>): Promise<z.input<R>>;
}

/**
 * Any route, for the registry. Each route is fully typed where it is defined; `handler` is declared
 * as a method, so a specific route is assignable here (method parameters are bivariant).
 */
export type AnyRoute = RouteDefinition<z.ZodType, z.ZodType, z.ZodType, z.ZodType>;

/** Identity helper that infers the handler's types from the schemas. */
export function defineRoute<
  Q extends z.ZodType = z.ZodObject,
  B extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodObject,
  R extends z.ZodType = z.ZodType,
>(route: RouteDefinition<Q, B, P, R>): RouteDefinition<Q, B, P, R> {
  return route;
}

function parseOrThrow<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: string,
): z.infer<T> | undefined {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const field = first === undefined || first.path.length === 0 ? where : first.path.join('.');
  throw new LLMTraceError(
    'VALIDATION_FAILED',
    `${where} ${field}: ${first?.message ?? 'invalid'}`,
    {
      details: {
        field,
        issues: result.error.issues.map((i) => ({ field: i.path.join('.'), reason: i.message })),
      },
    },
  );
}

/**
 * Registers routes on fastify: validates query/params/body with zod (400 with the field and the
 * reason), checks the caller's role, runs the handler and serialises its value.
 */
export function registerRoutes(
  app: FastifyInstance,
  routes: readonly AnyRoute[],
  authenticate: (request: FastifyRequest) => Promise<Principal>,
  authorize: (principal: Principal, role: Role | 'admin_key') => void,
): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const principal = await authenticate(request);
        authorize(principal, route.role);
        const ctx = {
          query: parseOrThrow(route.query, request.query, 'query'),
          params: parseOrThrow(route.params, request.params, 'path'),
          body: parseOrThrow(route.body, request.body, 'body'),
          principal,
          request,
          reply,
        };
        const result: unknown = await route.handler(ctx);
        reply.code(route.status ?? 200);
        return result;
      },
    });
  }
}

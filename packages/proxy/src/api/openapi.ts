import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AnyRoute } from './route.js';
import { ErrorBody, WIRE } from './schemas.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    unrepresentable: 'any',
    io,
    // Property names as they go over the wire (snake_case), from the same mapping as the bodies.
    override: (ctx) => WIRE.jsonSchemaOverride(ctx),
  }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, location: 'query' | 'path'): JsonSchema[] {
  if (schema === undefined) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
    ...(typeof property['description'] === 'string'
      ? { description: property['description'] }
      : {}),
  }));
}

const ERROR_RESPONSE = {
  description: 'Error',
  content: { 'application/json': { schema: jsonSchema(ErrorBody, 'output') } },
};

/**
 * The OpenAPI 3.1 document of the REST API, generated from the same zod schemas that validate
 * requests, so the two cannot drift apart.
 */
export function buildOpenApi(routes: readonly AnyRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method.toLowerCase()}${path.replace(/[^A-Za-z]+(.)?/g, (_m, c?: string) => (c ?? '').toUpperCase())}`,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses: {
        [String(route.status ?? 200)]: {
          description: 'OK',
          content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
        },
        ...Object.fromEntries(
          Object.entries(route.otherStatuses ?? {}).map(([status, description]) => [
            status,
            {
              description,
              content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
            },
          ]),
        ),
        '400': ERROR_RESPONSE,
        '401': ERROR_RESPONSE,
        '403': ERROR_RESPONSE,
        '404': ERROR_RESPONSE,
      },
      ...(route.role === 'admin_key'
        ? { description: 'Needs the admin key.' }
        : { description: `Needs a key with role ${route.role} or more.` }),
    };
    if (route.body !== undefined) {
      operation['requestBody'] = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
      };
    }
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'LLMTrace API',
      version,
      description:
        'Traces, spans, stats, security findings, tenants, keys, audit, alerts and costs of an LLMTrace proxy. ' +
        'Every JSON key is snake_case (free-form maps such as `tags`, `metadata` and `details` keep their keys). ' +
        'Lists are `{ items, total, limit, offset }`; errors are `{ "error": { "code", "message", "request_id" } }`; ' +
        'severities are lower-case (`critical`, `high`, `medium`, `low`, `info`); `*_usd` amounts are rounded to 1e-9 USD. ' +
        'Authenticate with `Authorization: Bearer <key>` or `X-LLMTrace-Key` when auth is enabled; with auth off, ' +
        '`X-LLMTrace-Tenant-ID` or a provider bearer key narrows reads to that tenant, and without either reads span every tenant.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        llmtraceKey: { type: 'apiKey', in: 'header', name: 'X-LLMTrace-Key' },
      },
    },
    security: [{ bearer: [] }, { llmtraceKey: [] }],
    paths,
  };
}

const DOCS_STYLE = `
body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1d2330}
h1{font-size:1.6rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
.op{border:1px solid #e3e6ec;border-radius:6px;margin:.6rem 0;padding:.5rem .8rem}
.m{display:inline-block;min-width:4.2rem;font-weight:700;font-family:monospace}
.GET{color:#0a7}.POST{color:#36c}.PUT{color:#b70}.DELETE{color:#c33}
code{background:#f3f4f7;padding:0 .25rem;border-radius:3px}table{border-collapse:collapse;margin:.3rem 0}
td{padding:.1rem .6rem .1rem 0;vertical-align:top}.muted{color:#667}
`;

const DOCS_SCRIPT = `
fetch('/api/v1/openapi.json').then(r=>r.json()).then(doc=>{
  const esc=s=>String(s).replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  const byTag={};
  for(const [path,ops] of Object.entries(doc.paths))for(const [m,op] of Object.entries(ops))(byTag[op.tags[0]]??=[]).push({path,m:m.toUpperCase(),op});
  let html='';
  for(const [tag,ops] of Object.entries(byTag)){
    html+='<h2>'+esc(tag)+'</h2>';
    for(const {path,m,op} of ops){
      const params=(op.parameters||[]).map(p=>'<tr><td><code>'+esc(p.name)+'</code></td><td class="muted">'+esc(p.in)+(p.required?', required':'')+'</td><td>'+esc(p.schema.type||'')+'</td></tr>').join('');
      html+='<div class="op" data-op="'+esc(m+' '+path)+'"><span class="m '+m+'">'+m+'</span><code>'+esc(path)+'</code> — '+esc(op.summary)+'<div class="muted">'+esc(op.description||'')+'</div>'+(params?'<table>'+params+'</table>':'')+'</div>';
    }
  }
  document.getElementById('ops').innerHTML=html;
}).catch(e=>{document.getElementById('ops').textContent='Could not load the API description: '+e});
`;

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The docs page's Content-Security-Policy: only its own inline style and script (by hash), fetches
 * to this origin, no framing.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  `style-src ${sha256(DOCS_STYLE)}`,
  `script-src ${sha256(DOCS_SCRIPT)}`,
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A self-contained page that renders the OpenAPI document (no CDN: works offline). */
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LLMTrace API</title>
<style>${DOCS_STYLE}</style></head><body>
<h1>LLMTrace API</h1><p class="muted">Generated from <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
<div id="ops">Loading…</div>
<script>${DOCS_SCRIPT}</script></body></html>`;

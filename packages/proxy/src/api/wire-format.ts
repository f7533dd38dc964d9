import { z } from 'zod';

/** Wire names that differ from the snake_case rule, per object schema (`{ model: 'model_name' }`). */
export type WireRenames = ReadonlyMap<z.core.$ZodType, Readonly<Record<string, string>>>;

/** A field the wire format does not know, found while reading a request body. */
export interface WireIssue {
  /** Dotted wire path of the field, e.g. `config.rateLimitRpm`. */
  readonly field: string;
  readonly reason: string;
}

/**
 * camelCase → snake_case (`timeToFirstTokenMs` → `time_to_first_token_ms`, `p50` → `p50`); names
 * already in snake_case are unchanged.
 *
 * @example
 * snakeCase('estimatedCostUsd'); // 'estimated_cost_usd'
 */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Money is rounded to a billionth of a dollar at the edge: float sums print as `0.000195`. */
function roundUsd(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One field of an object schema, prepared once: its key, wire name, schema, and whether it is money. */
interface Field {
  readonly key: string;
  readonly name: string;
  readonly schema: z.core.$ZodType;
  readonly money: boolean;
}

interface KeyMap {
  readonly fields: readonly Field[];
  readonly toWire: ReadonlyMap<string, string>;
  readonly fromWire: ReadonlyMap<string, string>;
  /** Unknown keys are refused (`.strict()`), dropped (default) or kept (`.loose()`). */
  readonly unknown: 'refuse' | 'drop' | 'keep';
}

// Zod's own definitions, read structurally: the walk needs only these fields of each kind.
type Def = z.core.$ZodTypeDef & {
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly catchall?: z.core.$ZodType;
  readonly innerType?: z.core.$ZodType;
  readonly element?: z.core.$ZodType;
  readonly valueType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly getter?: () => z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
};

const def = (schema: z.core.$ZodType): Def => schema._zod.def;

/** Wrappers whose value is the inner schema's value (or null/undefined). */
const WRAPPERS: ReadonlySet<string> = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'catch',
  'readonly',
  'nonoptional',
]);

/**
 * The public API's JSON convention, derived from the zod schemas: every object key is the
 * snake_case of the schema's camelCase key (or the rename registered for that object schema), in
 * responses, request bodies, validation paths and the OpenAPI document alike — one mapping, so the
 * four cannot disagree. Free-form maps (`z.record`: `tags`, `metadata`, `attributes`, `details`)
 * keep their keys as they are; only the schema's own keys are renamed. Every field whose wire name
 * ends in `_usd` is money and is rounded to 1e-9 USD.
 *
 * @example
 * const wire = new WireFormat(new Map([[TraceSpan, { model: 'model_name' }]]));
 * wire.toWire(TraceSpan, span); // { span_id: …, model_name: …, estimated_cost_usd: … }
 */
export class WireFormat {
  readonly #renames: WireRenames;
  readonly #keyMaps = new WeakMap<z.core.$ZodType, KeyMap>();

  constructor(renames: WireRenames) {
    this.#renames = renames;
  }

  /** The wire form of an internal (camelCase) value described by `schema`. */
  toWire(schema: z.core.$ZodType, value: unknown): unknown {
    const d = def(schema);
    if (WRAPPERS.has(d.type)) {
      return value === null || value === undefined || d.innerType === undefined
        ? value
        : this.toWire(d.innerType, value);
    }
    if (d.type === 'object') {
      if (!isPlainObject(value)) return value;
      const keys = this.#keyMap(schema);
      const out: Record<string, unknown> = {};
      for (const field of keys.fields) {
        const item = value[field.key];
        if (item === undefined) continue;
        const wire = this.toWire(field.schema, item);
        out[field.name] = field.money && typeof wire === 'number' ? roundUsd(wire) : wire;
      }
      if (keys.unknown === 'keep') {
        for (const [key, item] of Object.entries(value)) if (!keys.toWire.has(key)) out[key] = item;
      }
      return out;
    }
    if (d.type === 'array')
      return Array.isArray(value) && d.element !== undefined
        ? value.map((item) => this.toWire(d.element as z.core.$ZodType, item))
        : value;
    if (d.type === 'record')
      return isPlainObject(value) && d.valueType !== undefined
        ? Object.fromEntries(
            Object.entries(value).map(([k, v]) => [
              k,
              this.toWire(d.valueType as z.core.$ZodType, v),
            ]),
          )
        : value;
    if (d.type === 'pipe')
      // Handlers return a route's *input* shape (`z.input`), so the input side describes it.
      return d.in === undefined ? value : this.toWire(d.in, value);
    if (d.type === 'lazy') return d.getter === undefined ? value : this.toWire(d.getter(), value);
    if (d.type === 'union') {
      const option = d.options?.find((o) => z.safeParse(o, value).success);
      return option === undefined ? value : this.toWire(option, value);
    }
    return value;
  }

  /**
   * The internal (camelCase) form of a request body in wire form. Keys the schema does not have are
   * reported (a camelCase key gets a hint with its snake_case name), never silently renamed.
   */
  fromWire(
    schema: z.core.$ZodType,
    value: unknown,
  ): { readonly value: unknown; readonly issues: readonly WireIssue[] } {
    const issues: WireIssue[] = [];
    const result = this.#fromWire(schema, value, [], issues);
    return { value: result, issues };
  }

  /** The wire path of an internal (camelCase) path in `schema`, e.g. for a validation issue. */
  wirePath(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
    const out: string[] = [];
    let current: z.core.$ZodType | undefined = schema;
    for (const segment of path) {
      const key = String(segment);
      current = current === undefined ? undefined : this.#unwrap(current);
      const d: Def | undefined = current === undefined ? undefined : def(current);
      if (current !== undefined && d?.type === 'object') {
        out.push(this.#keyMap(current).toWire.get(key) ?? key);
        current = d.shape?.[key];
      } else {
        out.push(key);
        current = d?.type === 'array' ? d.element : d?.type === 'record' ? d.valueType : undefined;
      }
    }
    return out;
  }

  /**
   * A `z.toJSONSchema` override that renames the properties (and `required` entries) of every
   * object to their wire names, so the OpenAPI document shows exactly what goes over the wire.
   */
  readonly jsonSchemaOverride = (ctx: {
    zodSchema: z.core.$ZodType;
    jsonSchema: { properties?: Record<string, unknown>; required?: string[]; default?: unknown };
  }): void => {
    const d = def(ctx.zodSchema);
    if (d.type === 'default' && d.innerType !== undefined && isPlainObject(ctx.jsonSchema.default))
      ctx.jsonSchema.default = this.toWire(d.innerType, ctx.jsonSchema.default);
    if (d.type !== 'object') return;
    const keys = this.#keyMap(ctx.zodSchema);
    const properties = ctx.jsonSchema.properties;
    if (properties !== undefined) {
      ctx.jsonSchema.properties = Object.fromEntries(
        Object.entries(properties).map(([k, v]) => [keys.toWire.get(k) ?? k, v]),
      );
    }
    if (ctx.jsonSchema.required !== undefined)
      ctx.jsonSchema.required = ctx.jsonSchema.required.map((k) => keys.toWire.get(k) ?? k);
  };

  #fromWire(
    schema: z.core.$ZodType,
    value: unknown,
    path: readonly string[],
    issues: WireIssue[],
  ): unknown {
    const d = def(schema);
    if (WRAPPERS.has(d.type)) {
      return value === null || value === undefined || d.innerType === undefined
        ? value
        : this.#fromWire(d.innerType, value, path, issues);
    }
    if (d.type === 'object') {
      if (!isPlainObject(value)) return value;
      const keys = this.#keyMap(schema);
      const out: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value)) {
        const key = keys.fromWire.get(name);
        if (key === undefined) {
          if (keys.unknown === 'keep') out[name] = item;
          else if (keys.unknown === 'refuse') {
            const hint = keys.fromWire.has(snakeCase(name))
              ? ` (the API uses snake_case: ${snakeCase(name)})`
              : '';
            issues.push({ field: [...path, name].join('.'), reason: `unknown field${hint}` });
          }
          continue;
        }
        const field = d.shape?.[key];
        out[key] =
          field === undefined ? item : this.#fromWire(field, item, [...path, name], issues);
      }
      return out;
    }
    if (d.type === 'array')
      return Array.isArray(value) && d.element !== undefined
        ? value.map((item, i) =>
            this.#fromWire(d.element as z.core.$ZodType, item, [...path, String(i)], issues),
          )
        : value;
    if (d.type === 'record')
      return isPlainObject(value) && d.valueType !== undefined
        ? Object.fromEntries(
            Object.entries(value).map(([k, v]) => [
              k,
              this.#fromWire(d.valueType as z.core.$ZodType, v, [...path, k], issues),
            ]),
          )
        : value;
    if (d.type === 'pipe')
      return d.in === undefined ? value : this.#fromWire(d.in, value, path, issues);
    if (d.type === 'lazy')
      return d.getter === undefined ? value : this.#fromWire(d.getter(), value, path, issues);
    if (d.type === 'union' && d.options !== undefined && d.options.length > 0) {
      // The option the value reads as: the first whose mapped form validates, else the first that
      // maps without issues (validation then names the bad field), else the first.
      let fallback: { value: unknown; issues: WireIssue[] } | undefined;
      for (const option of d.options) {
        const own: WireIssue[] = [];
        const mapped = this.#fromWire(option, value, path, own);
        if (own.length === 0 && z.safeParse(option, mapped).success) return mapped;
        if (fallback === undefined || (fallback.issues.length > 0 && own.length === 0)) {
          fallback = { value: mapped, issues: own };
        }
      }
      issues.push(...(fallback?.issues ?? []));
      return fallback?.value;
    }
    return value;
  }

  #unwrap(schema: z.core.$ZodType): z.core.$ZodType {
    let current = schema;
    for (;;) {
      const d = def(current);
      if (WRAPPERS.has(d.type) && d.innerType !== undefined) current = d.innerType;
      else if (d.type === 'pipe' && d.in !== undefined) current = d.in;
      else if (d.type === 'lazy' && d.getter !== undefined) current = d.getter();
      else return current;
    }
  }

  #keyMap(schema: z.core.$ZodType): KeyMap {
    let map = this.#keyMaps.get(schema);
    if (map !== undefined) return map;
    const d = def(schema);
    const renames = this.#renames.get(schema) ?? {};
    const toWire = new Map<string, string>();
    const fromWire = new Map<string, string>();
    const fields: Field[] = [];
    for (const [key, field] of Object.entries(d.shape ?? {})) {
      const name = renames[key] ?? snakeCase(key);
      if (fromWire.has(name)) {
        // A schema bug, caught when the route table is built, never on a request.
        throw new Error(`two fields map to the wire name ${name}`);
      }
      toWire.set(key, name);
      fromWire.set(name, key);
      fields.push({ key, name, schema: field, money: name.endsWith('_usd') });
    }
    const catchall = d.catchall === undefined ? undefined : def(d.catchall).type;
    const unknown = catchall === undefined ? 'drop' : catchall === 'never' ? 'refuse' : 'keep';
    map = { fields, toWire, fromWire, unknown };
    this.#keyMaps.set(schema, map);
    return map;
  }
}

import type { z } from 'zod';
import { ConfigSchema } from './schema.js';

/** One key of the configuration schema. */
export interface ConfigKey {
  /**
   * Dotted path; `*` stands for any key of a map (`budgets.tenants.*.caps`) and `[]` for any item
   * of a list (`alerts.channels[].url`).
   */
  readonly path: string;
  /** The path's segments, with `*` and `[]` as segments of their own. */
  readonly segments: readonly string[];
  /** True when the key holds a value rather than a section of further keys. */
  readonly leaf: boolean;
  /**
   * Set when the key exists in some variants of its section only: the sibling field that picks the
   * variant and the values that have this key (`storage.path` is read only when `storage.profile`
   * is `lite`).
   */
  readonly only?: KeyVariants;
}

/** The variants of a section that have a key: its picking field, and that field's values. */
export interface KeyVariants {
  readonly field: string;
  readonly values: readonly string[];
}

// Zod 4 exposes each schema's definition as `def`; only the wrappers the config schema uses are
// followed. A wrapper the walk does not know ends the walk at that key (it becomes a leaf), so a new
// kind of schema can never hide keys silently: the key-read test then still lists it.
type AnySchema = z.ZodType;
interface Def {
  readonly type: string;
  readonly shape?: Readonly<Record<string, AnySchema>>;
  readonly innerType?: AnySchema;
  readonly in?: AnySchema;
  readonly out?: AnySchema;
  readonly options?: readonly AnySchema[];
  /** Set on a discriminated union: the field whose literal picks the option. */
  readonly discriminator?: string;
  /** A literal's allowed values. */
  readonly values?: readonly unknown[];
  readonly valueType?: AnySchema;
  readonly element?: AnySchema;
}

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { def: Def }).def;
}

/** The schemas a key can have, and the variants that have it when not all do. */
interface Child {
  readonly schemas: AnySchema[];
  readonly only?: KeyVariants | undefined;
}

/** The literal values of a discriminated union's option (`profile: z.literal('lite')` → lite). */
function literalsOf(option: AnySchema, field: string): string[] {
  const sub = children(option);
  const schema = sub instanceof Map ? sub.get(field)?.schemas[0] : undefined;
  return (schema === undefined ? [] : (defOf(schema).values ?? [])).map(String);
}

/** The object shapes a schema can take once wrappers (default, optional, pipe, union) are peeled. */
function children(schema: AnySchema): Map<string, Child> | 'record' | 'array' | null {
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'readonly':
      return def.innerType === undefined ? null : children(def.innerType);
    case 'pipe':
      // z.preprocess(fn, schema) is a pipe from a transform into the real schema.
      return def.out === undefined ? null : children(def.out);
    case 'object': {
      const map = new Map<string, Child>();
      for (const [key, value] of Object.entries(def.shape ?? {}))
        map.set(key, { schemas: [value] });
      return map;
    }
    case 'union': {
      const map = new Map<string, Child & { picks: string[] }>();
      const field = def.discriminator;
      // Every value of the picking field, across the options; a key with fewer is partial.
      const all: string[] = [];
      for (const option of def.options ?? []) {
        const picks = field === undefined ? [] : literalsOf(option, field);
        all.push(...picks);
        const sub = children(option);
        if (!(sub instanceof Map)) continue;
        for (const [key, child] of sub) {
          const seen = map.get(key);
          map.set(key, {
            schemas: [...(seen?.schemas ?? []), ...child.schemas],
            picks: [...(seen?.picks ?? []), ...picks],
          });
        }
      }
      const out = new Map<string, Child>();
      for (const [key, { schemas, picks }] of map) {
        const partial = field !== undefined && key !== field && picks.length < all.length;
        out.set(key, partial ? { schemas, only: { field, values: picks } } : { schemas });
      }
      return out.size > 0 ? out : null;
    }
    case 'record':
      return 'record';
    case 'array':
      return 'array';
    default:
      return null;
  }
}

function inner(schema: AnySchema): AnySchema | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'readonly':
      return def.innerType === undefined ? undefined : inner(def.innerType);
    case 'pipe':
      return def.out === undefined ? undefined : inner(def.out);
    case 'record':
      return def.valueType;
    case 'array':
      return def.element;
    default:
      return undefined;
  }
}

function walk(
  schemas: readonly AnySchema[],
  segments: readonly string[],
  out: ConfigKey[],
  only?: KeyVariants,
): void {
  const merged = new Map<string, Child>();
  let container: 'record' | 'array' | null = null;
  let containerItems: AnySchema[] = [];
  for (const schema of schemas) {
    const sub = children(schema);
    if (sub instanceof Map) {
      for (const [key, child] of sub) {
        const seen = merged.get(key);
        // A key that several schemas here have claims no restriction (it may be read in any).
        const restricted = seen === undefined ? child.only : undefined;
        merged.set(key, {
          schemas: [...(seen?.schemas ?? []), ...child.schemas],
          only: restricted,
        });
      }
    } else if (sub !== null) {
      container = sub;
      const item = inner(schema);
      if (item !== undefined) containerItems = [...containerItems, item];
    }
  }
  // A list or map of plain values (e.g. `kinds: [security]`) is a value, not a section.
  const nested = container !== null && containerItems.some((item) => children(item) !== null);
  if (segments.length > 0) {
    const leaf = merged.size === 0 && !nested;
    out.push({
      path: formatKeyPath(segments),
      segments,
      leaf,
      ...(only === undefined ? {} : { only }),
    });
  }
  for (const [key, child] of merged) walk(child.schemas, [...segments, key], out, child.only);
  if (nested) walk(containerItems, [...segments, container === 'record' ? '*' : '[]'], out);
}

function formatKeyPath(segments: readonly string[]): string {
  return segments.join('.').replaceAll('.[]', '[]');
}

let cached: readonly ConfigKey[] | undefined;

/**
 * Every key of {@link ConfigSchema}, sections and values, in schema order. Built on first use.
 * Used to suggest the closest key for a typo and to check that every key is read somewhere.
 *
 * @example
 * listConfigKeys().some((k) => k.path === 'storage.path'); // true
 */
export function listConfigKeys(): readonly ConfigKey[] {
  if (cached === undefined) {
    const out: ConfigKey[] = [];
    walk([ConfigSchema], [], out);
    cached = Object.freeze(out.map((k) => Object.freeze({ ...k })));
  }
  return cached;
}

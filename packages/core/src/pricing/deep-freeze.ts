/**
 * Recursively freezes a plain object graph and returns it. Local to pricing (instead of the config
 * module's helper) so that the config schema can import the pricing schema without a cycle.
 *
 * @example
 * const table = deepFreeze({ 'gpt-4o': { input_per_mtok: 2.5 } });
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

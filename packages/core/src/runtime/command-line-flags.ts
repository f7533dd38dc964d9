/**
 * Whether node's command line (`execArgv`) sets any of the V8 flags `names` (given without dashes,
 * e.g. `heap-growing-percent`): as `--name`, `--no-name` or `--name=value`, with `-` or `_` between
 * words as V8 accepts both. A flag set there is the operator's choice, which LLMTrace's own run-time
 * settings of V8 flags leave alone.
 *
 * @example
 * onCommandLine(['--heap_growing_percent=20'], ['heap-growing-percent']); // true
 */
export function onCommandLine(execArgv: readonly string[], names: readonly string[]): boolean {
  return execArgv.some((arg) => {
    const flag = arg.replace(/=.*$/, '').replaceAll('_', '-');
    return names.some((name) => flag === `--${name}` || flag === `--no-${name}`);
  });
}

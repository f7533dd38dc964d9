import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The boundary configs exactly as eslint.config.js uses them (a JS module without types). */
async function boundaryLinter(): Promise<ESLint> {
  const mod = (await import(pathToFileURL(`${root}eslint.boundaries.js`).href)) as {
    proxyBoundaries: (base: Record<string, unknown>[]) => Linter.Config[];
  };
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: mod.proxyBoundaries([]),
  });
}

async function errorsFor(file: string, code: string): Promise<string[]> {
  const [result] = await (await boundaryLinter()).lintText(code, { filePath: `${root}${file}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

describe('import boundaries of the request path (docs/architecture.md)', () => {
  it('fails when forward/ imports a stage above it', async () => {
    const errors = await errorsFor(
      'packages/proxy/src/forward/forward-stage.ts',
      "import { AdmitStage } from '../admit/admit-stage.js';\nexport const a = AdmitStage;\n",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/no-restricted-imports: .*forward\/ may not import/);
  });

  it('fails when a leaf or a service imports the exchange, or a stage imports the wiring', async () => {
    for (const [file, target] of [
      ['packages/proxy/src/providers/registry.ts', '../exchange/exchange.js'],
      ['packages/proxy/src/budgets/budget-guard.ts', '../exchange/exchange.js'],
      ['packages/proxy/src/providers/openai/openai-adapter.ts', '../../capture/build-span.js'],
      ['packages/proxy/src/relay/relay-stage.ts', '../server/llmtrace-server.js'],
      ['packages/proxy/src/api/api-app.ts', '../request-path/request-path.js'],
    ] as const) {
      const errors = await errorsFor(file, `import { x } from '${target}';\nexport const y = x;\n`);
      expect(errors, `${file} → ${target}`).toHaveLength(1);
    }
  });

  it('lets a stage import the exchange, services and leaves, and the composition import stages', async () => {
    expect(
      await errorsFor(
        'packages/proxy/src/admit/admit-stage.ts',
        "import { a } from '../exchange/exchange.js';\nimport { b } from '../budgets/budget-guard.js';\nimport { c } from '../http/headers.js';\nexport const d = [a, b, c];\n",
      ),
    ).toEqual([]);
    expect(
      await errorsFor(
        'packages/proxy/src/request-path/request-path.ts',
        "import { a } from '../relay/relay-stage.js';\nexport const b = a;\n",
      ),
    ).toEqual([]);
  });
});

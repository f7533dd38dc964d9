import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueModels, currentPrice, toModelPrice } from '../src/pricing/price-catalogue.js';
import {
  LLMProvider,
  LLMTraceError,
  ModelPrice,
  PricingEngine,
  createPricingEngine,
  estimateCost,
  normaliseModelId,
  stripSnapshotSuffix,
  type PricingOverridesInput,
  type TokenUsage,
} from '../src/index.js';

const usage = (promptTokens: number, completionTokens: number): TokenUsage => ({
  promptTokens,
  completionTokens,
});

/** The thrown LLMTraceError of building an engine from `overrides` (fails the test otherwise). */
function overrideError(overrides: unknown): LLMTraceError {
  try {
    createPricingEngine(overrides as PricingOverridesInput);
  } catch (error) {
    expect(error).toBeInstanceOf(LLMTraceError);
    return error as LLMTraceError;
  }
  throw new Error('expected the overrides to be rejected');
}

describe('estimateCost: list prices computed by hand', () => {
  it('gpt-4o: 1000 prompt + 500 completion = 1000 x $2.50/M + 500 x $10/M', () => {
    expect(estimateCost('openai', 'gpt-4o', usage(1000, 500))).toBe(0.0075);
  });

  it('gpt-4: 1000 + 1000 tokens at $30/$60', () => {
    expect(estimateCost('openai', 'gpt-4', usage(1000, 1000))).toBeCloseTo(0.09, 12);
  });

  it('gpt-4o-mini: one million tokens each way at $0.15/$0.60', () => {
    expect(estimateCost('openai', 'gpt-4o-mini', usage(1e6, 1e6))).toBeCloseTo(0.75, 12);
  });

  it('claude-3-5-sonnet: 2000 + 1000 tokens at $3/$15', () => {
    expect(estimateCost('anthropic', 'claude-3-5-sonnet-20241022', usage(2000, 1000))).toBeCloseTo(
      0.021,
      12,
    );
  });

  it('claude-opus-4-1: 1000 + 1000 tokens at $15/$75', () => {
    expect(estimateCost('anthropic', 'claude-opus-4-1-20250805', usage(1000, 1000))).toBeCloseTo(
      0.09,
      12,
    );
  });

  it('gemini-2.5-pro through the OpenAI wire format, below and above its 200K tier', () => {
    expect(estimateCost('openai', 'gemini-2.5-pro', usage(10_000, 2000))).toBeCloseTo(0.0325, 12);
    // 300K prompt > 200K: every token at $2.50/$15.
    expect(estimateCost('openai', 'gemini-2.5-pro', usage(300_000, 1000))).toBeCloseTo(0.765, 12);
  });

  it('mistral-large-latest: one million tokens each way at $2/$6', () => {
    expect(estimateCost('openai', 'mistral-large-latest', usage(1e6, 1e6))).toBeCloseTo(8, 12);
  });

  it('open-weight models have no built-in price on the OpenAI format (hosts charge differently)', () => {
    expect(
      estimateCost('openai', 'meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', usage(1e6, 0)),
    ).toBeNull();
  });

  it('o3-mini: reasoning tokens are part of completion tokens and are not added again', () => {
    const withReasoning: TokenUsage = {
      promptTokens: 1000,
      completionTokens: 5000,
      reasoningTokens: 4000,
    };
    // 1000 x $1.10 + 5000 x $4.40 = $0.0231
    expect(estimateCost('openai', 'o3-mini', withReasoning)).toBeCloseTo(0.0231, 12);
    expect(estimateCost('openai', 'o3-mini', withReasoning)).toBe(
      estimateCost('openai', 'o3-mini', usage(1000, 5000)),
    );
  });

  it('zero tokens cost exactly 0 for a known model, and null (not 0) for an unknown one', () => {
    expect(estimateCost('openai', 'gpt-4o', usage(0, 0))).toBe(0);
    expect(estimateCost('anthropic', 'claude-haiku-4-5', usage(0, 0))).toBe(0);
    expect(estimateCost('openai', 'gpt-4o-mini-foo', usage(0, 0))).toBeNull();
  });

  it('broken counts have no cost instead of a wrong one', () => {
    expect(estimateCost('openai', 'gpt-4o', usage(-1, 10))).toBeNull();
    expect(estimateCost('openai', 'gpt-4o', usage(10, Number.NaN))).toBeNull();
    expect(
      estimateCost('openai', 'gpt-4o', { ...usage(10, 10), cachedPromptTokens: Infinity }),
    ).toBeNull();
  });
});

describe('cached tokens are never charged twice', () => {
  it('OpenAI: cached_tokens are inside prompt_tokens, charged once at the cached price', () => {
    // gpt-4o: 500 uncached x $2.50 + 1500 cached x $1.25 + 100 x $10 = $0.004125
    const cost = estimateCost('openai', 'gpt-4o', {
      promptTokens: 2000,
      completionTokens: 100,
      cachedPromptTokens: 1500,
    });
    expect(cost).toBeCloseTo(0.004125, 12);
    expect(cost).toBeLessThan(estimateCost('openai', 'gpt-4o', usage(2000, 100)) ?? 0);
  });

  it('Azure OpenAI uses the OpenAI price and the same semantics', () => {
    expect(
      estimateCost('azure_openai', 'gpt-4o', {
        promptTokens: 2000,
        completionTokens: 100,
        cachedPromptTokens: 1500,
      }),
    ).toBeCloseTo(0.004125, 12);
  });

  it('OpenAI: a cached count larger than the prompt is capped at the prompt', () => {
    expect(
      estimateCost('openai', 'gpt-4o', {
        promptTokens: 100,
        completionTokens: 0,
        cachedPromptTokens: 500,
      }),
    ).toBeCloseTo(0.000125, 12);
  });

  it('a model without a cached-input price charges cached tokens at the input price', () => {
    const cached = { promptTokens: 1000, completionTokens: 0, cachedPromptTokens: 800 };
    expect(estimateCost('openai', 'gpt-4', cached)).toBe(
      estimateCost('openai', 'gpt-4', usage(1000, 0)),
    );
  });

  it('Anthropic: input_tokens exclude cache writes and reads, each charged at its own price', () => {
    // claude-sonnet-4: 100 x $3 + 10,000 writes x $3.75 + 20,000 reads x $0.30 + 500 x $15
    const cost = estimateCost('anthropic', 'claude-sonnet-4-20250514', {
      promptTokens: 100,
      completionTokens: 500,
      cacheCreationTokens: 10_000,
      cacheReadTokens: 20_000,
    });
    expect(cost).toBeCloseTo(0.0513, 12);
  });

  it('Anthropic: claude-3-haiku cache hits at $0.03/M', () => {
    const cost = estimateCost('anthropic', 'claude-3-haiku-20240307', {
      promptTokens: 1000,
      completionTokens: 0,
      cacheReadTokens: 100_000,
    });
    expect(cost).toBeCloseTo(0.00325, 12);
  });

  it('Anthropic Sonnet 4.5: above 200K prompt tokens (cache included) every token is long-context', () => {
    const long = {
      promptTokens: 1000,
      completionTokens: 1000,
      cacheReadTokens: 250_000,
    };
    // 1000 x $6 + 250,000 x $0.60 + 1000 x $22.50 = $0.1785
    expect(estimateCost('anthropic', 'claude-sonnet-4-5-20250929', long)).toBeCloseTo(0.1785, 12);
    // Exactly 200K is still the standard tier: 200,000 x $3 = $0.60
    expect(estimateCost('anthropic', 'claude-sonnet-4-5', usage(200_000, 0))).toBeCloseTo(0.6, 12);
  });
});

describe('model-id resolution', () => {
  const engine = new PricingEngine();

  it.each([
    ['openai', 'gpt-4o-2024-08-06', 'gpt-4o'],
    ['openai', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['openai', 'gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano'],
    ['openai', 'o3-mini-2025-01-31', 'o3-mini'],
    ['openai', 'gpt-5-2025-08-07', 'gpt-5'],
    ['openai', 'gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
    ['openai', 'gpt-4-0613', 'gpt-4'],
    ['openai', 'openai/gpt-4o', 'gpt-4o'],
    ['openai', 'GPT-4o', 'gpt-4o'],
    ['openai', 'models/gemini-1.5-pro-latest', 'gemini-1.5-pro'],
    ['openai', 'gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['openai', 'mistralai/codestral-latest', 'codestral'],
    ['anthropic', 'claude-3-opus-20240229', 'claude-3-opus-latest'],
    ['anthropic', 'claude-3-7-sonnet-latest', 'claude-3-7-sonnet-latest'],
    ['anthropic', 'anthropic/claude-sonnet-4-0', 'claude-sonnet-4-0'],
    ['anthropic', 'claude-opus-4-5-20251101', 'claude-opus-4-5'],
  ] as const)('%s %s resolves to %s', (provider, model, expected) => {
    expect(engine.price(provider, model)?.model).toBe(expected);
  });

  it('an exact dated id with its own price wins over the date rule', () => {
    expect(engine.price('openai', 'gpt-4o-2024-05-13')?.price).toEqual({
      input_per_mtok: 5,
      output_per_mtok: 15,
    });
    expect(estimateCost('openai', 'gpt-4o-2024-05-13', usage(1000, 500))).toBeCloseTo(0.0125, 12);
  });

  it.each([
    'gpt-4o-mini-foo',
    'gpt-4-super',
    'gpt-4o-mini-2024-07-18-extra',
    'gpt-4o-2024-13-01',
    'gpt-4o-20241399',
    'gpt-4o-mini-latest-2024-07-18',
    'gpt4o',
    'gpt-4o:free',
    'azure/gpt-4o',
    'claude-sonnet',
    'llama3.1:8b',
    'gpt-6',
    '',
    '   ',
  ])('unknown or merely similar name %j has no price', (model) => {
    expect(engine.price('openai', model)).toBeNull();
    expect(estimateCost('openai', model, usage(1000, 500))).toBeNull();
  });

  it('normaliseModelId strips only one known vendor prefix', () => {
    expect(normaliseModelId(' OpenAI/GPT-4o ')).toBe('gpt-4o');
    expect(normaliseModelId('meta-llama/Llama-3.3-70B-Instruct-Turbo')).toBe(
      'llama-3.3-70b-instruct-turbo',
    );
    expect(normaliseModelId('openai/openai/gpt-4o')).toBe('openai/gpt-4o');
    expect(normaliseModelId('acme/gpt-4o')).toBe('acme/gpt-4o');
  });

  it('stripSnapshotSuffix removes one date or -latest suffix and nothing else', () => {
    expect(stripSnapshotSuffix('gpt-4o-2024-08-06')).toBe('gpt-4o');
    expect(stripSnapshotSuffix('claude-3-5-sonnet-20241022')).toBe('claude-3-5-sonnet');
    expect(stripSnapshotSuffix('claude-3-5-sonnet-latest')).toBe('claude-3-5-sonnet');
    expect(stripSnapshotSuffix('gpt-4o-mini-foo')).toBeNull();
    expect(stripSnapshotSuffix('gpt-4-0613')).toBeNull();
    expect(stripSnapshotSuffix('gpt-4o-2024-00-10')).toBeNull();
    expect(stripSnapshotSuffix('-latest')).toBeNull();
  });

  it('a repeated lookup allocates nothing: the same frozen result every time', () => {
    const first = engine.price('openai', 'gpt-4o-2024-11-20');
    expect(engine.price('openai', 'gpt-4o-2024-11-20')).toBe(first);
    expect(engine.price('openai', 'gpt-4o')?.price).toEqual(first?.price);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.price)).toBe(true);
  });
});

describe('providers', () => {
  it('self-hosted providers have no built-in price', () => {
    for (const provider of ['ollama', 'vllm', 'sglang', 'tgi', 'custom'] as const) {
      expect(estimateCost(provider, 'gpt-4o', usage(1000, 500))).toBeNull();
      expect(estimateCost(provider, 'llama-3.1-8b-instruct', usage(1000, 500))).toBeNull();
    }
  });

  it('Anthropic serves only Claude prices; Azure and Bedrock use their own catalogue lists', () => {
    expect(estimateCost('anthropic', 'gpt-4o', usage(1000, 500))).toBeNull();
    expect(estimateCost('azure_openai', 'gpt-4o', usage(1000, 500))).toBe(0.0075);
    expect(estimateCost('azure_openai', 'llama3.1:8b', usage(1000, 500))).toBeNull();
    // Bedrock ids carry the vendor and version: anthropic.claude-3-5-sonnet-20241022-v2:0.
    expect(
      estimateCost('bedrock', 'anthropic.claude-3-5-sonnet-20241022-v2:0', usage(1e6, 1e6)),
    ).toBeCloseTo(18, 12);
    expect(estimateCost('bedrock', 'gpt-4o-mini-foo', usage(1000, 500))).toBeNull();
  });

  it('every provider is handled by a fresh engine', () => {
    const engine = createPricingEngine();
    for (const provider of LLMProvider.options) {
      expect(() => engine.price(provider, 'gpt-4o')).not.toThrow();
    }
  });
});

describe('pricing overrides', () => {
  it('add a model the table does not know, for every provider', () => {
    const engine = createPricingEngine({
      models: { 'acme-finetune': { input_per_mtok: 4, output_per_mtok: 16 } },
    });
    expect(engine.estimate('openai', 'acme-finetune', usage(1000, 1000))).toBeCloseTo(0.02, 12);
    expect(engine.estimate('vllm', 'ACME-finetune', usage(1000, 1000))).toBeCloseTo(0.02, 12);
    expect(engine.price('vllm', 'acme-finetune')?.origin).toBe('override');
    // The built-in table is untouched.
    expect(estimateCost('openai', 'acme-finetune', usage(1000, 1000))).toBeNull();
  });

  it('replace a built-in price, its dated snapshots and its aliases', () => {
    const engine = createPricingEngine({
      models: {
        'gpt-4o': { input_per_mtok: 1, output_per_mtok: 2, cache_read_per_mtok: 0.5 },
        'openai/GPT-4': { input_per_mtok: 10, output_per_mtok: 10 },
      },
    });
    expect(engine.estimate('openai', 'gpt-4o', usage(1e6, 1e6))).toBeCloseTo(3, 12);
    expect(engine.estimate('azure_openai', 'gpt-4o-2024-08-06', usage(1e6, 0))).toBeCloseTo(1, 12);
    expect(engine.estimate('openai', 'gpt-4-0613', usage(1e6, 0))).toBeCloseTo(10, 12);
    // Other models keep their list price; estimateCost() with this engine uses the override.
    expect(engine.estimate('openai', 'gpt-4o-mini', usage(1e6, 0))).toBeCloseTo(0.15, 12);
    expect(estimateCost('openai', 'gpt-4o', usage(1e6, 0), { engine })).toBeCloseTo(1, 12);
  });

  it('price any model of a self-hosted provider with a provider-wide price', () => {
    const engine = createPricingEngine({
      providers: { ollama: { input_per_mtok: 0.05, output_per_mtok: 0.1 } },
      models: { 'llama3.1:70b': { input_per_mtok: 0.5, output_per_mtok: 0.5 } },
    });
    expect(engine.estimate('ollama', 'llama3.1:8b', usage(1e6, 1e6))).toBeCloseTo(0.15, 12);
    expect(engine.price('ollama', 'qwen2.5:7b')?.origin).toBe('provider');
    // A model override is more specific than the provider-wide price.
    expect(engine.estimate('ollama', 'llama3.1:70b', usage(1e6, 0))).toBeCloseTo(0.5, 12);
    // Only the configured provider gets it.
    expect(engine.estimate('vllm', 'llama3.1:8b', usage(1e6, 1e6))).toBeNull();
  });

  it('a zero override price is a configured $0, not an unknown price', () => {
    const engine = createPricingEngine({
      providers: { vllm: { input_per_mtok: 0, output_per_mtok: 0 } },
    });
    expect(engine.estimate('vllm', 'anything', usage(1000, 1000))).toBe(0);
  });

  it('rejects a negative price with the path and the fix', () => {
    const error = overrideError({
      models: { 'gpt-4o': { input_per_mtok: -1, output_per_mtok: 10 } },
    });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('models.gpt-4o.input_per_mtok');
    expect(error.message).toContain('must be 0 or more');
    const issues = error.details?.['issues'] as readonly { path: string; message: string }[];
    expect(issues.map((issue) => issue.path)).toEqual(['models.gpt-4o.input_per_mtok']);
  });

  it('rejects misspelled keys, missing prices and hosted providers', () => {
    expect(
      overrideError({ models: { x: { input_per_mtoken: 1, output_per_mtok: 1 } } }).message,
    ).toContain('models.x');
    expect(overrideError({ models: { x: { input_per_mtok: 1 } } }).message).toContain(
      'models.x.output_per_mtok',
    );
    expect(
      overrideError({ models: { x: { input_per_mtok: '1', output_per_mtok: 1 } } }).message,
    ).toContain('must be a number');
    expect(
      overrideError({ providers: { openai: { input_per_mtok: 1, output_per_mtok: 1 } } }).message,
    ).toContain('only self-hosted providers');
    expect(overrideError({ models: { x: { output_per_mtok: 1 } } }).message).toContain(
      'models.x.input_per_mtok: is required',
    );
    expect(
      overrideError({ models: { x: { input_per_mtok: 1, output_per_mtok: 1, cached: 1 } } })
        .message,
    ).toContain('models.x.cached: unknown key; a price accepts input_per_mtok');
    expect(overrideError({ model: {} }).message).toContain('model: unknown key');
    expect(overrideError('gpt-4o=2.5').message).toContain('(root): must be an object');
  });

  it('rejects two spellings of one model and a zero long-context threshold', () => {
    expect(
      overrideError({
        models: {
          'gpt-4o': { input_per_mtok: 1, output_per_mtok: 1 },
          'OpenAI/GPT-4o': { input_per_mtok: 2, output_per_mtok: 2 },
        },
      }).message,
    ).toContain('name the same model');
    expect(
      overrideError({
        models: {
          x: {
            input_per_mtok: 1,
            output_per_mtok: 1,
            long_context: { above_input_tokens: 0, input_per_mtok: 2, output_per_mtok: 2 },
          },
        },
      }).message,
    ).toContain('models.x.long_context.above_input_tokens');
  });
});

describe('issue 11: prices come from the pinned catalogue package', () => {
  const engine = new PricingEngine();
  const REPO = resolve(import.meta.dirname, '../../..');

  it.each([
    // Published list prices, USD per million tokens (input, output, cache read, cache write).
    ['openai', 'gpt-4o', { input_per_mtok: 2.5, output_per_mtok: 10, cache_read_per_mtok: 1.25 }],
    [
      'openai',
      'gpt-4o-mini',
      { input_per_mtok: 0.15, output_per_mtok: 0.6, cache_read_per_mtok: 0.075 },
    ],
    ['openai', 'gpt-5', { input_per_mtok: 1.25, output_per_mtok: 10, cache_read_per_mtok: 0.125 }],
    [
      'anthropic',
      'claude-3-5-haiku-20241022',
      {
        input_per_mtok: 0.8,
        output_per_mtok: 4,
        cache_read_per_mtok: 0.08,
        cache_write_per_mtok: 1,
      },
    ],
    [
      'anthropic',
      'claude-opus-4-1-20250805',
      {
        input_per_mtok: 15,
        output_per_mtok: 75,
        cache_read_per_mtok: 1.5,
        cache_write_per_mtok: 18.75,
      },
    ],
  ] as const)('%s %s costs its list price', (provider, model, price) => {
    expect(engine.price(provider, model)).toMatchObject({ origin: 'builtin', price });
  });

  it('a tiered catalogue price becomes the long-context tier (Gemini 2.5 Pro above 200K)', () => {
    expect(engine.price('openai', 'gemini-2.5-pro')?.price).toEqual({
      input_per_mtok: 1.25,
      output_per_mtok: 10,
      cache_read_per_mtok: 0.125,
      long_context: {
        above_input_tokens: 200_000,
        input_per_mtok: 2.5,
        output_per_mtok: 15,
        cache_read_per_mtok: 0.25,
      },
    });
  });

  it('names the catalogue and the provider page a built-in price comes from', () => {
    const found = engine.price('anthropic', 'claude-3-5-haiku-latest');
    expect(found?.source?.catalogue).toBe('@pydantic/genai-prices');
    expect(found?.source?.url).toMatch(/^https:\/\//);
  });

  it('every token-priced model of the catalogue providers we use translates to a valid price', () => {
    const now = new Date();
    let checked = 0;
    for (const provider of [
      'openai',
      'anthropic',
      'google',
      'mistral',
      'azure',
      'aws',
      'deepseek',
      'x-ai',
    ]) {
      const models = catalogueModels(provider);
      expect(models.length, provider).toBeGreaterThan(0);
      for (const model of models) {
        const raw = currentPrice(model, now);
        if (raw['input_mtok'] === undefined) continue;
        const price = toModelPrice(raw);
        // A catalogue update with a shape we cannot express (several tiers) must fail here, loudly,
        // instead of silently turning a known price into null.
        expect(price, `${provider}/${model.id}`).not.toBeNull();
        expect(ModelPrice.safeParse(price).success, `${provider}/${model.id}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('never fetches prices at run time', () => {
    const original = globalThis.fetch;
    const calls: unknown[] = [];
    globalThis.fetch = (...args: Parameters<typeof fetch>) => {
      calls.push(args[0]);
      return Promise.reject(new Error('no network in this test'));
    };
    try {
      const fresh = new PricingEngine();
      expect(fresh.estimate('openai', 'gpt-4o', usage(1000, 500))).toBe(0.0075);
      expect(fresh.estimate('openai', 'not-a-model-anywhere', usage(1000, 500))).toBeNull();
    } finally {
      globalThis.fetch = original;
    }
    expect(calls).toEqual([]);
  });

  it('the catalogue version is pinned exactly, in package.json and the lock file', () => {
    const core = JSON.parse(readFileSync(join(REPO, 'packages/core/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    const wanted = core.dependencies['@pydantic/genai-prices'];
    expect(wanted).toMatch(/^\d+\.\d+\.\d+$/);
    expect(lock.packages['node_modules/@pydantic/genai-prices']?.version).toBe(wanted);
  });
});

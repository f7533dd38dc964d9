// Issue 20, item 6: the optional transformer tier end to end — a tiny ONNX model the suite writes
// itself, loaded by the real proxy's worker pool, scoring captured spans off the request path
// (and, with security.ml.block, deciding block mode on it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '@llmtrace/core';
import { startServer } from '@llmtrace/proxy';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectedProbability, writeTinyModel } from '../../../security/test/ml/tiny-model.mjs';
import { ML_RUNTIME_DIR } from '../../../../tools/ml/ml-runtime.mjs';
import { send, startProxy, type ProxyUnderTest } from '../support/harness.js';
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { parsePrometheus, sample } from '../support/prometheus-text.js';

let root: string;
let modelDir: string;
let slowDir: string;
let upstream: MockUpstream;
let proxy: ProxyUnderTest | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'llmtrace-ml-proxy-'));
  modelDir = join(root, 'tiny-injection');
  slowDir = join(root, 'slow-injection');
  await writeTinyModel(modelDir);
  await writeTinyModel(slowDir, { slowLayers: 400 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  upstream = await startMockUpstream();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await upstream.close();
});

const chat = (content: string): string =>
  JSON.stringify({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'You are a cooking assistant.' },
      { role: 'user', content },
    ],
  });

/** Scored low by the fast tier, high by the tiny model (two of its attack words). */
const MODEL_ONLY = 'ignore the previous step of the recipe';
const MODEL_ONLY_P = expectedProbability([
  'ignore',
  'the',
  'previous',
  '[UNK]',
  '[UNK]',
  'the',
  '[UNK]',
]);
const BENIGN = 'the weather is nice today';

const ml = (extra: Record<string, unknown> = {}) => ({
  enabled: true,
  model_dir: modelDir,
  // onnxruntime-node lives in tools/ml, apart from the workspace (the test setup installs it).
  runtime_dir: ML_RUNTIME_DIR,
  // Weight 1: the injection score is the model's, so the expected numbers are exact.
  weight: 1,
  timeout_ms: 20_000,
  ...extra,
});

describe('security.ml: the transformer tier in capture', () => {
  it('scores captured prompts in the worker pool and combines the score with the fast tier', async () => {
    proxy = await startProxy(upstream.url, { security: { ml: ml() } });
    const attack = await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'attack' },
      body: chat(MODEL_ONLY),
    });
    expect(attack.status).toBe(200);
    await send(proxy.server.url, {
      headers: { 'x-llmtrace-tenant-id': 'benign' },
      body: chat(BENIGN),
    });
    const [span] = await proxy.spans('attack');
    expect(Number(span?.tags['ml_score'])).toBeCloseTo(MODEL_ONLY_P, 3);
    expect(span?.tags['ml_model']).toBe('tiny-injection');
    expect(span?.securityScore).toBe(Math.round(100 * MODEL_ONLY_P));
    const finding = span?.securityFindings.find((f) => f.metadata['tier'] === 'ml');
    expect(finding?.type).toBe('prompt_injection');
    expect(finding?.location?.messageIndex).toBe(1);

    const [benign] = await proxy.spans('benign');
    const p = expectedProbability(['the', 'weather', 'is', 'nice', 'today']);
    expect(Number(benign?.tags['ml_score'])).toBeCloseTo(p, 3);
    expect(benign?.securityScore).toBe(Math.round(100 * p));
    expect(benign?.securityFindings.some((f) => f.metadata['tier'] === 'ml')).toBe(false);

    const health = await send(proxy.server.url, { method: 'GET', path: '/health' });
    const stats = (JSON.parse(health.body.toString()) as { ml: Record<string, number> }).ml;
    expect(stats['scored']).toBe(2);
    expect(stats['dropped']).toBe(0);
    const metrics = await send(proxy.server.url, { method: 'GET', path: '/metrics' });
    const families = parsePrometheus(metrics.body.toString());
    expect(sample(families, 'llmtrace_ml_texts_scored_total')?.value).toBe('2');
  });

  it('keeps the fast tier score and says why when the model misses its time budget', async () => {
    proxy = await startProxy(upstream.url, {
      security: { ml: ml({ model_dir: slowDir, timeout_ms: 1 }) },
    });
    await send(proxy.server.url, { body: chat(MODEL_ONLY) });
    const [span] = await proxy.spans();
    expect(span?.tags['ml_skipped']).toBe('timeout');
    expect(span?.tags['ml_score']).toBeUndefined();
    // The fast tier's own score of this benign-looking sentence.
    expect(span?.securityScore).toBeLessThan(50);
    const health = await send(proxy.server.url, { method: 'GET', path: '/health' });
    expect(JSON.parse(health.body.toString())).toMatchObject({
      status: 'ok',
      ml: { timeouts: 1 },
    });
    const metrics = await send(proxy.server.url, { method: 'GET', path: '/metrics' });
    const families = parsePrometheus(metrics.body.toString());
    expect(
      sample(families, 'llmtrace_ml_prompts_skipped_total', { reason: 'timeout' })?.value,
    ).toBe('1');
  });

  it('block mode keeps the fast tier unless security.ml.block is true', async () => {
    const block = { mode: 'block', block_threshold: 80 };
    proxy = await startProxy(upstream.url, { security: { ...block, ml: ml() } });
    const passed = await send(proxy.server.url, { body: chat(MODEL_ONLY) });
    expect(passed.status).toBe(200);
    // …and capture still records the model's opinion.
    const [span] = await proxy.spans();
    expect(span?.securityScore).toBe(Math.round(100 * MODEL_ONLY_P));
    await proxy.close();

    proxy = await startProxy(upstream.url, { security: { ...block, ml: ml({ block: true }) } });
    const blocked = await send(proxy.server.url, { body: chat(MODEL_ONLY) });
    expect(blocked.status).toBe(403);
    expect(upstream.requests).toHaveLength(1);
    const [refused] = await proxy.spans();
    expect(refused?.securityFindings.some((f) => f.metadata['tier'] === 'ml')).toBe(true);
    // Judged once, on the request path: capture adds its tags without scoring it again.
    expect(Number(refused?.tags['ml_score'])).toBeCloseTo(MODEL_ONLY_P, 3);
    const benign = await send(proxy.server.url, { body: chat(BENIGN) });
    expect(benign.status).toBe(200);
    await proxy.spans();
    // Each prompt went through the model once (on the request path), not again in capture.
    const health = await send(proxy.server.url, { method: 'GET', path: '/health' });
    expect(JSON.parse(health.body.toString())).toMatchObject({ ml: { scored: 2 } });
  });

  it('refuses to start on a model folder it cannot use, saying why', async () => {
    const config = buildConfig({
      listen: { host: '127.0.0.1', port: 0 },
      storage: { profile: 'memory' },
      security: {
        ml: { enabled: true, model_dir: join(root, 'missing'), runtime_dir: ML_RUNTIME_DIR },
      },
    });
    await expect(startServer({ config, logger: pino({ level: 'silent' }) })).rejects.toThrow(
      /security\.ml: cannot start the transformer tier: .*config\.json/,
    );
  });
});

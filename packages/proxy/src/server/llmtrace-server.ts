import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  createPricingEngine,
  LLMTraceError,
  type Config,
  type Storage,
  type TraceRepository,
  type TraceSpan,
} from '@llmtrace/core';
import { createAnalyzer, redactPii } from '@llmtrace/security';
import { createStorage } from '@llmtrace/storage';
import type { Logger } from 'pino';
import { AdmitStage } from '../admit/admit-stage.js';
import { InflightBodies } from '../admit/inflight-bodies.js';
import { AlertManager } from '../alerts/alert-manager.js';
import { createApiApp } from '../api/api-app.js';
import { Authenticator, keyFromHeaders } from '../api/authenticator.js';
import type { AnyRoute } from '../api/route.js';
import { sessionRoutes } from '../api/routes/session-routes.js';
import { timeseriesRoutes } from '../api/routes/timeseries-routes.js';
import { SessionAuth } from '../api/session-auth.js';
import { ProxyAuth } from '../auth/proxy-auth.js';
import { BudgetGuard } from '../budgets/budget-guard.js';
import { CacheFailurePolicy } from '../budgets/cache-failure-policy.js';
import { buildSpan, type SpanPricer } from '../capture/build-span.js';
import {
  CapturePipeline,
  HANDOFF_JOBS,
  HANDOFF_MS,
  SYNC_WRITE_CHUNK,
  WRITES_IN_FLIGHT,
} from '../capture/capture-pipeline.js';
import type { CapturedSpan } from '../capture/span-job.js';
import { actionAnalyzerOf, buildOptionsOf, spanSettingsOf } from '../capture/span-settings.js';
import { SpanWorkerPool, spanWorkerCount } from '../capture/span-worker-pool.js';
import type { Exchange } from '../exchange/exchange.js';
import { ForwardStage } from '../forward/forward-stage.js';
import { buildUpstreamTable } from '../forward/upstream-targets.js';
import { RelayStage } from '../relay/relay-stage.js';
import { RequestPath } from '../request-path/request-path.js';
import { destinationOf, ReservedPaths } from '../reserved/reserved-paths.js';
import { DEFAULT_ANALYSIS_BUDGET } from '../security/analysis-budget.js';
import { MlSpanScoring } from '../security/ml-span-scoring.js';
import { createRequestScreen, type SpanAnalyzer } from '../security/span-security.js';
import { AccessLog } from '../settle/access-log.js';
import { SettleStage } from '../settle/settle-stage.js';
import {
  listenMetrics,
  MetricsEndpoint,
  type MetricsAuthorizer,
  type MetricsServer,
} from '../telemetry/metrics-endpoint.js';
import type { OtlpSpanExport } from '../telemetry/otlp-span-export.js';
import { ProxyMetrics } from '../telemetry/proxy-metrics.js';
import { RetentionJob } from '../tenant/retention-job.js';
import { RateLimiter } from '../budgets/rate-limiter.js';
import { TenantDirectory } from '../tenant/tenant-directory.js';
import { AnomalyDetector } from '../security/anomaly-detector.js';
import { CanaryRegistry } from '../security/canary-registry.js';
import { withCanaryFindings } from '../security/span-canaries.js';
import { createUiHandler, defaultUiDir } from '../ui/ui-handler.js';
import { UpstreamClient } from '../upstream/upstream-client.js';

/** Keep at most this much of one response for capture (the client always gets all of it). */
const MAX_CAPTURE_BYTES = 32 * 1024 * 1024;
/** How often Node checks client header/request timeouts (its default, 30 s, held slow sockets ~75 s). */
const CLIENT_TIMEOUT_CHECK_MS = 1_000;

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** A running LLMTrace server. */
export interface LLMTraceServer {
  readonly url: string;
  readonly port: number;
  readonly storage: Storage;
  readonly capture: CapturePipeline;
  readonly retention: RetentionJob;
  /** Requests and tokens per minute (issue 19). */
  readonly rateLimiter: RateLimiter;
  /** Alert delivery and history (inactive when `alerts.enabled` is false). */
  readonly alerts: AlertManager;
  /** Budget and token caps; undefined when no tenant has any. */
  readonly budgets: BudgetGuard | undefined;
  /** The global bound on request bodies in memory (`limits.max_inflight_body_bytes`). */
  readonly bodies: InflightBodies;
  /** Prometheus metrics; undefined when `metrics.enabled` is false. */
  readonly metrics: ProxyMetrics | undefined;
  /** Where `/metrics` is served when `metrics.listen` moves it off the proxy's port. */
  readonly metricsUrl: string | undefined;
  /** OTLP span export; undefined without `telemetry.otlp`. */
  readonly otlp: OtlpSpanExport | undefined;
  /** Anomaly detection; undefined unless `security.anomaly.enabled`. */
  readonly anomalies: AnomalyDetector | undefined;
  /** Stops accepting, finishes in-flight responses, flushes capture, closes storage. */
  close(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  readonly config: Readonly<Config>;
  readonly logger: Logger;
  /** Use this storage instead of opening the configured one (tests); it is still closed on close(). */
  readonly storage?: Storage;
  readonly analyze?: SpanAnalyzer;
  readonly price?: SpanPricer;
  readonly redact?: (text: string) => string;
  /** More REST routes (alerts, costs…). */
  readonly extraRoutes?: readonly AnyRoute[];
  /** Built dashboard to serve at `/ui` (default: the `@llmtrace/dashboard` package's `dist`). */
  readonly uiDir?: string;
}

/**
 * Opens storage, starts the capture pipeline and serves HTTP on one port: the REST API under
 * `/api/v1` and `/health` (fastify), and every other path forwarded to the upstream by the proxy's
 * own lean handler, which never goes through the framework.
 */
export async function startServer(options: StartServerOptions): Promise<LLMTraceServer> {
  const { config, logger } = options;
  const pricing = createPricingEngine(config.pricing);
  const price =
    options.price ?? ((provider, model, usage) => pricing.estimate(provider, model, usage));
  const security = config.security;
  const upstreams = buildUpstreamTable(config);
  const spanSettings = spanSettingsOf(config, upstreams.defaultProvider);
  // Spans are built in worker threads, each loading the analyzer once; this thread builds them
  // only with `capture.workers: 0` or when a caller hands in its own hooks (functions cannot
  // cross to a worker).
  const spanWorkers = spanWorkerCount(config.capture.workers);
  const inlineCapture =
    spanWorkers === 0 ||
    options.analyze !== undefined ||
    options.price !== undefined ||
    options.redact !== undefined;
  const inlineOptions = inlineCapture ? buildOptionsOf(spanSettings) : undefined;
  const analyze = options.analyze ?? inlineOptions?.analyze;
  /** Whether spans get a security analysis (admit sets it per exchange with the tenant's setting). */
  const analysing = inlineCapture ? analyze !== undefined : security.enabled;
  // Tool-call rules, compiled on this thread too: the API classifies with them, and a bad rule
  // stops the start here rather than a span worker.
  const actions = actionAnalyzerOf(security);
  const redact = options.redact ?? (security.redact_pii ? redactPii : undefined);
  // The request-path screen (flag and block modes) needs an analyzer on this thread too; in
  // observe mode this thread never loads the classifier.
  const screenAnalyzer = security.enabled && security.mode !== 'observe' ? createAnalyzer() : null;
  screenAnalyzer?.analyze('warm-up');
  const analysisBudget = { ...DEFAULT_ANALYSIS_BUDGET, timeoutMs: security.analysis_timeout_ms };
  // The optional transformer tier (issue 20, item 6): a worker pool that scores captured spans; in
  // block mode it decides on the request path only with `security.ml.block`.
  const ml =
    security.enabled && security.ml.enabled ? await MlSpanScoring.start(security.ml) : undefined;
  const mlBlock = ml !== undefined && security.mode === 'block' && security.ml.block;
  const screen =
    screenAnalyzer !== null && security.mode !== 'observe'
      ? {
          mode: security.mode,
          blockThreshold: security.block_threshold,
          blockOn: new Set<string>(security.block_on),
          run: createRequestScreen(screenAnalyzer, analysisBudget),
          ...(mlBlock
            ? {
                refine: async (
                  request: Parameters<MlSpanScoring['analyse']>[0],
                  fast: Parameters<MlSpanScoring['analyse']>[1],
                ) => (await ml.analyse(request, fast)).analysis,
              }
            : {}),
        }
      : undefined;

  // SQLite writes block the thread they run on. Storage made here writes on a writer thread; a lite
  // repository passed in writes on this one, so capture gives it short transactions (see below).
  const writesOnThisThread = config.storage.profile === 'lite' && options.storage !== undefined;
  const storage =
    options.storage ??
    (await createStorage(config.storage, {
      migrate: config.migrate_on_start,
      // SQLite writes (and WAL checkpoints) run on a worker thread, off the forwarding event loop;
      // it commits what capture hands over in transactions of `capture.batch_size` spans at most,
      // none waiting longer than `capture.flush_interval_ms`.
      writerThread: {
        group: { spans: config.capture.batch_size, ms: config.capture.flush_interval_ms },
      },
    }));
  const tenants = new TenantDirectory(storage.metadata, logger);
  // Always built: a tenant's `config.canary.enabled` may turn detection on where the global
  // setting is off. With detection off for a tenant, its lookups return at once, reading nothing.
  const canaries = new CanaryRegistry({
    metadata: storage.metadata,
    logger,
    defaults: security.canary,
    tenantConfig: (tenantId) => tenants.peek(tenantId)?.config,
  });
  let publicUrl = '';
  const alerts = new AlertManager({
    config: config.alerts,
    cache: storage.cache,
    metadata: storage.metadata,
    logger,
    thresholdsFor: (tenantId) => tenants.peek(tenantId)?.config?.alertThresholds,
    baseUrl: () => publicUrl,
  });
  // One policy for losing the counters' cache, shared by budget caps and rate limits.
  const cachePolicy = new CacheFailurePolicy({ mode: config.budgets.on_cache_failure, logger });
  const guard = new BudgetGuard({
    config: config.budgets,
    cache: storage.cache,
    price,
    logger,
    defaultProvider: upstreams.defaultProvider,
    cachePolicy,
    ...(alerts.active ? { onThreshold: (event) => alerts.onBudget(event) } : {}),
  });
  // No caps anywhere: admission never even asks (STYLE rule 15).
  const budgets = guard.empty ? undefined : guard;
  const rateLimiter = new RateLimiter({
    defaults: config.rate_limits,
    cache: storage.cache,
    cachePolicy,
    defaultCompletionTokens: config.budgets.default_completion_tokens,
    logger,
  });
  const settle = new SettleStage({ budgets, alerts, rateLimiter });
  const metrics = config.metrics.enabled
    ? new ProxyMetrics({
        version: VERSION,
        tenantLabel: config.metrics.tenant_label,
        maxLabelSets: config.metrics.max_label_sets,
      })
    : undefined;
  const telemetry = config.telemetry;
  // Loaded only when configured: without export the OpenTelemetry packages are never imported.
  const otlp =
    telemetry.otlp === undefined
      ? undefined
      : await (
          await import('../telemetry/otlp-span-export.js')
        ).createOtlpSpanExport(
          {
            endpoint: telemetry.otlp.endpoint,
            protocol: telemetry.otlp.protocol,
            headers: telemetry.otlp.headers,
            timeoutMs: telemetry.otlp.timeout_ms,
          },
          {
            serviceName: telemetry.service_name,
            version: VERSION,
            captureContent: telemetry.capture_content,
            redact,
            queueSize: telemetry.queue_size,
            batchSize: telemetry.batch_size,
            flushIntervalMs: telemetry.flush_interval_ms,
            logger,
          },
        );
  // Access and findings log (issue 11, item 4): from finished spans and from refusals.
  const accessLog = new AccessLog({
    logger,
    requests: config.logging.access_log,
    findingsAt: config.log_findings_at,
  });
  // Every finished span, on the thread where capture hands it over: settle, log, count, export.
  type SpanHook = (span: TraceSpan, ex: Exchange, captured: CapturedSpan) => void;
  const spanHooks: SpanHook[] = [];
  if (settle.active) spanHooks.push((span, ex) => settle.settle(span, ex));
  spanHooks.push((span, ex) => accessLog.spanFinished(span, ex));
  if (metrics !== undefined) {
    spanHooks.push((span, ex) =>
      metrics.spanFinished(
        span,
        ex.forwardedMs === null || ex.bodyReadMs === null ? null : ex.forwardedMs - ex.bodyReadMs,
      ),
    );
  }
  if (otlp !== undefined) {
    const withInput = telemetry.capture_content;
    // The request comes back with the span: its bytes went to the span worker.
    spanHooks.push((span, _ex, { request }) => {
      otlp.add(span, {
        requestModel: request?.model ?? null,
        input: withInput && request !== null ? request : undefined,
      });
    });
  }
  // Anomaly detection (issue 19): baselines in the cache layer, fed by finished spans; what it
  // finds goes to alerts (their cooldown applies) and onto the stored span.
  const anomalyConfig = security.anomaly;
  const anomalies = anomalyConfig.enabled
    ? new AnomalyDetector({
        cache: storage.cache,
        logger,
        settings: {
          warmupSamples: anomalyConfig.warmup_samples,
          threshold: anomalyConfig.threshold,
          window: anomalyConfig.window,
          newBehaviour: anomalyConfig.new_behaviour,
        },
        onAnomaly: ({ span, findings }) => {
          const marked = { ...span, securityFindings: [...span.securityFindings, ...findings] };
          alerts.onSpan({ ...span, securityFindings: [...findings] });
          // The span is written by capture's batch; replace it once that write is done.
          capture
            .flush()
            .then(() => storage.traces.storeSpan(marked))
            .catch((error: unknown) => {
              logger.warn({ err: error, spanId: span.spanId }, 'could not store anomaly findings');
            });
        },
      })
    : undefined;
  if (anomalies !== undefined) spanHooks.push((span) => anomalies.onSpan(span));
  const onSpan =
    spanHooks.length === 0
      ? undefined
      : spanHooks.length === 1
        ? spanHooks[0]
        : (span: TraceSpan, ex: Exchange, captured: CapturedSpan) => {
            for (const hook of spanHooks) hook(span, ex, captured);
          };
  // A store that holds batches back to commit them together (it has `flush`: the SQLite writer
  // thread made above) gets a few spans at a time, soon after their requests end, so no request's
  // objects wait on this thread for a whole batch. Every other store gets whole batches.
  const handOff = storage.traces.flush !== undefined;
  const capture = new CapturePipeline({
    traces: metrics === undefined ? storage.traces : timedWrites(storage.traces, metrics),
    builder:
      inlineOptions === undefined
        ? new SpanWorkerPool({ size: spanWorkers, settings: spanSettings, logger })
        : async (ex) => ({
            span: await buildSpan(ex, {
              ...inlineOptions,
              analyze,
              price,
              redact,
            }),
            request: ex.parsedRequest(),
          }),
    queueSize: config.capture.queue_size,
    maxQueueBytes: config.capture.max_queue_bytes,
    batchSize: handOff
      ? Math.min(config.capture.batch_size, HANDOFF_JOBS)
      : config.capture.batch_size,
    flushIntervalMs: handOff
      ? Math.min(config.capture.flush_interval_ms, HANDOFF_MS)
      : config.capture.flush_interval_ms,
    // A SQLite store on this thread gets short transactions: a commit blocks the event loop.
    writeChunk: writesOnThisThread ? SYNC_WRITE_CHUNK : config.capture.batch_size,
    // The writer thread holds each hand-off until its group commits (up to flush_interval_ms).
    writesInFlight: handOff ? WRITES_IN_FLIGHT : 1,
    breaker: {
      failureThreshold: config.capture.breaker.failure_threshold,
      resetMs: config.capture.breaker.reset_ms,
    },
    logger,
    onSpan,
    // After a span is built, on this thread: the tenant's canaries (the registry and its store
    // live here, not in span workers), then the transformer tier, which does not score twice a
    // request it already judged on the request path (block mode with security.ml.block).
    enrich: async (built, ex, captured) => {
      let span = built;
      if (span.response !== null || span.agentActions.length > 0) {
        const matcher = await canaries.load(ex.tenantId);
        if (matcher !== undefined) span = withCanaryFindings(span, matcher);
      }
      if (ml === undefined) return span;
      return mlBlock && ex.screening !== undefined
        ? ml.tagScreened(span, ex.screening)
        : ml.enrich(span, captured.request);
    },
  });
  const retention = new RetentionJob(storage, logger, { defaultDays: config.retention_days });
  metrics?.observe({
    capture: () => capture.stats(),
    retention: () => retention.stats(),
    alerts: () => alerts.stats(),
    ...(otlp === undefined ? {} : { export: () => otlp.stats() }),
    ...(ml === undefined ? {} : { ml: () => ml.stats() }),
  });
  const authenticator = new Authenticator({
    enabled: config.auth.enabled,
    adminKey: config.auth.admin_key,
    metadata: storage.metadata,
    defaultTenant: config.default_tenant,
  });
  const forward = new ForwardStage({
    client: new UpstreamClient({
      connectMs: config.timeouts.connect_ms,
      firstByteMs: config.timeouts.first_byte_ms,
      idleMs: config.timeouts.idle_ms,
    }),
    upstreamFor: upstreams.upstreamFor,
    canaryToInject: (ex) => canaries.injectValueFor(ex.tenantId),
  });
  const relay = new RelayStage({
    maxCaptureBytes: MAX_CAPTURE_BYTES,
    // Streams are watched for canaries only in block mode, and only for tenants that have some.
    canaryCutOff: security.mode === 'block' ? (ex) => canaries.matcherFor(ex.tenantId) : undefined,
  });
  const reserved = new ReservedPaths({ version: VERSION, dashboard: true });
  const bodies = new InflightBodies(config.limits.max_inflight_body_bytes);
  const requestPath = new RequestPath({
    admit: new AdmitStage({
      auth: new ProxyAuth({ keys: authenticator, defaultTenant: config.default_tenant }),
      tenants,
      rateLimiter,
      analyse: analysing,
      budgets,
      screen,
      requireKey: config.auth.enabled,
    }),
    forward,
    relay,
    capture,
    reserved,
    defaultProvider: upstreams.defaultProvider,
    maxBodyBytes: config.limits.max_body_bytes,
    bodies,
    logger,
    onRefusal: (refusal) => {
      metrics?.refused(refusal.code);
      // A recorded refusal is logged from its span, like any other request.
      if (!refusal.recorded) accessLog.refused(refusal.exchange, refusal.status, refusal.code);
    },
  });
  // Metrics cover every tenant: with auth on, only the admin key reads them on the proxy's port.
  const authorizeScrape: MetricsAuthorizer | undefined = config.auth.enabled
    ? async (headers) => {
        try {
          const principal = await authenticator.resolve(keyFromHeaders(headers));
          return principal.kind === 'admin_key'
            ? null
            : new LLMTraceError('FORBIDDEN', '/metrics needs the admin key');
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }
    : undefined;
  const metricsListen = config.metrics.listen;
  const metricsEndpoint =
    metrics === undefined
      ? undefined
      : new MetricsEndpoint({
          metrics,
          // A separate listener is reached by the scraper only (the operator binds it so).
          authorize: metricsListen === undefined ? authorizeScrape : undefined,
        });
  const metricsOnProxyPort = metricsListen === undefined ? metricsEndpoint : undefined;

  const sessions = new SessionAuth({
    cache: storage.cache,
    metadata: storage.metadata,
    authenticator,
    adminKey: config.auth.admin_key,
  });
  const ui = createUiHandler(options.uiDir ?? defaultUiDir());
  let server: Server | undefined;
  const app = await createApiApp({
    storage,
    authenticator,
    logger,
    version: VERSION,
    budgets,
    redactPii: redact !== undefined,
    defaultRetentionDays: config.retention_days,
    actions,
    serverFactory: (apiHandler) => {
      server = createServer(
        {
          keepAliveTimeout: 65_000,
          // Slow or stalled clients are answered 408 and let go (issue 14, item 11).
          headersTimeout: config.timeouts.client_headers_ms,
          requestTimeout: config.timeouts.client_request_ms,
          connectionsCheckingInterval: CLIENT_TIMEOUT_CHECK_MS,
        },
        (req: IncomingMessage, res: ServerResponse) => {
          const destination = destinationOf(req.method, req.url ?? '/');
          if (destination === 'proxy') requestPath.handle(req, res);
          else if (destination === 'api') apiHandler(req, res);
          else if (destination === 'ui') ui(req, res);
          else if (destination === 'metrics' && metricsOnProxyPort !== undefined) {
            metricsOnProxyPort.answer(req, res);
          } else reserved.answer(destination, req, res);
        },
      );
      server.maxConnections = config.limits.max_connections;
      server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
        logger.debug({ err: error }, 'malformed or too slow request from client');
        const status =
          error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
        if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
        else socket.destroy();
      });
      return server;
    },
    health: async () => {
      const [traces, metadata, cache] = await Promise.all([
        storage.traces.health(),
        storage.metadata.health(),
        storage.cache.health(),
      ]);
      const stats = capture.stats();
      const ok =
        traces.ok && metadata.ok && cache.ok && stats.breaker === 'closed' && !cachePolicy.degraded;
      return {
        ok,
        body: {
          status: ok ? 'ok' : 'degraded',
          version: VERSION,
          storage: { traces, metadata, cache },
          capture: stats,
          alerts: alerts.stats(),
          ...(budgets === undefined ? {} : { budgets: budgets.stats() }),
          counters: cachePolicy.stats(),
          bodies: bodies.stats(),
          retention: retention.stats(),
          // Export failures show here but do not degrade health: forwarding is unaffected.
          ...(otlp === undefined ? {} : { telemetry: { otlp: otlp.stats() } }),
          // The transformer tier's drops and timeouts show here; they never degrade health.
          ...(ml === undefined ? {} : { ml: ml.stats() }),
        },
      };
    },
    tenantChanged: async (tenantId) => {
      authenticator.forget(tenantId);
      await tenants.refresh(tenantId);
      await canaries.refresh(tenantId);
    },
    extraRoutes: [
      ...sessionRoutes(sessions),
      ...timeseriesRoutes(storage),
      ...(options.extraRoutes ?? []),
    ],
    authenticate: (request) => sessions.authenticate(request),
  });

  await app.listen({ port: config.listen.port, host: config.listen.host });
  let metricsServer: MetricsServer | undefined;
  if (metricsEndpoint !== undefined && metricsListen !== undefined) {
    metricsServer = await listenMetrics(metricsEndpoint, metricsListen);
  }
  retention.start();
  const http = server as unknown as Server;
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  publicUrl = `http://${host}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    storage,
    capture,
    retention,
    rateLimiter,
    alerts,
    budgets,
    bodies,
    metrics,
    metricsUrl: metricsServer?.url,
    otlp,
    anomalies,
    close() {
      closing ??= (async () => {
        retention.stop();
        // Stop accepting; idle keep-alive sockets are closed, in-flight responses finish.
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        // Sockets that go idle after their last response are closed as they do; a client that keeps
        // one open forever does not hold shutdown hostage.
        const sweeper = setInterval(() => http.closeIdleConnections(), 250);
        const deadline = setTimeout(() => {
          // Responses still running are cut: their spans end as `shutdown`, not `client_abort`.
          relay.shutDown();
          http.closeAllConnections();
        }, config.timeouts.shutdown_grace_ms);
        await stopped;
        clearInterval(sweeper);
        clearTimeout(deadline);
        await forward.close();
        await capture.close();
        // The last spans' baselines are updated before the cache closes.
        await anomalies?.flush();
        await ml?.close();
        // Capture's last spans settle budgets and raise alerts: let those finish before storage goes.
        await settle.close();
        await otlp?.close();
        await metricsServer?.close();
        await storage.close();
      })();
      return closing;
    },
  };
}

/**
 * The trace repository with each batch write timed for `llmtrace_storage_write_duration_seconds`.
 * A proxy rather than a wrapper class: adapters keep state in `#private` fields, so every other
 * member is read from (and bound to) the adapter itself.
 */
function timedWrites(traces: TraceRepository, metrics: ProxyMetrics): TraceRepository {
  // Not `async (spans) => …`: that would hold the spans until the store answers (see
  // CapturePipeline#startWrite).
  const storeBatch: TraceRepository['storeBatch'] = (spans) => {
    const start = performance.now();
    const seconds = (): number => (performance.now() - start) / 1000;
    return traces.storeBatch(spans).then(
      (result) => {
        metrics.storageWrite(seconds(), result.failed.length === 0);
        return result;
      },
      (error: unknown) => {
        metrics.storageWrite(seconds(), false);
        throw error;
      },
    );
  };
  return new Proxy(traces, {
    get(target, property) {
      if (property === 'storeBatch') return storeBatch;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

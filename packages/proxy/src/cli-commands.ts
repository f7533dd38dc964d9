import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import {
  capYoungGeneration,
  keepGcOnOneCpu,
  keepYoungGenerationWhenIdle,
  MALLOC_TUNABLES,
  mallocTrimSetting,
  setHeapGrowthPercent,
} from '@llmtrace/core/runtime';
import { idleHeap } from './cli-runtime.js';
import { formatIssues, loadConfig, type ConfigFlags } from './config/load-config.js';

// Commands import what they need when they run, so `--version`, `--help` and `validate` start fast.

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

interface CommonOptions extends ConfigFlags {
  readonly config?: string;
}

/**
 * Loads the config or exits listing every problem. Warnings (old names, variables that set nothing)
 * are printed here unless the caller logs them itself (the proxy, once its logger exists).
 */
function load(options: CommonOptions, printWarnings = true) {
  const result = loadConfig({ file: options.config, env: process.env, flags: options });
  if (result.warnings.length > 0 && (printWarnings || !result.ok)) {
    process.stderr.write(
      `llmtrace: configuration warning${result.warnings.length === 1 ? '' : 's'}:\n${formatIssues(result.warnings)}\n`,
    );
  }
  if (!result.ok) {
    process.stderr.write(
      `llmtrace: invalid configuration (${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}):\n${formatIssues(result.issues)}\n`,
    );
    process.exit(1);
  }
  return result;
}

const configOption = () => new Option('-c, --config <file>', 'YAML configuration file');

const program = new Command()
  .name('llmtrace')
  .description('Security-aware observability proxy for LLM APIs')
  .version(pkg.version, '-v, --version')
  .showHelpAfterError()
  // The young-generation cap (cli-runtime.ts) is for the long-running proxy; batch commands
  // (copy, eval, prune) move many objects at once and keep V8's larger young generation.
  .hook('preAction', (_program, command) => {
    if (command.name() !== 'proxy') capYoungGeneration(0);
  });

program
  .command('proxy')
  .description('run the proxy (forwards to the upstream, records traces)')
  .addOption(configOption())
  .option('-p, --port <port>', 'listen port (overrides listen.port)')
  .option('--host <host>', 'listen address (overrides listen.host)')
  .option('-u, --upstream <url>', 'default upstream URL (overrides upstream_url)')
  .option('--storage-path <file>', 'SQLite file (sets storage.profile to lite)')
  .addOption(
    new Option('-l, --log-level <level>', 'log level').choices([
      'trace',
      'debug',
      'info',
      'warn',
      'error',
      'fatal',
      'silent',
    ]),
  )
  .action(async (options: CommonOptions) => {
    const { config, warnings } = load(options, false);
    const { createLogger } = await import('./logger.js');
    const { startServer } = await import('./server/llmtrace-server.js');
    const { describeStartup } = await import('./config/startup-summary.js');
    const logger = createLogger(config.logging, process.stdout.isTTY);
    // One record each, so old names and variables that set nothing are never silently ignored.
    for (const warning of warnings) {
      logger.warn(
        {
          config_path: warning.path,
          source: warning.source,
          file: warning.file,
          line: warning.line,
        },
        `configuration: ${formatIssues([warning]).trim()}`,
      );
    }
    if (!config.auth.enabled) {
      logger.warn(
        'authentication is disabled: anyone who can reach this port can use the proxy and read every trace (set auth.enabled and auth.admin_key)',
      );
    }
    // Process-wide, so here and not in startServer (which tests and embedders run in their process).
    if (setHeapGrowthPercent(config.limits.heap_growth_percent) === 'command-line') {
      logger.info(
        'limits.heap_growth_percent: left to --heap-growing-percent on the node command line',
      );
    }
    if (idleHeap === 'command-line') {
      logger.info(
        'shrinking the heap while idle: left to V8 (memory-reducer flags on the command line)',
      );
    }
    if (keepGcOnOneCpu() === 'set') {
      logger.info('one CPU available: garbage collection runs on the JavaScript thread alone');
    }
    if (mallocTrimSetting(process.env) === 'unset') {
      logger.info(
        `glibc's malloc keeps freed memory resident: start the proxy with GLIBC_TUNABLES=${MALLOC_TUNABLES} for 10–15 MB less RSS under load (npm start and the Docker image do; README, Memory and garbage collection)`,
      );
    }
    const server = await startServer({ config, logger });
    // Once serving: starting (loading modules) would have doubled it past the cap between two
    // turns of the event loop (cli-runtime.ts holds it until now).
    if (capYoungGeneration(config.limits.max_semi_space_mb) === 'command-line') {
      logger.info(
        'limits.max_semi_space_mb: left to the young-generation flags on the node command line',
      );
    }
    // After a quiet minute V8 would shrink the young generation at the next burst's first
    // scavenges; a trickle of garbage keeps its measured allocation rate up (issue 13).
    const idleAllocation = keepYoungGenerationWhenIdle();
    const summary = describeStartup(config, server.url);
    // On a terminal the lines alone read best (pino-pretty would print every field again under
    // them); JSON logs carry the fields for machines.
    const pretty =
      config.logging.format === 'pretty' ||
      (config.logging.format === 'auto' && process.stdout.isTTY);
    if (pretty) logger.info(summary.text);
    else logger.info(summary.fields, summary.text);
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      idleAllocation.stop();
      logger.info({ signal }, 'shutting down: finishing in-flight requests and flushing traces');
      server
        .close()
        .then(() => {
          logger.info(server.capture.stats(), 'stopped');
          logger.flush();
          process.exit(0);
        })
        .catch((error: unknown) => {
          logger.error({ err: error }, 'error while shutting down');
          process.exit(1);
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });

program
  .command('validate')
  .description('check a configuration file; exit 0 when valid, 1 with every problem listed')
  .addOption(configOption())
  .action((options: CommonOptions) => {
    const { config, file } = load(options);
    process.stdout.write(
      `${file ?? 'configuration'} is valid (upstream ${config.upstream_url}, storage ${config.storage.profile})\n`,
    );
  });

program
  .command('migrate')
  .description(
    'apply pending storage migrations (SQLite, PostgreSQL, ClickHouse) and list each one',
  )
  .addOption(configOption())
  .action(async (options: CommonOptions) => {
    const { config } = load(options);
    const { migrate } = await import('@llmtrace/storage');
    const results = await migrate(config.storage);
    if (results.length === 0)
      process.stdout.write(`storage profile ${config.storage.profile}: nothing to migrate\n`);
    for (const r of results) {
      process.stdout.write(
        `${r.status.padEnd(8)} ${r.name}${r.error === undefined ? '' : `: ${r.error}`}\n`,
      );
    }
    const failed = results.filter((r) => r.status === 'failed').length;
    const applied = results.filter((r) => r.status === 'applied').length;
    process.stdout.write(
      `${applied} applied, ${results.length - applied - failed} already applied, ${failed} failed\n`,
    );
    process.exit(failed === 0 ? 0 : 1);
  });

program
  .command('prune')
  .description(
    "delete traces past each tenant's retention now (retention_days), with progress per tenant",
  )
  .addOption(configOption())
  .option('--dry-run', 'count what would be deleted, delete nothing')
  .option('--tenant <id>', 'only this tenant')
  .option(
    '--before <time>',
    "delete traces created before this ISO 8601 time instead of each tenant's retention",
  )
  .action(
    async (options: CommonOptions & { dryRun?: boolean; tenant?: string; before?: string }) => {
      const { config } = load(options);
      const { runPrune } = await import('./prune-command.js');
      const code = await runPrune(config, options, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
      process.exit(code);
    },
  );

program
  .command('copy')
  .description(
    'copy tenants, API key hashes, audit log, alert history and traces from one storage to another (e.g. lite to production); resumable, idempotent, verified by counts',
  )
  .requiredOption('--from <file>', 'configuration whose storage is read (left unchanged)')
  .requiredOption('--to <file>', 'configuration whose storage receives the copy (migrated first)')
  .option('--batch-size <n>', 'records or traces per batch', '500')
  .option('--state <file>', 'progress file to resume from (default: llmtrace-copy-<hash>.json)')
  .option('--restart', 'ignore a saved progress file and start from the beginning')
  .action(
    async (options: {
      from: string;
      to: string;
      batchSize: string;
      state?: string;
      restart?: boolean;
    }) => {
      const { runCopy } = await import('./copy-command.js');
      process.exit(await runCopy({ ...options, env: process.env }));
    },
  );

program
  .command('eval')
  .description(
    'score the security detector on labelled JSONL data ({text, label 0|1, source?} per line)',
  )
  .option('-d, --data <paths...>', 'JSONL file(s) of labelled records; with --loso also folders')
  .option(
    '-t, --threshold <score>',
    'score (0-100) at or above which a record counts as flagged',
    '50',
  )
  .option(
    '--loso',
    'leave-one-source-out: retrain without each source and score it (default data: the bundled training data)',
  )
  .option('--target-fpr <rate>', 'with --loso: benign false-positive rate the threshold aims at')
  .option('--json', 'print the report as JSON instead of a table')
  .action(
    async (options: {
      data?: string[];
      threshold: string;
      loso?: boolean;
      targetFpr?: string;
      json?: boolean;
    }) => {
      const fail = (message: string): never => {
        process.stderr.write(`llmtrace eval: ${message}\n`);
        process.exit(1);
      };
      const threshold = Number(options.threshold);
      if (!Number.isInteger(threshold) || threshold < 0 || threshold > 100)
        fail('--threshold must be an integer from 0 to 100');
      const targetFpr = options.targetFpr === undefined ? undefined : Number(options.targetFpr);
      if (targetFpr !== undefined && !(targetFpr > 0 && targetFpr < 1))
        fail('--target-fpr must be a number between 0 and 1, e.g. 0.03');
      const { readEvalRecords, readLosoRecords } = await import('./eval/read-eval-records.js');
      const security = await import('@llmtrace/security/eval');
      const report = (problems: string[]): void => {
        if (problems.length === 0) return;
        fail(`${problems.length} bad record(s):\n  ${problems.slice(0, 20).join('\n  ')}`);
      };
      if (options.loso === true) {
        const { records, problems } =
          options.data === undefined
            ? { records: security.readLabelledDirs(security.BUNDLED_DATA_DIRS), problems: [] }
            : readLosoRecords(options.data);
        report(problems);
        if (new Set(records.map((r) => r.source)).size < 2)
          fail('--loso needs at least two sources (the "source" field, or one file per source)');
        process.stderr.write(`featurising ${records.length} records...\n`);
        const set = security.prepareTrainingSet(records);
        const bar = process.stderr.isTTY ? security.createProgressBar(process.stderr) : undefined;
        const loso = await security.leaveOneSourceOutInParallel(set, {
          targetFpr,
          onProgress: bar,
        });
        process.stdout.write(
          options.json === true
            ? `${JSON.stringify(loso, null, 2)}\n`
            : `${security.formatLosoReport(loso)}\n`,
        );
        return;
      }
      if (options.data === undefined || options.data.length === 0)
        fail('--data <file.jsonl> is required (or use --loso)');
      const records = [];
      for (const file of options.data ?? []) {
        const r = readEvalRecords(file);
        report(r.problems);
        records.push(...r.records);
      }
      const result = await security.evaluate(records, {
        threshold,
        total: records.length,
        onProgress: process.stderr.isTTY ? security.createProgressBar(process.stderr) : undefined,
      });
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(result, null, 2)}\n`
          : `${security.formatEvalReport(result)}\n`,
      );
    },
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`llmtrace: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

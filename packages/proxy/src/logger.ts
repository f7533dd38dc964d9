import { pino, type Logger } from 'pino';
import type { Config } from '@llmtrace/core';

/**
 * Structured logs with pino: readable on a terminal, JSON otherwise (or as configured). Secrets in
 * headers are redacted by path in case a request object is ever logged.
 */
export function createLogger(logging: Config['logging'], isTty: boolean): Logger {
  const pretty = logging.format === 'pretty' || (logging.format === 'auto' && isTty);
  return pino({
    level: logging.level,
    base: undefined,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers["x-llmtrace-key"]',
        'headers.authorization',
        'headers["x-api-key"]',
        'headers["x-llmtrace-key"]',
      ],
      censor: '[redacted]',
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' },
          },
        }
      : {}),
  });
}

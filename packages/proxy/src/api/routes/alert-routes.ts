import { AlertRecord, type Storage } from '@llmtrace/core';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../route.js';
import { page, timeRangeQuery } from '../schemas.js';
import { readScope } from '../scope.js';

const AlertListQuery = timeRangeQuery({
  status: AlertRecord.shape.status.optional(),
  /** A channel id as recorded: its `name`, or `<type>:<index>` (e.g. `slack:0`). */
  channel: z.string().min(1).max(200).optional(),
});

/**
 * Alert history: every alert sent, suppressed by its cooldown, or failed — of the caller's tenant,
 * or of every tenant for the admin key and with auth off (see `readScope`).
 */
export function alertRoutes(storage: Storage): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/alerts',
      summary: 'Alert history (sent, suppressed, failed), newest first',
      tag: 'alerts',
      role: 'viewer',
      query: AlertListQuery,
      response: page(AlertRecord),
      handler: async ({ query, principal }) =>
        storage.metadata.queryAlerts({
          tenantId: readScope(principal, query.tenant_id),
          limit: query.limit,
          offset: query.offset,
          ...(query.status === undefined ? {} : { status: query.status }),
          ...(query.channel === undefined ? {} : { channel: query.channel }),
          ...(query.from === undefined ? {} : { from: query.from }),
          ...(query.to === undefined ? {} : { to: query.to }),
        }),
    }),
  ];
}

import { createHash } from 'node:crypto';
import type { MetadataRepository, NewAlertRecord, NewApiKey, NewAuditEvent } from '@llmtrace/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock, type Fixture, type ManualClock } from './fixtures.js';

const DEFAULT_CONFIG = {
  securityAnalysis: true,
  alertThresholds: {},
  rateLimitRpm: null,
  retentionDays: null,
};

/**
 * Behaviour every {@link MetadataRepository} must have. `make` returns a fresh, empty repository
 * that reads time from `now`.
 */
export function metadataRepositoryContract(
  name: string,
  make: (now: () => number) => Promise<Fixture<MetadataRepository>>,
): void {
  describe(`MetadataRepository contract: ${name}`, () => {
    let repo: MetadataRepository;
    let cleanup: () => Promise<void>;
    let clock: ManualClock;
    const iso = () => new Date(clock.now()).toISOString();

    beforeEach(async () => {
      clock = manualClock();
      ({ repo, cleanup } = await make(clock.now));
    });
    afterEach(async () => {
      await cleanup();
    });

    describe('tenants', () => {
      it('creates a tenant with defaults and reads it back', async () => {
        const created = await repo.createTenant({ id: 'acme', name: 'Acme' });
        expect(created).toEqual({
          id: 'acme',
          name: 'Acme',
          plan: 'free',
          config: DEFAULT_CONFIG,
          createdAt: '2026-03-01T12:00:00.000Z',
          updatedAt: '2026-03-01T12:00:00.000Z',
          deletedAt: null,
        });
        expect(await repo.getTenant('acme')).toEqual(created);
        expect(await repo.getTenant('missing')).toBeNull();
      });

      it('keeps a partial config merged with defaults', async () => {
        const created = await repo.createTenant({
          id: 'acme',
          name: 'Acme',
          plan: 'pro',
          config: { rateLimitRpm: 600, alertThresholds: { minSeverity: 'high' } },
        });
        expect(created.config).toEqual({
          ...DEFAULT_CONFIG,
          rateLimitRpm: 600,
          alertThresholds: { minSeverity: 'high' },
        });
        expect((await repo.getTenant('acme'))?.plan).toBe('pro');
      });

      it('fails with STORAGE_CONFLICT for an existing id and leaves the tenant unchanged', async () => {
        await repo.createTenant({ id: 'acme', name: 'Acme' });
        await expect(repo.createTenant({ id: 'acme', name: 'Impostor' })).rejects.toMatchObject({
          code: 'STORAGE_CONFLICT',
        });
        expect((await repo.getTenant('acme'))?.name).toBe('Acme');
      });

      it('rejects invalid tenants with VALIDATION_FAILED', async () => {
        await expect(repo.createTenant({ id: 'bad id!', name: 'x' })).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
        await expect(repo.createTenant({ id: 'ok', name: '' })).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
        expect(await repo.getTenant('ok')).toBeNull();
      });

      it('updates name and plan, bumping updatedAt only', async () => {
        await repo.createTenant({ id: 'acme', name: 'Acme' });
        clock.advance(5_000);
        const updated = await repo.updateTenant('acme', { name: 'Acme Corp' });
        expect(updated).toMatchObject({
          name: 'Acme Corp',
          plan: 'free',
          createdAt: '2026-03-01T12:00:00.000Z',
          updatedAt: '2026-03-01T12:00:05.000Z',
        });
        expect(await repo.getTenant('acme')).toEqual(updated);
        expect((await repo.updateTenant('acme', { plan: 'pro' }))?.name).toBe('Acme Corp');
        expect(await repo.updateTenant('missing', { name: 'x' })).toBeNull();
      });

      it('soft-deletes: kept with deletedAt, hidden from the default listing, frozen', async () => {
        await repo.createTenant({ id: 'acme', name: 'Acme' });
        clock.advance(1_000);
        expect(await repo.deleteTenant('acme')).toBe(true);
        expect(await repo.deleteTenant('acme')).toBe(false);
        expect(await repo.deleteTenant('missing')).toBe(false);
        const deleted = await repo.getTenant('acme');
        expect(deleted?.deletedAt).toBe('2026-03-01T12:00:01.000Z');
        expect(await repo.updateTenant('acme', { name: 'back' })).toBeNull();
        await expect(repo.upsertTenantConfig('acme', DEFAULT_CONFIG)).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
        await expect(repo.createTenant({ id: 'acme', name: 'Again' })).rejects.toMatchObject({
          code: 'STORAGE_CONFLICT',
        });
        expect((await repo.listTenants({ limit: 10, offset: 0 })).total).toBe(0);
        const all = await repo.listTenants({ includeDeleted: true, limit: 10, offset: 0 });
        expect(all.items.map((t) => t.id)).toEqual(['acme']);
      });

      it('lists tenants by creation time, then id, with pagination and totals', async () => {
        for (const id of ['c', 'a', 'b']) {
          await repo.createTenant({ id, name: id });
          clock.advance(10);
        }
        await repo.createTenant({ id: 'd', name: 'd' });
        await repo.createTenant({ id: 'e0', name: 'e0' }); // same ms as d: ordered by id
        await repo.deleteTenant('a');
        const page = await repo.listTenants({ limit: 10, offset: 0 });
        expect(page.items.map((t) => t.id)).toEqual(['c', 'b', 'd', 'e0']);
        expect(page.total).toBe(4);
        const second = await repo.listTenants({ limit: 2, offset: 2 });
        expect(second.items.map((t) => t.id)).toEqual(['d', 'e0']);
        expect(second).toMatchObject({ total: 4, limit: 2, offset: 2 });
        expect((await repo.listTenants({ limit: 2, offset: 9 })).items).toEqual([]);
        const withDeleted = await repo.listTenants({ includeDeleted: true, limit: 1, offset: 1 });
        expect(withDeleted.items.map((t) => t.id)).toEqual(['a']);
        expect(withDeleted.total).toBe(5);
      });
    });

    describe('tenant config', () => {
      it('reads, replaces and validates the config', async () => {
        await repo.createTenant({ id: 'acme', name: 'Acme' });
        expect(await repo.getTenantConfig('acme')).toEqual(DEFAULT_CONFIG);
        expect(await repo.getTenantConfig('missing')).toBeNull();
        const next = {
          securityAnalysis: false,
          alertThresholds: { minSecurityScore: 70 },
          rateLimitRpm: 60,
          retentionDays: 30,
        };
        clock.advance(1);
        expect(await repo.upsertTenantConfig('acme', next)).toEqual(next);
        expect(await repo.getTenantConfig('acme')).toEqual(next);
        expect((await repo.getTenant('acme'))?.updatedAt).toBe('2026-03-01T12:00:00.001Z');
        await expect(repo.upsertTenantConfig('missing', next)).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
        await expect(
          repo.upsertTenantConfig('acme', { ...next, rateLimitRpm: -5 }),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(await repo.getTenantConfig('acme')).toEqual(next);
      });
    });

    describe('canaries (issue 19)', () => {
      const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
      const newCanary = (id: string, tenantId: string, value: string) => ({
        id,
        tenantId,
        label: `label ${id}`,
        value,
        valueHash: sha256(value),
      });

      it('stores canaries per tenant, lists them with values, deletes only its own', async () => {
        const created = await repo.createCanary(newCanary('c1', 'acme', 'CANARY-acme-0001'));
        expect(created).toEqual({
          id: 'c1',
          tenantId: 'acme',
          label: 'label c1',
          prefix: 'CANARY',
          createdAt: '2026-03-01T12:00:00.000Z',
        });
        expect(JSON.stringify(created)).not.toContain('acme-0001');
        await repo.createCanary(newCanary('c2', 'other', 'CANARY-other-0002'));
        expect(await repo.listCanaries('acme')).toEqual([
          { ...created, value: 'CANARY-acme-0001' },
        ]);
        await expect(
          repo.createCanary(newCanary('c3', 'acme', 'CANARY-acme-0001')),
        ).rejects.toMatchObject({ code: 'STORAGE_CONFLICT' });
        // The same value in another tenant is that tenant's business.
        await repo.createCanary(newCanary('c4', 'other', 'CANARY-acme-0001'));
        expect(await repo.deleteCanary('other', 'c1')).toBe(false);
        expect(await repo.listCanaries('acme')).toHaveLength(1);
        expect(await repo.deleteCanary('acme', 'c1')).toBe(true);
        expect(await repo.listCanaries('acme')).toEqual([]);
        expect((await repo.listCanaries('other')).map((c) => c.id)).toEqual(['c2', 'c4']);
      });

      it('refuses a value too short or with spaces', async () => {
        await expect(repo.createCanary(newCanary('c1', 'acme', 'short'))).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
        await expect(
          repo.createCanary(newCanary('c1', 'acme', 'has a space in it')),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(await repo.listCanaries('acme')).toEqual([]);
      });
    });

    describe('API keys', () => {
      const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');
      const newKey = (id: string, overrides: Partial<NewApiKey> = {}): NewApiKey => ({
        id,
        tenantId: 'acme',
        name: `key ${id}`,
        role: 'viewer',
        prefix: `llmt_${id.padEnd(8, '0').slice(0, 8)}`,
        keyHash: sha256(`llmt_secret_${id}`),
        ...overrides,
      });

      it('stores a key, finds it by hash, and never returns the hash', async () => {
        const created = await repo.createApiKey(newKey('k1', { role: 'admin' }));
        expect(created).toEqual({
          id: 'k1',
          tenantId: 'acme',
          name: 'key k1',
          role: 'admin',
          prefix: 'llmt_k1000000',
          createdAt: '2026-03-01T12:00:00.000Z',
          revokedAt: null,
        });
        expect(await repo.findApiKeyByHash(sha256('llmt_secret_k1'))).toEqual(created);
        expect(await repo.findApiKeyByHash(sha256('wrong'))).toBeNull();
        expect(JSON.stringify(await repo.listApiKeys('acme'))).not.toContain(
          sha256('llmt_secret_k1'),
        );
      });

      it('refuses a hash that is not a SHA-256 digest (a key in clear must never be stored)', async () => {
        await expect(
          repo.createApiKey(newKey('k1', { keyHash: 'llmt_this_is_the_secret_key' })),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(await repo.listApiKeys('acme')).toEqual([]);
        await expect(
          repo.createApiKey(newKey('k2', { role: 'root' as 'admin' })),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      });

      it('fails with STORAGE_CONFLICT for a duplicate id or hash', async () => {
        await repo.createApiKey(newKey('k1'));
        await expect(
          repo.createApiKey(newKey('k1', { keyHash: sha256('other') })),
        ).rejects.toMatchObject({ code: 'STORAGE_CONFLICT' });
        await expect(
          repo.createApiKey(newKey('k2', { keyHash: sha256('llmt_secret_k1') })),
        ).rejects.toMatchObject({ code: 'STORAGE_CONFLICT' });
        expect((await repo.listApiKeys('acme')).map((k) => k.id)).toEqual(['k1']);
      });

      it("lists a tenant's keys newest first, revoked ones included", async () => {
        await repo.createApiKey(newKey('k1'));
        await repo.createApiKey(newKey('k2'));
        clock.advance(1_000);
        await repo.createApiKey(newKey('k3'));
        await repo.createApiKey(newKey('o1', { tenantId: 'other' }));
        clock.advance(1_000);
        expect(await repo.revokeApiKey('acme', 'k1')).toBe(true);
        const keys = await repo.listApiKeys('acme');
        expect(keys.map((k) => k.id)).toEqual(['k3', 'k2', 'k1']);
        expect(keys[2]?.revokedAt).toBe('2026-03-01T12:00:02.000Z');
        expect((await repo.findApiKeyByHash(sha256('llmt_secret_k1')))?.revokedAt).toBe(
          '2026-03-01T12:00:02.000Z',
        );
        expect(await repo.listApiKeys('nobody')).toEqual([]);
      });

      it("revokes only the tenant's own live key", async () => {
        await repo.createApiKey(newKey('k1'));
        await repo.createApiKey(newKey('o1', { tenantId: 'other' }));
        expect(await repo.revokeApiKey('acme', 'o1')).toBe(false);
        expect((await repo.findApiKeyByHash(sha256('llmt_secret_o1')))?.revokedAt).toBeNull();
        expect(await repo.revokeApiKey('acme', 'missing')).toBe(false);
        expect(await repo.revokeApiKey('acme', 'k1')).toBe(true);
        expect(await repo.revokeApiKey('acme', 'k1')).toBe(false);
      });
    });

    describe('audit', () => {
      const event = (overrides: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
        tenantId: 'acme',
        actor: 'admin',
        action: 'tenant.create',
        resourceType: 'tenant',
        resourceId: 'acme',
        details: {},
        ...overrides,
      });

      it('assigns id and time, and returns what it stored', async () => {
        const recorded = await repo.recordAudit(event({ details: { ip: '127.0.0.1', n: [1] } }));
        expect(recorded.id).toMatch(/.+/);
        expect(recorded.createdAt).toBe(iso());
        const page = await repo.queryAudit({ tenantId: 'acme', limit: 10, offset: 0 });
        expect(page.items).toEqual([recorded]);
        const explicit = await repo.recordAudit(
          event({ createdAt: '2026-03-01T14:00:00+02:00', resourceId: null }),
        );
        expect(explicit.createdAt).toBe('2026-03-01T12:00:00.000Z');
        expect(explicit.resourceId).toBeNull();
      });

      it('queries newest first (insertion order breaks ties) with every filter', async () => {
        const a = await repo.recordAudit(event());
        const b = await repo.recordAudit(event({ action: 'key.revoke', resourceType: 'key' }));
        clock.advance(60_000);
        const c = await repo.recordAudit(event({ actor: 'system' }));
        clock.advance(60_000);
        const d = await repo.recordAudit(
          event({ action: 'key.revoke', resourceType: 'key', actor: 'system' }),
        );
        await repo.recordAudit(event({ tenantId: 'other' }));
        const q = { tenantId: 'acme', limit: 10, offset: 0 };
        const idsOf = async (extra: object) =>
          (await repo.queryAudit({ ...q, ...extra })).items.map((e) => e.id);
        expect(await idsOf({})).toEqual([d.id, c.id, b.id, a.id]);
        expect(await idsOf({ action: 'key.revoke' })).toEqual([d.id, b.id]);
        expect(await idsOf({ actor: 'system' })).toEqual([d.id, c.id]);
        expect(await idsOf({ resourceType: 'tenant' })).toEqual([c.id, a.id]);
        expect(await idsOf({ from: '2026-03-01T12:01:00.000Z' })).toEqual([d.id, c.id]);
        expect(await idsOf({ to: '2026-03-01T12:01:00.000Z' })).toEqual([b.id, a.id]);
        expect(await idsOf({ action: 'key.revoke', actor: 'admin' })).toEqual([b.id]);
        const page = await repo.queryAudit({ ...q, limit: 1, offset: 1 });
        expect(page.items.map((e) => e.id)).toEqual([c.id]);
        expect(page.total).toBe(4);
        expect((await repo.queryAudit({ ...q, offset: 4 })).items).toEqual([]);
      });

      it('never returns another tenant events', async () => {
        await repo.recordAudit(event({ tenantId: 'other', action: 'secret.read' }));
        const page = await repo.queryAudit({ tenantId: 'acme', limit: 10, offset: 0 });
        expect(page).toMatchObject({ items: [], total: 0 });
        const other = await repo.queryAudit({ tenantId: 'other', limit: 10, offset: 0 });
        expect(other.items.map((e) => e.action)).toEqual(['secret.read']);
      });

      it('reads every tenant when no tenant is named, newest first', async () => {
        const a = await repo.recordAudit(event());
        clock.advance(1_000);
        const b = await repo.recordAudit(event({ tenantId: 'other' }));
        const all = await repo.queryAudit({ limit: 10, offset: 0 });
        expect(all.items.map((e) => e.id)).toEqual([b.id, a.id]);
        expect(all.total).toBe(2);
        const filtered = await repo.queryAudit({ actor: 'admin', limit: 1, offset: 1 });
        expect(filtered.items.map((e) => e.tenantId)).toEqual(['acme']);
      });

      it('rejects an invalid event', async () => {
        await expect(repo.recordAudit(event({ action: '' }))).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
      });
    });

    describe('alerts', () => {
      const alert = (overrides: Partial<NewAlertRecord> = {}): NewAlertRecord => ({
        tenantId: 'acme',
        channel: 'webhook:0',
        kind: 'security',
        status: 'sent',
        severity: 'high',
        title: 'Prompt injection',
        details: {},
        traceId: 'trace-1',
        ...overrides,
      });

      it('assigns id and time, and round-trips every field', async () => {
        const recorded = await repo.recordAlert(
          alert({ details: { findings: ['f-1'], score: 91, nested: { ok: true } } }),
        );
        expect(recorded).toEqual({
          id: expect.stringMatching(/.+/) as unknown,
          tenantId: 'acme',
          channel: 'webhook:0',
          kind: 'security',
          status: 'sent',
          severity: 'high',
          title: 'Prompt injection',
          details: { findings: ['f-1'], score: 91, nested: { ok: true } },
          traceId: 'trace-1',
          createdAt: iso(),
        });
        const budget = await repo.recordAlert(
          alert({
            kind: 'budget',
            status: 'failed',
            severity: 'medium',
            title: '',
            traceId: null,
            createdAt: '2026-03-01T13:00:00+01:00',
          }),
        );
        expect(budget).toMatchObject({ traceId: null, createdAt: '2026-03-01T12:00:00.000Z' });
        const page = await repo.queryAlerts({ tenantId: 'acme', limit: 10, offset: 0 });
        expect(page.items).toEqual([budget, recorded]);
        expect(page.total).toBe(2);
      });

      it('queries newest first (insertion order breaks ties) with every filter', async () => {
        const a = await repo.recordAlert(alert());
        const b = await repo.recordAlert(alert({ status: 'suppressed' }));
        clock.advance(60_000);
        const c = await repo.recordAlert(alert({ channel: 'slack:1' }));
        clock.advance(60_000);
        const d = await repo.recordAlert(alert({ channel: 'slack:1', status: 'failed' }));
        const q = { tenantId: 'acme', limit: 10, offset: 0 };
        const idsOf = async (extra: object) =>
          (await repo.queryAlerts({ ...q, ...extra })).items.map((e) => e.id);
        expect(await idsOf({})).toEqual([d.id, c.id, b.id, a.id]);
        expect(await idsOf({ status: 'sent' })).toEqual([c.id, a.id]);
        expect(await idsOf({ status: 'suppressed' })).toEqual([b.id]);
        expect(await idsOf({ channel: 'slack:1' })).toEqual([d.id, c.id]);
        expect(await idsOf({ channel: 'slack:1', status: 'sent' })).toEqual([c.id]);
        expect(await idsOf({ from: '2026-03-01T12:01:00.000Z' })).toEqual([d.id, c.id]);
        expect(await idsOf({ to: '2026-03-01T12:01:00.000Z' })).toEqual([b.id, a.id]);
        expect(
          await idsOf({ from: '2026-03-01T12:00:30.000Z', to: '2026-03-01T12:01:30.000Z' }),
        ).toEqual([c.id]);
        const page = await repo.queryAlerts({ ...q, limit: 2, offset: 1 });
        expect(page.items.map((e) => e.id)).toEqual([c.id, b.id]);
        expect(page).toMatchObject({ total: 4, limit: 2, offset: 1 });
        expect((await repo.queryAlerts({ ...q, offset: 4 })).items).toEqual([]);
        expect((await repo.queryAlerts({ ...q, status: 'sent', limit: 1 })).total).toBe(2);
      });

      it("never returns another tenant's alerts", async () => {
        await repo.recordAlert(alert({ tenantId: 'other', title: 'secret' }));
        const page = await repo.queryAlerts({ tenantId: 'acme', limit: 10, offset: 0 });
        expect(page).toMatchObject({ items: [], total: 0 });
        const other = await repo.queryAlerts({ tenantId: 'other', limit: 10, offset: 0 });
        expect(other.items.map((e) => e.title)).toEqual(['secret']);
      });

      it('reads every tenant when no tenant is named, newest first', async () => {
        const a = await repo.recordAlert(alert());
        clock.advance(1_000);
        const b = await repo.recordAlert(alert({ tenantId: 'other', status: 'failed' }));
        const all = await repo.queryAlerts({ limit: 10, offset: 0 });
        expect(all.items.map((r) => r.id)).toEqual([b.id, a.id]);
        const failed = await repo.queryAlerts({ status: 'failed', limit: 10, offset: 0 });
        expect(failed.items.map((r) => r.tenantId)).toEqual(['other']);
      });

      it('rejects an invalid alert or query', async () => {
        await expect(repo.recordAlert(alert({ status: 'lost' as 'sent' }))).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
        await expect(repo.recordAlert(alert({ channel: '' }))).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
        await expect(
          repo.queryAlerts({ tenantId: 'acme', limit: -1, offset: 0 }),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
        await expect(
          repo.queryAlerts({ tenantId: 'acme', from: 'yesterday', limit: 1, offset: 0 }),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
        expect((await repo.queryAlerts({ tenantId: 'acme', limit: 10, offset: 0 })).total).toBe(0);
      });
    });

    describe('export and import for llmtrace copy', () => {
      const hash = (key: string) => createHash('sha256').update(key).digest('hex');

      async function seedAll(): Promise<void> {
        await repo.createTenant({ id: 'b-tenant', name: 'B' });
        await repo.createTenant({ id: 'a-tenant', name: 'A', config: { rateLimitRpm: 5 } });
        clock.advance(1000);
        await repo.deleteTenant('b-tenant');
        await repo.createApiKey({
          id: 'key-2',
          tenantId: 'a-tenant',
          name: 'ci',
          role: 'viewer',
          prefix: 'lt_2',
          keyHash: hash('two'),
        });
        await repo.createApiKey({
          id: 'key-1',
          tenantId: 'b-tenant',
          name: 'admin',
          role: 'admin',
          prefix: 'lt_1',
          keyHash: hash('one'),
        });
        await repo.revokeApiKey('b-tenant', 'key-1');
        for (const tenantId of ['a-tenant', 'b-tenant']) {
          await repo.recordAudit({
            tenantId,
            actor: 'admin',
            action: 'tenant.create',
            resourceType: 'tenant',
            resourceId: tenantId,
            details: { n: 1 },
          });
          await repo.recordAlert({
            tenantId,
            channel: 'webhook',
            kind: 'security',
            status: 'sent',
            severity: 'high',
            title: 'injection',
            details: {},
            traceId: null,
          });
        }
      }

      it('pages each kind over every tenant in id order, keys with their hashes', async () => {
        await seedAll();
        const tenants = await repo.exportRecords('tenants', null, 1);
        expect(tenants).toMatchObject({ kind: 'tenants', records: [{ id: 'a-tenant' }] });
        const rest = await repo.exportRecords('tenants', 'a-tenant', 10);
        expect(rest.records).toEqual([await repo.getTenant('b-tenant')]);
        expect(rest.records[0]).toMatchObject({ deletedAt: '2026-03-01T12:00:01.000Z' });
        const keys = await repo.exportRecords('api_keys', null, 10);
        expect(keys.kind).toBe('api_keys');
        expect(keys.records).toEqual([
          { ...(await repo.findApiKeyByHash(hash('one'))), keyHash: hash('one') },
          { ...(await repo.findApiKeyByHash(hash('two'))), keyHash: hash('two') },
        ]);
        const audit = await repo.exportRecords('audit', null, 10);
        expect(audit.records.map((e) => e.id)).toEqual(audit.records.map((e) => e.id).sort());
        expect(audit.records).toHaveLength(2);
        const alerts = await repo.exportRecords('alerts', null, 1);
        const more = await repo.exportRecords('alerts', alerts.records[0]!.id, 10);
        if (alerts.kind !== 'alerts' || more.kind !== 'alerts') throw new Error('wrong kind');
        expect([...alerts.records, ...more.records].map((a) => a.tenantId).sort()).toEqual([
          'a-tenant',
          'b-tenant',
        ]);
        expect(await repo.countRecords('tenants')).toBe(2);
        expect(await repo.countRecords('api_keys')).toBe(2);
        expect(await repo.countRecords('audit')).toBe(2);
        expect(await repo.countRecords('alerts')).toBe(2);
      });

      it('imports records as they are, skipping ids (and key hashes) already present', async () => {
        await seedAll();
        const batches = await Promise.all(
          (['tenants', 'api_keys', 'audit', 'alerts'] as const).map((k) =>
            repo.exportRecords(k, null, 100),
          ),
        );
        const { repo: target, cleanup: closeTarget } = await make(clock.now);
        try {
          for (const batch of batches) {
            expect(await target.importRecords(batch)).toEqual({
              written: batch.records.length,
              skipped: 0,
            });
            expect(await target.importRecords(batch)).toEqual({
              written: 0,
              skipped: batch.records.length,
            });
          }
          for (const batch of batches) {
            expect(await target.exportRecords(batch.kind, null, 100)).toEqual(batch);
          }
          expect(await target.findApiKeyByHash(hash('one'))).toMatchObject({
            id: 'key-1',
            revokedAt: '2026-03-01T12:00:01.000Z',
          });
          const events = await target.queryAudit({ tenantId: 'a-tenant', limit: 10, offset: 0 });
          expect(events.total).toBe(1);
        } finally {
          await closeTarget();
        }
      });

      it('refuses a key without a SHA-256 hash and writes nothing of that batch', async () => {
        await expect(
          repo.importRecords({
            kind: 'api_keys',
            records: [
              {
                id: 'k',
                tenantId: 'a',
                name: 'n',
                role: 'viewer',
                prefix: 'p',
                createdAt: '2026-01-01T00:00:00.000Z',
                revokedAt: null,
                keyHash: 'sk-live-in-clear',
              },
            ],
          }),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(await repo.countRecords('api_keys')).toBe(0);
      });
    });

    it('reports health', async () => {
      expect((await repo.health()).ok).toBe(true);
    });
  });
}

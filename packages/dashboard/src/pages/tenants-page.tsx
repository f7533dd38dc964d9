import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import {
  AUDIT_PAGE_SIZE,
  useAudit,
  useCreateKey,
  useCreateTenant,
  useKeys,
  useRevokeKey,
  useTenants,
} from '../api/queries.js';
import type { KeyRole } from '../api/types.js';
import { DataTable } from '../components/data-table.js';
import { SecretOnce } from '../components/secret-once.js';
import { Empty, ErrorBox } from '../components/states.js';
import { formatDateTime } from '../lib/format.js';
import { useIsGlobalAdmin, useSessionInfo, useTenantScope } from '../scope.js';

function KeysPanel({ tenant }: { tenant: string }) {
  const keys = useKeys(tenant);
  const create = useCreateKey(tenant);
  const revoke = useRevokeKey(tenant);
  const [name, setName] = useState('');
  const [role, setRole] = useState<KeyRole>('viewer');
  const [secret, setSecret] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return;
    create.mutate(
      { name: name.trim(), role },
      {
        onSuccess: (created) => {
          setSecret(created.key);
          setName('');
        },
      },
    );
  };
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">API keys of {tenant}</h2>
      {secret === null ? null : (
        <SecretOnce
          title="New API key"
          secret={secret}
          onClose={() => setSecret(null)}
          note="LLMTrace keeps only its hash."
        />
      )}
      <form className="filters" onSubmit={submit} aria-label="Create an API key">
        <label>
          Name{' '}
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="ci-pipeline"
            required
          />
        </label>
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.target.value as KeyRole)}>
            <option value="viewer">viewer (read)</option>
            <option value="operator">operator</option>
            <option value="admin">admin (manage keys)</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create key
        </button>
      </form>
      {create.error === null ? null : <ErrorBox error={create.error} />}
      {revoke.error === null ? null : <ErrorBox error={revoke.error} />}
      <DataTable
        query={keys}
        what="keys"
        rows={(k) => k.items}
        rowKey={(key) => key.id}
        columns={[
          { header: 'Name', cell: (key) => key.name },
          { header: 'Prefix', cell: (key) => <code>{key.prefix}…</code> },
          { header: 'Role', cell: (key) => key.role },
          { header: 'Created', cell: (key) => formatDateTime(key.created_at) },
          {
            header: 'State',
            cell: (key) =>
              key.revoked_at === null ? (
                <span className="badge ok">active</span>
              ) : (
                <span className="badge sev-info">revoked {formatDateTime(key.revoked_at)}</span>
              ),
          },
          {
            header: <span className="sr-only">Actions</span>,
            cell: (key) =>
              key.revoked_at === null ? (
                <button
                  type="button"
                  className="danger"
                  disabled={revoke.isPending}
                  onClick={() => {
                    if (
                      window.confirm(
                        `Revoke the key "${key.name}" (${key.prefix}…)? It stops working at once.`,
                      )
                    )
                      revoke.mutate(key.id);
                  }}
                >
                  Revoke
                </button>
              ) : null,
          },
        ]}
        empty="This tenant has no API keys yet."
      />
    </section>
  );
}

function AuditPanel({ tenant }: { tenant: string }) {
  const [page, setPage] = useState(1);
  const audit = useAudit(tenant, page);
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <DataTable
        query={audit}
        what="audit events"
        rows={(p) => p.items}
        rowKey={(e) => e.id}
        columns={[
          { header: 'Time', cell: (e) => formatDateTime(e.created_at) },
          { header: 'Actor', cell: (e) => e.actor },
          { header: 'Action', cell: (e) => <code>{e.action}</code> },
          { header: 'Resource', cell: (e) => `${e.resource_type} ${e.resource_id ?? ''}` },
          {
            header: 'Details',
            cell: (e) => <code className="wrap">{JSON.stringify(e.details)}</code>,
          },
        ]}
        paging={{ page, total: (p) => p.total, onPage: setPage, pageSize: AUDIT_PAGE_SIZE }}
      />
    </section>
  );
}

function TenantList() {
  const tenants = useTenants(true);
  const create = useCreateTenant();
  const [params] = useSearchParams();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { id: id.trim(), name: name.trim() || id.trim() },
      {
        onSuccess: () => {
          setId('');
          setName('');
        },
      },
    );
  };
  const linkTo = (tenant: string) => {
    const next = new URLSearchParams(params);
    next.set('tenant', tenant);
    return `/tenants?${next.toString()}`;
  };
  return (
    <section aria-labelledby="tenant-list-title">
      <h2 id="tenant-list-title">Tenants</h2>
      <form className="filters" onSubmit={submit} aria-label="Create a tenant">
        <label>
          Id{' '}
          <input
            value={id}
            onChange={(e) => setId(e.target.value)}
            placeholder="acme-prod"
            required
            pattern="[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}"
          />
        </label>
        <label>
          Name{' '}
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Acme (production)"
          />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create tenant
        </button>
      </form>
      {create.error === null ? null : <ErrorBox error={create.error} />}
      <DataTable
        query={tenants}
        what="tenants"
        rows={(p) => p.items}
        rowKey={(t) => t.id}
        rowClassName={(t) => (params.get('tenant') === t.id ? 'selected' : undefined)}
        columns={[
          { header: 'Id', cell: (t) => <Link to={linkTo(t.id)}>{t.id}</Link> },
          { header: 'Name', cell: (t) => t.name },
          { header: 'Plan', cell: (t) => t.plan },
          { header: 'Created', cell: (t) => formatDateTime(t.created_at) },
        ]}
      />
    </section>
  );
}

export function TenantsPage() {
  const global = useIsGlobalAdmin();
  const session = useSessionInfo();
  const tenant = useTenantScope();
  const canManage = global || session.role === 'admin';
  return (
    <section aria-labelledby="tenants-title">
      <h1 id="tenants-title">Tenants &amp; API keys</h1>
      {global ? <TenantList /> : null}
      {!canManage ? (
        <Empty>Managing keys needs a key with the admin role; this one is {session.role}.</Empty>
      ) : tenant === undefined ? (
        <Empty>Pick a tenant to manage its keys and read its audit log.</Empty>
      ) : (
        <>
          <KeysPanel tenant={tenant} />
          <AuditPanel tenant={tenant} />
        </>
      )}
    </section>
  );
}

import { useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import {
  useAudit,
  useCreateKey,
  useCreateTenant,
  useKeys,
  useRevokeKey,
  useTenants,
} from '../api/queries.js';
import type { KeyRole } from '../api/types.js';
import { Empty, ErrorBox, QueryState } from '../components/states.js';
import { formatDateTime, formatInt } from '../lib/format.js';
import { pageCount } from '../lib/url-state.js';
import { useIsGlobalAdmin, useSessionInfo, useTenantScope } from '../scope.js';

/** A newly created key, shown once: after this panel is closed it cannot be read again. */
function NewKey({ secret, onClose }: { secret: string; onClose: () => void }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const field = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      // The clipboard API needs a secure context; select the text so Ctrl+C works instead.
      field.current?.select();
      setCopied('failed');
    }
  };
  return (
    <div className="card new-key" role="alertdialog" aria-labelledby="new-key-title">
      <h3 id="new-key-title">New API key</h3>
      <p>
        Copy it now: it is shown <strong>only once</strong> and LLMTrace keeps only its hash.
      </p>
      <div className="row">
        <input
          ref={field}
          readOnly
          value={secret}
          aria-label="New API key"
          className="mono wide"
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={() => void copy()}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' ? (
        <p className="muted">Copying is blocked here; the key is selected — press Ctrl+C.</p>
      ) : null}
      <button type="button" className="primary" onClick={onClose}>
        I have stored it
      </button>
    </div>
  );
}

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
      {secret === null ? null : <NewKey secret={secret} onClose={() => setSecret(null)} />}
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
      <QueryState
        query={keys}
        what="keys"
        isEmpty={(k) => k.items.length === 0}
        empty="This tenant has no API keys yet."
      >
        {(k) => (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {k.items.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{key.role}</td>
                  <td>{formatDateTime(key.created_at)}</td>
                  <td>
                    {key.revoked_at === null ? (
                      <span className="badge ok">active</span>
                    ) : (
                      <span className="badge sev-info">
                        revoked {formatDateTime(key.revoked_at)}
                      </span>
                    )}
                  </td>
                  <td>
                    {key.revoked_at === null ? (
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
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </section>
  );
}

function AuditPanel({ tenant }: { tenant: string }) {
  const [page, setPage] = useState(1);
  const audit = useAudit(tenant, page);
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <QueryState query={audit} what="audit events" isEmpty={(p) => p.total === 0}>
        {(p) => (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Resource</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {p.items.map((e) => (
                  <tr key={e.id}>
                    <td>{formatDateTime(e.created_at)}</td>
                    <td>{e.actor}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>
                      {e.resource_type} {e.resource_id ?? ''}
                    </td>
                    <td>
                      <code className="wrap">{JSON.stringify(e.details)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav className="pager" aria-label="Pages of audit events">
              <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                ← Newer
              </button>
              <span>
                Page {page} of {pageCount(p.total, 20)} · {formatInt(p.total)} events
              </span>
              <button
                type="button"
                disabled={page >= pageCount(p.total, 20)}
                onClick={() => setPage(page + 1)}
              >
                Older →
              </button>
            </nav>
          </>
        )}
      </QueryState>
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
      <QueryState query={tenants} what="tenants" isEmpty={(p) => p.items.length === 0}>
        {(p) => (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Name</th>
                <th scope="col">Plan</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((t) => (
                <tr key={t.id} className={params.get('tenant') === t.id ? 'selected' : undefined}>
                  <td>
                    <Link to={linkTo(t.id)}>{t.id}</Link>
                  </td>
                  <td>{t.name}</td>
                  <td>{t.plan}</td>
                  <td>{formatDateTime(t.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
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

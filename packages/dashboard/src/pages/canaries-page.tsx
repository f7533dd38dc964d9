import { useState } from 'react';
import { useCanaries, useCreateCanary, useDeleteCanary } from '../api/queries.js';
import type { Canary } from '../api/types.js';
import { DataTable, type Column } from '../components/data-table.js';
import { FilterBar, TextFilter } from '../components/filter-bar.js';
import { SecretOnce } from '../components/secret-once.js';
import { ErrorBox } from '../components/states.js';
import { TenantGate } from '../components/tenant-gate.js';
import { formatDateTime } from '../lib/format.js';

function CreateCanary({ tenant }: { tenant: string | undefined }) {
  const create = useCreateCanary(tenant);
  const [label, setLabel] = useState('');
  const [value, setValue] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const submit = () => {
    if (label.trim() === '') return;
    create.mutate(
      { label: label.trim(), ...(value.trim() === '' ? {} : { value: value.trim() }) },
      {
        onSuccess: (created) => {
          setSecret(created.value);
          setLabel('');
          setValue('');
        },
      },
    );
  };
  return (
    <>
      {secret === null ? null : (
        <SecretOnce
          title="New canary token"
          secret={secret}
          note="Lists show only its first characters; put it in your system prompt."
          onClose={() => setSecret(null)}
        />
      )}
      <FilterBar label="Create a canary" onSubmit={submit}>
        <TextFilter
          label="Label"
          value={label}
          onChange={setLabel}
          placeholder="support-bot prompt"
          required
        />
        <TextFilter
          label="Value"
          value={value}
          onChange={setValue}
          placeholder="generated when empty"
          pattern="[\x21-\x7e]{8,256}"
          title="8–256 visible characters without spaces"
        />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create canary
        </button>
      </FilterBar>
      {create.error === null ? null : <ErrorBox error={create.error} />}
    </>
  );
}

function CanaryList({ tenant, manage }: { tenant: string | undefined; manage: boolean }) {
  const canaries = useCanaries(tenant);
  const remove = useDeleteCanary(tenant);
  const columns: Column<Canary>[] = [
    { header: 'Label', cell: (c) => c.label },
    { header: 'Starts with', cell: (c) => <code>{c.prefix}…</code> },
    { header: 'Created', cell: (c) => formatDateTime(c.created_at) },
  ];
  if (manage) {
    columns.push({
      header: <span className="sr-only">Actions</span>,
      cell: (c) => (
        <button
          type="button"
          className="danger"
          disabled={remove.isPending}
          onClick={() => {
            if (
              window.confirm(`Delete the canary "${c.label}"? It stops being looked for at once.`)
            )
              remove.mutate(c.id);
          }}
        >
          Delete
        </button>
      ),
    });
  }
  return (
    <>
      {manage ? <CreateCanary tenant={tenant} /> : null}
      {remove.error === null ? null : <ErrorBox error={remove.error} />}
      <DataTable
        query={canaries}
        what="canaries"
        rows={(p) => p.items}
        rowKey={(c) => c.id}
        columns={columns}
        empty="This tenant has no canaries yet."
      />
    </>
  );
}

/**
 * Canary tokens (issue 19): strings put in a system prompt; an answer or tool call that repeats
 * one, in clear or encoded, is a critical `system_prompt_leak`.
 */
export function CanariesPage() {
  return (
    <section aria-labelledby="canaries-title">
      <h1 id="canaries-title">Canary tokens</h1>
      <p className="muted">
        Put a canary in a system prompt: an answer or a tool call that repeats it, in clear or
        encoded, is a critical <code>system_prompt_leak</code> finding.
      </p>
      <TenantGate noun="Canaries">
        {(tenant, manage) => <CanaryList tenant={tenant} manage={manage} />}
      </TenantGate>
    </section>
  );
}

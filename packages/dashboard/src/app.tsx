import { NavLink, Navigate, Route, Routes, useSearchParams } from 'react-router-dom';
import { useSession, useSignOut, useTenants } from './api/queries.js';
import { ErrorBox, Loading } from './components/states.js';
import { viewerTimeZone } from './lib/format.js';
import { ActionsPage } from './pages/actions-page.js';
import { AlertsPage } from './pages/alerts-page.js';
import { CanariesPage } from './pages/canaries-page.js';
import { CompliancePage } from './pages/compliance-page.js';
import { CostsPage } from './pages/costs-page.js';
import { LoginPage } from './pages/login-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SecurityPage } from './pages/security-page.js';
import { TenantsPage } from './pages/tenants-page.js';
import { TraceDetailPage } from './pages/trace-detail-page.js';
import { TracesPage } from './pages/traces-page.js';
import { SessionContext, useIsGlobalAdmin, useScopedHref, useSessionInfo } from './scope.js';

const NAV = [
  { path: '/', label: 'Overview' },
  { path: '/traces', label: 'Traces' },
  { path: '/security', label: 'Security' },
  { path: '/actions', label: 'Agent actions' },
  { path: '/costs', label: 'Costs & budgets' },
  { path: '/tenants', label: 'Tenants & keys' },
  { path: '/alerts', label: 'Alerts' },
  { path: '/canaries', label: 'Canaries' },
  { path: '/compliance', label: 'Compliance' },
] as const;

/** Signed in or not: the session decides between the sign-in form and the dashboard. */
export function App() {
  const session = useSession();
  if (session.isPending) return <Loading what="your session" />;
  if (session.error !== null) {
    return (
      <main className="center">
        <ErrorBox error={session.error} retry={() => void session.refetch()} />
      </main>
    );
  }
  if (session.data === null || session.data === undefined) return <LoginPage />;
  return (
    <SessionContext.Provider value={session.data}>
      <Shell />
    </SessionContext.Provider>
  );
}

function TenantSwitcher() {
  const global = useIsGlobalAdmin();
  const session = useSessionInfo();
  const [params, setParams] = useSearchParams();
  const tenants = useTenants(global);
  if (!global) {
    return (
      <span className="tenant-fixed">
        Tenant <strong>{session.tenant_id}</strong>
      </span>
    );
  }
  const current = params.get('tenant') ?? '';
  const known = tenants.data?.items ?? [];
  return (
    <label className="tenant-switcher">
      Tenant{' '}
      <select
        value={current}
        onChange={(event) => {
          const next = new URLSearchParams(params);
          if (event.target.value === '') next.delete('tenant');
          else next.set('tenant', event.target.value);
          next.delete('page');
          setParams(next);
        }}
      >
        <option value="">All tenants</option>
        {known.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name === t.id ? t.id : `${t.name} (${t.id})`}
          </option>
        ))}
        {current !== '' && !known.some((t) => t.id === current) ? (
          <option value={current}>{current}</option>
        ) : null}
      </select>
    </label>
  );
}

function Shell() {
  const session = useSessionInfo();
  const signOut = useSignOut();
  const href = useScopedHref();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">LLMTrace</span>
        <TenantSwitcher />
        <span className="spacer" />
        <span className="muted" title="All times are shown in this time zone">
          Times in {viewerTimeZone()}
        </span>
        {session.auth_enabled ? (
          <>
            <span className="who">
              {session.kind === 'admin_key' ? 'Admin' : `${session.actor} (${session.role})`}
            </span>
            <button type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
              Sign out
            </button>
          </>
        ) : null}
      </header>
      {session.auth_enabled ? null : (
        <div className="banner" role="note">
          Authentication is off: anyone who can reach this port can read every tenant. Set{' '}
          <code>auth.enabled: true</code> and an admin key to require sign-in.
        </div>
      )}
      <nav className="sidebar" aria-label="Pages">
        <ul>
          {NAV.map((item) => (
            <li key={item.path}>
              <NavLink to={href(item.path)} end={item.path === '/'}>
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Routes>
          <Route path="/" element={<OverviewPage />} />
          <Route path="/traces" element={<TracesPage />} />
          <Route path="/traces/:id" element={<TraceDetailPage />} />
          <Route path="/security" element={<SecurityPage />} />
          <Route path="/actions" element={<ActionsPage />} />
          <Route path="/costs" element={<CostsPage />} />
          <Route path="/tenants" element={<TenantsPage />} />
          <Route path="/alerts" element={<AlertsPage />} />
          <Route path="/canaries" element={<CanariesPage />} />
          <Route path="/compliance" element={<CompliancePage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </main>
    </div>
  );
}

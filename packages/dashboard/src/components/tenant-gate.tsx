import type { ReactNode } from 'react';
import { useIsGlobalAdmin, useSessionInfo, useTenantRights, useTenantScope } from '../scope.js';
import { Empty } from './states.js';

/**
 * Renders `children` with the one tenant they are about, once there is one and the caller may
 * read its settings (operator or admin): an admin with every tenant in view is asked to pick one,
 * a viewer key is told what it lacks. Children mount only then, so their queries never ask the API
 * for what it would refuse.
 */
export function TenantGate({
  noun,
  children,
}: {
  /** Plural, capitalised: "Canaries", "Reports". */
  noun: string;
  children: (tenant: string | undefined, manage: boolean) => ReactNode;
}) {
  const tenant = useTenantScope();
  const global = useIsGlobalAdmin();
  const session = useSessionInfo();
  const rights = useTenantRights();
  if (global && tenant === undefined) {
    return <Empty>{noun} are per tenant: pick a tenant at the top.</Empty>;
  }
  if (!rights.read) {
    return (
      <Empty>
        {noun} need a key with the operator or admin role; this one is {session.role}.
      </Empty>
    );
  }
  return <>{children(tenant, rights.manage)}</>;
}

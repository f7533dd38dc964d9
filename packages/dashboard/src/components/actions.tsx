import type { AgentAction, Finding } from '../api/types.js';
import { SeverityBadge } from './badges.js';

/** What an action acted on: the command, URL or path of a typed action, else its arguments. */
export function actionSubject(action: AgentAction): string {
  return action.command ?? action.url ?? action.path ?? action.arguments ?? '';
}

/** Findings about an agent action: those whose metadata names it. */
export function findingsOfAction(action: AgentAction, findings: readonly Finding[]): Finding[] {
  // Action findings name their action (metadata.actionId, a free-form map: its keys stay as is).
  return findings.filter((f) => f.metadata['actionId'] === action.id);
}

/** An action's findings, one line each with its severity; "none" when there are none. */
export function ActionFindings({ findings }: { findings: readonly Finding[] }) {
  if (findings.length === 0) return <span className="muted">none</span>;
  return (
    <>
      {findings.map((f) => (
        <div key={f.id}>
          <SeverityBadge severity={f.severity} /> {f.description}
        </div>
      ))}
    </>
  );
}

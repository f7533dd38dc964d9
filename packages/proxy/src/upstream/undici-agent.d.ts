// Types for undici's Agent loaded by its own file (upstream-client.ts says why): the class is the
// one the package index exports, so it takes the index's declaration.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';

  const AgentClass: typeof Agent;
  export default AgentClass;
}

import { openAiAdapter } from '../openai/openai-adapter.js';
import type { ProviderAdapter } from '../types.js';

/*
 * Azure OpenAI speaks the OpenAI wire format under its own paths
 * (learn.microsoft.com/azure/ai-services/openai/reference):
 *   /openai/deployments/{deployment}/chat/completions?api-version=…
 *   /openai/deployments/{deployment}/completions?api-version=…
 *   /openai/deployments/{deployment}/embeddings?api-version=…
 * and, in the newer v1 API, /openai/v1/chat/completions (and /openai/v1/responses) with the
 * deployment as `model`.
 * The request body usually has no `model`: the response's `model` names the model, else the
 * deployment does.
 */

/** Deployment path → deployment name and the OpenAI operation path after it. */
const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)(\/.*)$/;

const OPERATIONS: Readonly<Record<string, string>> = Object.freeze({
  '/chat/completions': 'chat_completion',
  '/completions': 'completion',
  '/openai/v1/chat/completions': 'chat_completion',
  '/openai/v1/completions': 'completion',
  '/openai/v1/responses': 'response',
  '/openai/responses': 'response',
});

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // A malformed escape: keep the raw segment rather than lose the name.
  }
}

/** The Azure OpenAI adapter: OpenAI parsing, Azure paths, the deployment as the fallback model. */
export const azureOpenAiAdapter: ProviderAdapter = Object.freeze({
  ...openAiAdapter,
  provider: 'azure_openai',
  operationFor(method: string, path: string): string | null {
    if (method !== 'POST') return null;
    const rest = DEPLOYMENT_PATH.exec(path)?.[2];
    // Embeddings stay generic, as they do for OpenAI; any other path may be an OpenAI one behind a
    // base URL that already names the deployment.
    return OPERATIONS[rest ?? path] ?? openAiAdapter.operationFor(method, path);
  },
  modelForPath(path: string): string | null {
    const deployment = DEPLOYMENT_PATH.exec(path)?.[1];
    return deployment === undefined ? null : decodeSegment(deployment);
  },
});

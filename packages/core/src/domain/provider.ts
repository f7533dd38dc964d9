import { z } from 'zod';

/**
 * The LLM providers LLMTrace knows. vLLM, SGLang and TGI speak the OpenAI wire format and are named
 * by configuration; `custom` is any other OpenAI-compatible server.
 *
 * @example
 * LLMProvider.parse('anthropic'); // 'anthropic'
 */
export const LLMProvider = z.enum([
  'openai',
  'anthropic',
  'vllm',
  'sglang',
  'tgi',
  'ollama',
  'azure_openai',
  'bedrock',
  'custom',
]);
/** One of the providers in {@link LLMProvider}. */
export type LLMProvider = z.infer<typeof LLMProvider>;

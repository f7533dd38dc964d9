#!/usr/bin/env node
/**
 * The `llmtrace` command. Its one static import applies the V8 settings that must come before the
 * heap grows (`cli-runtime.ts`); the commands load after it, through a dynamic import, because
 * parsing their module graph is what first grows the heap.
 */
import './cli-runtime.js';

await import('./cli-commands.js');

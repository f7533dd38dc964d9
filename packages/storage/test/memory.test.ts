import { describe, expect, it } from 'vitest';
import { createStorage } from '../src/index.js';
import { MemoryCacheLayer } from '../src/memory/memory-cache-layer.js';
import { MemoryMetadataRepository } from '../src/memory/memory-metadata-repository.js';
import { MemoryTraceRepository } from '../src/memory/memory-trace-repository.js';
import { cacheLayerContract } from './cache-layer.contract.js';
import { makeSpan } from './fixtures.js';
import { metadataRepositoryContract } from './metadata-repository.contract.js';
import { traceRepositoryContract } from './trace-repository.contract.js';

const noop = () => Promise.resolve();

traceRepositoryContract('memory', () =>
  Promise.resolve({ repo: new MemoryTraceRepository(), cleanup: noop }),
);
metadataRepositoryContract('memory', (now) =>
  Promise.resolve({ repo: new MemoryMetadataRepository({ now }), cleanup: noop }),
);
cacheLayerContract('memory', (now) =>
  Promise.resolve({ repo: new MemoryCacheLayer({ now }), cleanup: noop }),
);

describe('memory storage', () => {
  it('createStorage({ profile: "memory" }) returns a working composite', async () => {
    const storage = await createStorage({ profile: 'memory' });
    await storage.traces.storeSpan(makeSpan({ spanId: 's' }));
    expect(await storage.traces.getSpan('acme', 's')).not.toBeNull();
    await storage.metadata.createTenant({ id: 'acme', name: 'Acme' });
    expect(await storage.cache.increment('k', 1)).toBe(1);
    await storage.close();
    await storage.close();
    await expect(storage.traces.getSpan('acme', 's')).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    expect((await storage.cache.health()).ok).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { hashKey } from '../api/authenticator.js';
import { deriveTenantId } from './resolve-tenant.js';

// Stored tenant ids and key hashes must not change with how they are computed: the expected values
// are SHA-256 digests computed elsewhere (Python's hashlib).
describe('the digests behind tenant ids and stored keys', () => {
  it('derives a provider key’s tenant from the first 16 hex digits of its SHA-256', () => {
    expect(deriveTenantId('sk-test')).toBe('key-f3abf2a6cc4f0098');
  });

  it('stores an LLMTrace key as the hex SHA-256 of the whole key', () => {
    expect(hashKey('llmt_example')).toBe(
      '0cef4854d9ec3079aab30c19d4a3265f351bcf2b36031e920289035a5b79a2a6',
    );
  });
});

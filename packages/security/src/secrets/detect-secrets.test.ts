import { describe, expect, it } from 'vitest';
import { detectSecrets } from './detect-secrets.js';
import { shannonEntropy } from './shannon-entropy.js';

// Fake secrets are assembled at run time so the repository holds no token-shaped literals.
const FAKE = {
  aws: 'AKIA' + 'Q3EGRB7XZ2NLM5PK',
  awsSecret: 'aws_secret_access_key = ' + 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY',
  gcp: 'AIza' + 'SyD3kL9mN0pQ7rS2tU5vW8xY1zA4bC6dE9f',
  azure: 'AZURE_OPENAI_KEY=' + '3f9a1c7e5b2d4f6a8c0e2b4d6f8a1c3e',
  openai: 'sk-proj-' + 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z',
  anthropic: 'sk-ant-api03-' + 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe'.repeat(3),
  github: 'ghp_' + 'a1B2c3D4'.repeat(4) + 'e5F6',
  githubPat: 'github_pat_' + '11ABCDEFG0' + 'x1Y2z3W4v5'.repeat(8),
  slack: 'xoxb-' + '123456789012-1234567890123-' + 'AbCdEfGhIjKlMnOpQrStUvWx',
  stripe: 'sk_' + 'live_' + '4eC39HqLyjWDarjtT1zdp7dc',
  pem:
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA' +
    'x'.repeat(40) +
    '\n-----END RSA PRIVATE KEY-----',
  jwt:
    Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url') +
    '.' +
    Buffer.from('{"sub":"1234567890","name":"Jane"}').toString('base64url') +
    '.' +
    'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  generic: 'api_key: ' + 'Zk29xQm81vLp0rTe7Yw3',
};

describe('detectSecrets', () => {
  it.each([
    ['aws', 'aws_access_key'],
    ['awsSecret', 'aws_secret_key'],
    ['gcp', 'gcp_api_key'],
    ['azure', 'azure_key'],
    ['openai', 'openai_api_key'],
    ['anthropic', 'anthropic_api_key'],
    ['github', 'github_token'],
    ['githubPat', 'github_token'],
    ['slack', 'slack_token'],
    ['stripe', 'stripe_key'],
    ['pem', 'private_key'],
    ['jwt', 'jwt'],
    ['generic', 'generic_secret'],
  ] as const)('detects %s as %s', (name, kind) => {
    const found = detectSecrets(`here it is: ${FAKE[name]} thanks`);
    expect(found.map((s) => s.kind)).toEqual([kind]);
  });

  it('locates the secret value itself', () => {
    const text = `key=${FAKE.aws};`;
    const [s] = detectSecrets(text);
    expect(text.slice(s?.start, s?.end)).toBe(FAKE.aws);
  });

  it('does not flag placeholders, identifiers or low-entropy values', () => {
    expect(detectSecrets('api_key: YOUR_API_KEY_HERE')).toEqual([]);
    expect(detectSecrets('secret = getSecretFromVault()')).toEqual([]);
    expect(detectSecrets('password: ${DB_PASSWORD}')).toEqual([]);
    expect(detectSecrets('token: aaaaaaaaaaaaaaaa')).toEqual([]);
    expect(detectSecrets('I use scikit-learn and sk-learn models')).toEqual([]);
  });

  it('requires a JSON header for JWTs', () => {
    expect(detectSecrets('eyJhbGciOiJub3QganNvbg.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlaGVyZQ')).toEqual(
      [],
    );
  });
});

describe('shannonEntropy', () => {
  it('is 0 for one symbol and log2(n) for n equiprobable symbols', () => {
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBeCloseTo(2);
    expect(shannonEntropy('')).toBe(0);
  });
});

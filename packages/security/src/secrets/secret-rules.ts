import type { SecuritySeverity } from '@llmtrace/core';
import { shannonEntropy } from './shannon-entropy.js';

/** Kinds of secret detected; used in `[SECRET:<kind>]` placeholders. */
export type SecretKind =
  | 'aws_access_key'
  | 'aws_secret_key'
  | 'gcp_api_key'
  | 'azure_key'
  | 'openai_api_key'
  | 'anthropic_api_key'
  | 'github_token'
  | 'slack_token'
  | 'slack_webhook'
  | 'stripe_key'
  | 'gitlab_token'
  | 'huggingface_token'
  | 'npm_token'
  | 'pypi_token'
  | 'sendgrid_key'
  | 'shopify_token'
  | 'digitalocean_token'
  | 'groq_api_key'
  | 'twilio_key'
  | 'private_key'
  | 'jwt'
  | 'generic_secret';

/** One precompiled secret pattern. The secret is capture group `group` (0 = whole match). */
export interface SecretRule {
  readonly kind: SecretKind;
  readonly label: string;
  readonly severity: SecuritySeverity;
  readonly confidence: number;
  readonly pattern: RegExp;
  readonly group: number;
  /** Extra validation of the captured value (entropy, JSON header ...). */
  readonly validate?: (value: string) => boolean;
}

const JWT_PART = /^[A-Za-z0-9_-]+$/;
const PLACEHOLDER =
  /^(?:x+|\*+|\.+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[^%]*%|your[_-]?\w*|example\w*|changeme|placeholder|dummy|redacted|null|none|undefined|true|false|process\.env\.\w+|os\.environ\w*|env\(.*)$/i;
const LOWER = /[a-z]/;
const UPPER = /[A-Z]/;
const DIGIT = /\d/;
const LOWER_HEX = /^[0-9a-f]+$/;
const TYPE_PREFIX = /^[a-z]{2,6}[_-](?=[A-Za-z0-9])/;

function jwtHeaderIsJson(token: string): boolean {
  const header = token.split('.')[0] ?? '';
  if (!JWT_PART.test(header)) return false;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && ('alg' in parsed || 'typ' in parsed);
  } catch {
    // Not JSON: a dotted base64-looking string that is not a JWT.
    return false;
  }
}

/**
 * A value after a key/token label that is a credential: identifiers (`getSecretFromVault`) have no
 * digits, real short secrets almost always do. Lower-case hex (a 128-bit key printed as hex) has at
 * most 4 bits per character, so it gets a lower entropy bar than mixed-case base62/base64.
 */
function genericSecretValue(v: string): boolean {
  if (v.length < 32 && !DIGIT.test(v)) return false;
  // A short type prefix ("tok_", "key-", "live_") says nothing about randomness: test the rest.
  const body = v.replace(TYPE_PREFIX, '');
  if (LOWER_HEX.test(body)) return body.length >= 16 && looksRandom(body, 2.5);
  return looksRandom(v, v.length >= 20 ? 3.5 : 3);
}

const PREFIX_END = /^[A-Za-z]+[-_.]/;

/** A vendor token's part after its prefix is random, not a placeholder (`glpat-xxxxxxxx…`). */
function randomAfterPrefix(value: string): boolean {
  return looksRandom(value.replace(PREFIX_END, ''), 3);
}

const BASIC_PAIR = /^[\x21-\x7e][\x20-\x7e]*:[\x20-\x7e]+$/;

function isBasicCredentials(value: string): boolean {
  return BASIC_PAIR.test(Buffer.from(value, 'base64').toString('latin1'));
}

/** Random-looking: enough entropy and at least two character classes, and not a placeholder. */
export function looksRandom(value: string, minEntropy: number): boolean {
  if (PLACEHOLDER.test(value)) return false;
  const classes = Number(LOWER.test(value)) + Number(UPPER.test(value)) + Number(DIGIT.test(value));
  return classes >= 2 && shannonEntropy(value) >= minEntropy;
}

/**
 * Secret patterns, most specific first (an Anthropic key also looks like an OpenAI one). Formats
 * from the providers' documentation and their published secret-scanning patterns (GitHub secret
 * scanning partner list).
 */
export const SECRET_RULES: readonly SecretRule[] = Object.freeze([
  {
    kind: 'private_key',
    label: 'Private key (PEM)',
    severity: 'critical',
    confidence: 0.99,
    pattern:
      /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,8192}?-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)?/g,
    group: 0,
  },
  {
    kind: 'anthropic_api_key',
    label: 'Anthropic API key',
    severity: 'critical',
    confidence: 0.98,
    pattern: /\bsk-ant-(?:api|admin|sid)\d{2}-[A-Za-z0-9_-]{32,}|\bsk-ant-[A-Za-z0-9_-]{32,}/g,
    group: 0,
  },
  {
    kind: 'openai_api_key',
    label: 'OpenAI API key',
    severity: 'critical',
    confidence: 0.95,
    pattern:
      /\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}(?:T3BlbkFJ[A-Za-z0-9_-]{20,})?/g,
    group: 0,
    validate: (v) => !v.startsWith('sk-ant-') && looksRandom(v.slice(3), 3.5),
  },
  {
    kind: 'aws_access_key',
    label: 'AWS access key ID',
    severity: 'critical',
    confidence: 0.95,
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b/g,
    group: 0,
  },
  {
    kind: 'aws_secret_key',
    label: 'AWS secret access key',
    severity: 'critical',
    confidence: 0.9,
    pattern:
      /\b(?:aws)?_?(?:secret)_?(?:access)?_?(?:key)?(?:_id)?["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    group: 1,
    validate: (v) => looksRandom(v, 4),
  },
  {
    kind: 'gcp_api_key',
    label: 'Google Cloud API key',
    severity: 'high',
    confidence: 0.95,
    pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
    group: 0,
  },
  {
    kind: 'azure_key',
    label: 'Azure key',
    severity: 'critical',
    confidence: 0.85,
    pattern:
      /\b(?:AccountKey=([A-Za-z0-9+/]{86}==)|(?:azure|cognitive|openai|storage|subscription|ocp-apim)[\w-]{0,30}?(?:key|secret)["']?\s*[:=]\s*["']?([A-Za-z0-9+/]{32,88}={0,2}))/gi,
    group: -1,
    validate: (v) => looksRandom(v, 3.2),
  },
  {
    kind: 'github_token',
    label: 'GitHub token',
    severity: 'critical',
    confidence: 0.97,
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})\b/g,
    group: 0,
  },
  {
    kind: 'slack_webhook',
    label: 'Slack webhook URL',
    severity: 'high',
    confidence: 0.95,
    pattern:
      /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{20,}/g,
    group: 0,
  },
  {
    kind: 'slack_token',
    label: 'Slack token',
    severity: 'critical',
    confidence: 0.95,
    pattern: /\bxox[abposre]-(?:\d+-)+[A-Za-z0-9-]{8,}\b|\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}\b/g,
    group: 0,
  },
  {
    kind: 'stripe_key',
    label: 'Stripe live key',
    severity: 'critical',
    confidence: 0.97,
    pattern: /\b(?:sk|rk)_live_[A-Za-z0-9]{24,}\b/g,
    group: 0,
  },
  {
    kind: 'gitlab_token',
    label: 'GitLab token',
    severity: 'critical',
    confidence: 0.95,
    pattern: /\bgl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g,
    group: 0,
    validate: randomAfterPrefix,
  },
  {
    kind: 'huggingface_token',
    label: 'Hugging Face token',
    severity: 'high',
    confidence: 0.93,
    pattern: /\bhf_[A-Za-z0-9]{30,40}\b/g,
    group: 0,
    validate: (v) => looksRandom(v.slice(3), 3.5),
  },
  {
    kind: 'npm_token',
    label: 'npm access token',
    severity: 'critical',
    confidence: 0.95,
    pattern: /\bnpm_[A-Za-z0-9]{36}\b/g,
    group: 0,
    validate: randomAfterPrefix,
  },
  {
    kind: 'pypi_token',
    label: 'PyPI upload token',
    severity: 'critical',
    confidence: 0.97,
    pattern: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g,
    group: 0,
    validate: randomAfterPrefix,
  },
  {
    kind: 'sendgrid_key',
    label: 'SendGrid API key',
    severity: 'critical',
    confidence: 0.97,
    pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
    group: 0,
    validate: randomAfterPrefix,
  },
  {
    kind: 'shopify_token',
    label: 'Shopify access token',
    severity: 'critical',
    confidence: 0.97,
    pattern: /\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b/g,
    group: 0,
  },
  {
    kind: 'digitalocean_token',
    label: 'DigitalOcean token',
    severity: 'critical',
    confidence: 0.97,
    pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/g,
    group: 0,
  },
  {
    kind: 'groq_api_key',
    label: 'Groq API key',
    severity: 'critical',
    confidence: 0.95,
    pattern: /\bgsk_[A-Za-z0-9]{48,}\b/g,
    group: 0,
    validate: randomAfterPrefix,
  },
  {
    kind: 'twilio_key',
    label: 'Twilio API key SID',
    severity: 'high',
    confidence: 0.85,
    pattern: /\bSK[0-9a-f]{32}\b/g,
    group: 0,
    validate: (v) => looksRandom(v.slice(2), 3),
  },
  {
    kind: 'jwt',
    label: 'JSON Web Token',
    severity: 'high',
    confidence: 0.9,
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{10,}/g,
    group: 0,
    validate: jwtHeaderIsJson,
  },
  {
    kind: 'generic_secret',
    label: 'Secret next to a key/token/password label',
    severity: 'high',
    confidence: 0.7,
    // `api_key: …`, `"apiKey": "…"`, `x-api-key: …`, `MAPS_TOKEN=…` (an env name ending in a
    // label), `--api-key …` (a CLI flag), `?key=…` (a URL query parameter).
    pattern:
      /(?:(?<![A-Za-z0-9])(?:api[_ -]?key|apikey|api[_ -]?token|x-api-key|access[_-]?key|secret[_-]?key|client[_-]?secret|access[_-]?token|auth[_-]?token|refresh[_-]?token|bearer|token|secret|password|passwd|pwd|private[_-]?key|credentials?|api[- ]?schl[üu]ssel|schl[üu]ssel|passwort|kennwort|zugangstoken|cl[ée] (?:d['’]api|api|secr[èe]te)|cl[ée]|jeton|mot de passe|clave (?:de )?api|clave secreta|clave|contrase[ñn]a)\b["']?\s*(?:[:=]|=>|\b(?:is|ist|lautet|est|es)\b)|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_(?:KEY|APIKEY|AUTH)\s*=|--(?:api-key|token|auth-token|access-token|secret)[ =]|[?&](?:key|api_key|apikey|token|access_token)=)\s*["']?([^\s"'`,;<>()[\]{}&]{8,200})/gi,
    group: 1,
    validate: genericSecretValue,
  },
  {
    kind: 'generic_secret',
    label: 'Bearer token in an Authorization header',
    severity: 'high',
    confidence: 0.75,
    // RFC 6750 section 2.1: "Authorization: Bearer <b64token>".
    // Also "Authorization: Token …" (Django REST framework, GitHub) and "ApiKey …" schemes.
    pattern:
      /\b(?:bearer|authorization:\s*(?:token|apikey|api-key|key|sso-key))\s+([A-Za-z0-9._~+/-]{16,400}=*)/gi,
    group: 1,
    validate: (v) => DIGIT.test(v) && looksRandom(v, 3),
  },
  {
    kind: 'generic_secret',
    label: 'Basic credentials in an Authorization header',
    severity: 'high',
    confidence: 0.85,
    // RFC 7617: "Basic base64(user:password)"; only counted when it decodes to "user:password".
    pattern: /\bbasic\s+([A-Za-z0-9+/]{8,400}={0,2})(?![A-Za-z0-9+/=])/gi,
    group: 1,
    validate: isBasicCredentials,
  },
]);

import { isIPv4, isIPv6 } from 'node:net';

const PRIVATE_V4 = /^(?:10\.|127\.|0\.|169\.254\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.)/;
const HEX_GROUP = /[0-9a-f]{1,4}/gi;

/** Classifies an IP address literal: `public`, `private` (RFC 1918, loopback, link-local), or invalid. */
export function classifyIp(value: string): 'public' | 'private' | undefined {
  if (isIPv4(value)) return PRIVATE_V4.test(value) ? 'private' : 'public';
  if (!isIPv6(value)) return undefined;
  // "a::b" is a valid IPv6 literal and also C++; ask for three groups before calling it an address.
  if ((value.match(HEX_GROUP)?.length ?? 0) < 3) return undefined;
  const v = value.toLowerCase();
  return v.startsWith('fe80') || v.startsWith('fc') || v.startsWith('fd') || v === '::1'
    ? 'private'
    : 'public';
}

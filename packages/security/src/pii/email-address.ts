const FILE_EXTENSION_TLD = /^(?:png|jpe?g|gif|svg|webp|ico|js|mjs|ts|css|json|md|txt|html?)$/i;

/**
 * True when a matched address is structurally valid (RFC 5321 limits: local part <= 64 characters,
 * whole address <= 254, no leading/trailing/double dots) and its "TLD" is not a file extension
 * (`icon@2x.png` is an asset name, not an address).
 */
export function isValidEmail(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.length > 254) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return false;
  }
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  return !FILE_EXTENSION_TLD.test(tld);
}

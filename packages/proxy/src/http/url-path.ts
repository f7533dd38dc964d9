/**
 * The path of a request target without its query string (`/v1/chat/completions?x=1` →
 * `/v1/chat/completions`); the target itself is forwarded untouched.
 */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * A connection URL safe to put in an error message or log line: the password is replaced with
 * `***` (DESIGN principle 5: credentials never leave the process in clear).
 *
 * @example
 * redactUrl('postgres://app:s3cret@db:5432/llmtrace'); // 'postgres://app:***@db:5432/llmtrace'
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL at all: show nothing of it rather than risk echoing a secret.
    return '(invalid URL)';
  }
}

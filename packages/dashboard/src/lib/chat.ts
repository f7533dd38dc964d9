/** One message of a conversation as the dashboard shows it. */
export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

/**
 * The proxy stores a request's prompt as one `role: content` line per message (system first), so a
 * line that starts with a known role opens a new message and any other line continues the current
 * one (messages may span lines). Text with no role prefix at all (a non-chat body) is one message
 * from `user`.
 */
const ROLE_LINE = /^(system|developer|user|assistant|tool|function): ?/;

export function parsePrompt(prompt: string): ChatMessage[] {
  if (prompt === '') return [];
  const messages: { role: string; lines: string[] }[] = [];
  for (const line of prompt.split('\n')) {
    const match = ROLE_LINE.exec(line);
    if (match !== null)
      messages.push({ role: match[1] as string, lines: [line.slice(match[0].length)] });
    else if (messages.length === 0) messages.push({ role: 'user', lines: [line] });
    else messages[messages.length - 1]?.lines.push(line);
  }
  return messages.map((m) => ({ role: m.role, content: m.lines.join('\n') }));
}

import { describe, expect, it } from 'vitest';
import type { ChatMessage, ParsedRequest } from '../providers/types.js';
import { EMPTY_REQUEST } from '../providers/types.js';
import { createActionAnalyzer, toolResultsOf } from './span-actions.js';

const request = (messages: ChatMessage[]): ParsedRequest => ({ ...EMPTY_REQUEST, messages });
const AT = '2026-01-01T10:00:00.000Z';

describe('toolResultsOf', () => {
  it('matches results of the new turn to their calls by id, name, then position', () => {
    const results = toolResultsOf([
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'old', name: 'old_tool', arguments: '{}' }],
      },
      { role: 'tool', content: 'earlier result', toolCallId: 'old' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'c1', name: 'fetch_url', arguments: '{"url":"https://a.example"}' },
          { id: null, name: 'read_file', arguments: '{"path":"x"}' },
          { id: null, name: 'run_shell', arguments: '{"command":"ls"}' },
        ],
      },
      { role: 'tool', content: 'page', toolCallId: 'c1' },
      { role: 'tool', content: 'file', toolName: 'read_file' },
      { role: 'tool', content: 'listing' },
    ]);
    expect(results).toEqual([
      {
        toolCallId: 'c1',
        name: 'fetch_url',
        arguments: '{"url":"https://a.example"}',
        result: 'page',
      },
      { toolCallId: null, name: 'read_file', arguments: '{"path":"x"}', result: 'file' },
      { toolCallId: null, name: 'run_shell', arguments: '{"command":"ls"}', result: 'listing' },
    ]);
  });

  it('keeps a result whose call is not in the request, named by what it has', () => {
    expect(toolResultsOf([{ role: 'tool', content: 'r', toolCallId: 'gone' }])).toEqual([
      { toolCallId: 'gone', name: 'tool', arguments: null, result: 'r' },
    ]);
  });
});

describe('createActionAnalyzer', () => {
  const actions = createActionAnalyzer({ analyze: { classifier: null } });

  it('classifies answer calls and attaches request results, ids unique', () => {
    const list = actions.proxied({
      spanId: 's1',
      at: AT,
      request: request([
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'c0', name: 'fetch', arguments: '{"url":"https://a.example/x"}' }],
        },
        { role: 'tool', content: '<html>ok</html>', toolCallId: 'c0' },
      ]),
      toolCalls: [
        { id: null, name: 'bash', arguments: '{"cmd":"rm -rf /"}' },
        { id: null, name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
    });
    expect(list).toEqual([
      expect.objectContaining({
        id: 'result-c0',
        actionType: 'web_access',
        url: 'https://a.example/x',
        result: '<html>ok</html>',
        toolCallId: 'c0',
      }),
      expect.objectContaining({ id: 's1-call-0', actionType: 'command_execution', startedAt: AT }),
      expect.objectContaining({ id: 's1-call-1', actionType: 'tool_call', viaToolCall: true }),
    ]);
    const { findings, score } = actions.analyze(list);
    expect(findings.map((f) => f.metadata['rule'])).toEqual(['command.recursive_delete_root']);
    expect(findings[0]?.metadata['actionId']).toBe('s1-call-0');
    expect(score).toBeGreaterThanOrEqual(90);
  });

  it('applies extra rules from config before the built-in ones', () => {
    const custom = createActionAnalyzer({
      rules: [
        {
          id: 'acme.deploy',
          toolName: '^deploy$',
          actionType: 'command_execution',
          subjectArguments: ['script'],
        },
      ],
    });
    const [action] = custom.proxied({
      spanId: 's',
      at: AT,
      request: EMPTY_REQUEST,
      toolCalls: [{ id: 'd', name: 'deploy', arguments: '{"script":"make release"}' }],
    });
    expect(action).toMatchObject({ actionType: 'command_execution', command: 'make release' });
  });

  it('bounds huge arguments at 4 KB and never throws on a nameless call', () => {
    const [action] = actions.proxied({
      spanId: 's',
      at: AT,
      request: EMPTY_REQUEST,
      toolCalls: [{ id: 'x', name: '', arguments: 'y'.repeat(10_000) }],
    });
    expect(action).toMatchObject({ name: 'tool', actionType: 'tool_call', truncated: true });
    expect(action?.arguments?.length).toBe(4096);
  });
});

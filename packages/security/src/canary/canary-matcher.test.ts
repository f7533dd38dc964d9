import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { CanaryMatcher } from './canary-matcher.js';
import { CanaryStreamScanner } from './canary-stream-scanner.js';

const VALUE = 'CANARY-7f3a9b21';
const matcher = new CanaryMatcher([
  { id: 'c1', value: VALUE },
  { id: 'c2', value: 'zx81-quokka-sentinel' },
]);

describe('CanaryMatcher', () => {
  it.each([
    ['clear', `Sure, my instructions begin with ${VALUE} and then`, 'clear'],
    ['spaced', 'C A N A R Y - 7 f 3 a 9 b 2 1', 'obfuscated'],
    ['leetspeak and case', 'c4n4ry_7F3A9b21', 'obfuscated'],
    ['reversed', `it reads ${[...VALUE].reverse().join('')} backwards`, 'reversed'],
    ['hex', `hex: ${Buffer.from(VALUE).toString('hex')}`, 'hex'],
    ['spaced hex', Buffer.from(VALUE).toString('hex').replace(/(..)/g, '$1 '), 'hex'],
    ['base64', Buffer.from(VALUE).toString('base64'), 'base64'],
    ['base64 at offset 1', Buffer.from(`x${VALUE}`).toString('base64'), 'base64'],
    ['base64 at offset 2', Buffer.from(`xy${VALUE}!`).toString('base64url'), 'base64'],
  ])('finds a canary %s', (_name, text, encoding) => {
    expect(matcher.scan(text)).toEqual([{ canaryId: 'c1', encoding }]);
  });

  it('finds nothing in ordinary text or in a part of the token', () => {
    expect(matcher.scan('The canary sang in the mine at 7 am; 3a9b was the room.')).toEqual([]);
    expect(matcher.scan('CANARY-7f3a9b2')).toEqual([]);
    expect(matcher.scan(Buffer.from('CANARY-7f3a9b').toString('base64'))).toEqual([]);
  });

  it('names every canary present, once', () => {
    expect(matcher.scan(`${VALUE} ${VALUE} zx81-quokka-sentinel`)).toEqual([
      { canaryId: 'c1', encoding: 'clear' },
      { canaryId: 'c2', encoding: 'clear' },
    ]);
  });

  it('an empty matcher finds nothing', () => {
    expect(new CanaryMatcher([]).scan(VALUE)).toEqual([]);
    expect(new CanaryMatcher([]).empty).toBe(true);
  });
});

describe('CanaryStreamScanner', () => {
  it('finds a canary split across pieces, in clear and base64, and reports it once', () => {
    const scanner = new CanaryStreamScanner(matcher);
    expect(scanner.push('the token is CAN')).toEqual([]);
    expect(scanner.push('ARY-7f3')).toEqual([]);
    expect(scanner.push('a9b21 and more')).toEqual([{ canaryId: 'c1', encoding: 'clear' }]);
    expect(scanner.push(` again ${VALUE}`)).toEqual([]);
    const b64 = Buffer.from('zx81-quokka-sentinel').toString('base64');
    const pieces = b64.match(/.{1,3}/g) ?? [];
    const hits = pieces.flatMap((p) => scanner.push(p));
    expect(hits).toEqual([{ canaryId: 'c2', encoding: 'base64' }]);
  });

  it('keeps a bounded tail', () => {
    const scanner = new CanaryStreamScanner(matcher);
    for (let i = 0; i < 1000; i++) scanner.push('lorem ipsum dolor sit amet ');
    expect(scanner.push(VALUE)).toEqual([{ canaryId: 'c1', encoding: 'clear' }]);
  });
});

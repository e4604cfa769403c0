import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../tools/cli/src/cli-args';
import { UsageError } from '../../../tools/cli/src/usage-error';

const flags = { rate: { kind: 'number', min: 0 }, n: { kind: 'int', min: 1, max: 10 }, file: { kind: 'string' }, html: { kind: 'bool' } } as const;

describe('parseArgs', () => {
  it('reads --flag value, --flag=value, booleans and positionals', () => {
    const r = parseArgs({ command: 'x', args: ['cdnow', '--rate', '2.5', '--n=3', '--file', 'a.txt', '--html'], flags });
    expect(r.positionals).toEqual(['cdnow']);
    expect(r.flags).toEqual({ rate: 2.5, n: 3, file: 'a.txt', html: true });
  });

  it.each([
    [['--nope'], /unknown option --nope/],
    [['--file'], /--file needs a value/],
    [['--n', '--html'], /--n needs a value/],
    [['--n', '2.5'], /--n expects an integer, got 2.5/],
    [['--n', '11'], /--n must be at most 10/],
    [['--rate', 'fast'], /--rate expects a number/],
    [['--html=maybe'], /--html expects true or false/],
  ])('rejects %j with a UsageError naming the flag', (args, message) => {
    expect(() => parseArgs({ command: 'x', args, flags })).toThrow(UsageError);
    expect(() => parseArgs({ command: 'x', args, flags })).toThrow(message);
  });
});

import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process';

describe('tierflow usage errors', () => {
  it.each([
    [['nope'], /unknown command: nope/],
    [['replay'], /replay: expected a data set name \(cdnow\), got nothing/],
    [['replay', 'cdnow'], /--file PATH is required/],
    [['replay', 'cdnow', '--file', '/nonexistent/cdnow.txt'], /cannot read --file \/nonexistent\/cdnow.txt/],
    [['simulate', '--rate', 'fast'], /simulate: --rate expects a number, got fast/],
    [['simulate', '--customers', '0'], /--customers must be at least 1/],
    [['start', '--bogus'], /start: unknown option --bogus/],
  ])('tierflow %j exits 2 with a clear message', async (args, message) => {
    const res = await runCli(args);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toMatch(/usage: tierflow <command>/);
  });
});

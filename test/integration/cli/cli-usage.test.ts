import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectionConfig } from '@tierflow/runtime/config/connection-config';
import { SchemaCodec } from '@tierflow/runtime/codec/schema-codec';
import { runCli } from './cli-process';

describe('tierflow usage errors', () => {
  it.each([
    [['nope'], /unknown command: nope/, /usage: tierflow <command>/],
    [['replay'], /replay: expected a data set name \(cdnow\), got nothing/, /usage: tierflow replay cdnow --file PATH/],
    [['replay', 'cdnow'], /--file PATH is required/, /usage: tierflow replay/],
    [['replay', 'cdnow', '--file', '/nonexistent/cdnow.txt'], /cannot read --file \/nonexistent\/cdnow.txt/, /usage: tierflow replay/],
    [['simulate', '--rate', 'fast'], /simulate: --rate expects a number, got fast/, /usage: tierflow simulate/],
    [['simulate', '--customers', '0'], /--customers must be at least 1/, /usage: tierflow simulate/],
    [['start', '--bogus'], /start: unknown option --bogus/, /usage: tierflow start/],
    [['top', '--scope', 'region:no such'], /top: scope must be "global" or "region:<name>"/, /usage: tierflow top/],
    [['review', '--out', '/tmp/x.md', '--month', '2026-13'], /--month expects YYYY-MM/, /usage: tierflow review/],
  ])('tierflow %j exits 2 with a clear message and that command\'s usage', async (args, message, usage) => {
    const res = await runCli(args);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toMatch(usage);
  });
});

describe('tierflow help, version and exit codes', () => {
  it('--help per command (exit 0, its own usage and options), --version', async () => {
    for (const command of ['card', 'top', 'worklist', 'lists', 'matrix', 'review', 'tail', 'smoke', 'simulate', 'start']) {
      const res = await runCli([command, '--help']);
      expect(res.code, command).toBe(0);
      expect(res.stdout).toMatch(new RegExp(`^usage: tierflow ${command}`));
      expect(res.stdout).toContain('exit codes: 0 done');
    }
    const v = await runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^tierflow \d+\.\d+\.\d+$/);
    expect((await runCli(['--help'])).stdout).toContain('tail <topic> [--from-beginning] [--limit N]');
  });

  it('no ranking yet exits 5; an unknown topic exits 3 listing the known ones', async () => {
    const env = { REDIS_KEY_PREFIX: `t-${randomUUID().slice(0, 8)}:` };
    const top = await runCli(['top', '--scope', 'region:north'], env);
    expect(top.code).toBe(5);
    expect(top.stderr).toMatch(/no ranking yet/);
    const tail = await runCli(['tail', `no.such.topic.${randomUUID()}`, '--limit', '1']);
    expect(tail.code).toBe(3);
    expect(tail.stderr).toMatch(/tail: no topic no\.such\.topic\..*; pipeline topics here: .*roles: transactions, transactions-dlq/);
  });

  it('an unreachable server exits 4', async () => {
    const res = await runCli(['top'], { REDIS_URL: 'redis://127.0.0.1:1', REDIS_PASSWORD: '' }, 30_000);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/cannot reach a server/);
  });

  it('smoke is quiet and removes the registry subject and topic it created', async () => {
    const res = await runCli(['smoke']);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    expect(res.stdout.trim().split('\n')).toHaveLength(1);
    const [, topic, subject] = /removed (smoke\.[0-9a-f-]+), (smoke\.[0-9a-f-]+-value)/.exec(res.stdout) ?? [];
    expect(subject).toBe(`${topic}-value`);
    const c = connectionConfig();
    const subjects = await new SchemaCodec({ registryUrl: c.registryUrl, registry: c.registry }).subjects();
    expect(subjects).not.toContain(subject);
  });
});

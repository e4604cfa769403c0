import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLua, scriptError, ScriptError } from '../../../shared/runtime/src/redis/scripts';

describe('the script loader', () => {
  it('inlines --- @include lines from includes/, each once, nested ones too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tf-lua-'));
    mkdirSync(join(dir, 'includes'));
    writeFileSync(join(dir, 'includes', 'a.lua'), '--- @include "b"\nlocal a = 1\n');
    writeFileSync(join(dir, 'includes', 'b.lua'), 'local b = 2\n');
    writeFileSync(join(dir, 'main.lua'), '--- @include "a"\n--- @include "b"\nreturn a + b\n');
    expect(loadLua(pathToFileURL(join(dir, 'main.lua')))).toBe('local b = 2\n\nlocal a = 1\n\n\nreturn a + b\n');
  });

  it('translates TF_<CODE> error replies into ScriptErrors, leaves other errors alone', () => {
    const e = scriptError('s', new Error('ERR TF_NOT_ALLOWED fenced-commit: command not allowed: X'));
    expect(e).toBeInstanceOf(ScriptError);
    expect((e as ScriptError).code).toBe('SCRIPT_NOT_ALLOWED');
    expect((e as ScriptError).retriable).toBe(false);
    const other = new Error('NOSCRIPT No matching script');
    expect(scriptError('s', other)).toBe(other);
  });
});

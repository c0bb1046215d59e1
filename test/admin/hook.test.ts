/**
 * `radassoc hook` as an admin uses it: the real binary against a fresh
 * PostgreSQL database. The generated secret is printed once and never again;
 * a mistake says what to do and exits non-zero.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditText, cliOnFreshDatabase, type Cli } from './cli-harness.js';
import { tempDir } from '../support/temp.js';

let cli: Cli;

beforeAll(async () => {
  cli = await cliOnFreshDatabase();
});

describe('radassoc hook', () => {
  it('adds a hook with a generated secret, shown once, and lists it without', async () => {
    const r = await cli.run(['hook', 'add', '--tenant', 'default', '--url', 'https://members.example.org/hook', '--events', 'session.started,member.suspended']);
    expect(r.code).toBe(0);
    const [line, secret] = r.stdout.trimEnd().split('\n');
    expect(line).toBe('webhook 1: session.started, member.suspended to https://members.example.org/hook');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).toMatch(/shown this once/);
    const [row] = await cli.sql<{ secret: string; events: string[] }>('SELECT secret, events FROM hooks WHERE id = 1');
    expect(row).toEqual({ secret, events: ['session.started', 'member.suspended'] });
    const list = await cli.json<Array<Record<string, unknown>>>(['hook', 'list']);
    expect(list).toEqual([expect.objectContaining({ id: '1', url: 'https://members.example.org/hook', events: ['session.started', 'member.suspended'], pending: 0 })]);
    expect(await cli.ok(['hook', 'list'])).not.toContain(secret!);
    expect(await cli.ok(['hook', 'show', '1'])).not.toContain(secret!);
    expect(await auditText(cli)).not.toContain(secret!);
  });

  it('takes the secret from a file, and prints none', async () => {
    const file = join(tempDir('radassoc-hook-'), 'secret');
    writeFileSync(file, 'a-receiver-chosen-secret-value\n');
    const out = await cli.ok(['hook', 'add', '--url', 'http://127.0.0.1:8080/in', '--events', 'member.lapsing', '--secret-file', file]);
    expect(out).toBe('webhook 2: member.lapsing to http://127.0.0.1:8080/in\n');
    expect(await cli.sql('SELECT secret FROM hooks WHERE id = 2')).toEqual([{ secret: 'a-receiver-chosen-secret-value' }]);
  });

  it('refuses an unknown event, a URL that is none and a short secret, saying what to do', async () => {
    const events = await cli.run(['hook', 'add', '--url', 'https://x.example/', '--events', 'session.start']);
    expect([events.code, events.stderr]).toEqual([1, 'radassoc: unknown event "session.start": the events are session.started, session.stopped, member.suspended, member.resumed, member.lapsing\n']);
    const url = await cli.run(['hook', 'add', '--url', 'ftp://x.example/', '--events', 'session.started']);
    expect(url.stderr).toMatch(/^radassoc: "ftp:\/\/x.example\/" is not a webhook URL: give an http:\/\/ or https:\/\/ URL/);
    const file = join(tempDir('radassoc-hook-'), 'short');
    writeFileSync(file, 'short');
    const short = await cli.run(['hook', 'add', '--url', 'https://x.example/', '--events', 'session.started', '--secret-file', file]);
    expect(short.stderr).toBe('radassoc: a webhook secret has at least 16 characters (this one has 5); leave it out to have one generated\n');
    for (const r of [events, url, short]) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await cli.sql('SELECT count(*)::int AS n FROM hooks')).toEqual([{ n: 2 }]);
  });

  it('removes a hook, and says so of one that does not exist', async () => {
    expect(await cli.ok(['hook', 'remove', '2'])).toBe('removed webhook 2\n');
    const again = await cli.run(['hook', 'remove', '2']);
    expect([again.code, again.stderr]).toEqual([1, 'radassoc: no webhook 2; see `radassoc hook list`\n']);
  });
});

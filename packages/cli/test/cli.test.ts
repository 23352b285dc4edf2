import { SAMPLE_POSTS, seedSamplePosts } from '@section-sync/demo';
import { createStore, type Db } from '@section-sync/postgres';
import { reportSkippedPostgres } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCli, UsageError } from '../src/args.js';
import { classifyMaster } from '../src/commands/normalize.js';
import { createProgress } from '../src/progress.js';
import { type CliTarget, cliTargets, requireBuiltCli } from './helpers/cli-target.js';

reportSkippedPostgres('section-sync CLI');
// Each run of the bin is a new process; on PGlite it loads Postgres (WebAssembly) and the data
// directory every time, several seconds on a busy machine.
vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

/** Writes behind the triggers' back, as a broken deploy or a restore could. */
async function breakBehindTriggers(db: Db, sql: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(sql);
  });
}

async function masterOf(db: Db, postId: number): Promise<string | null> {
  const { rows } = await db.query<{ m: string | null }>(
    'SELECT section_headings AS m FROM post_development WHERE post_id = $1',
    [postId],
  );
  return rows[0]!.m;
}

async function headingsOf(db: Db, postId: number): Promise<string[]> {
  const { rows } = await db.query<{ h: string }>(
    'SELECT section_heading AS h FROM post_section WHERE post_id = $1 ORDER BY section_order',
    [postId],
  );
  return rows.map((r) => r.h);
}

describe('command line parsing', () => {
  it('reads commands, options and DATABASE_URL', () => {
    const options = parseCli(['repair', '--dry-run', '-b', '50', '--direction', 'to_development'], {
      DATABASE_URL: 'postgres://x/y',
    });
    expect(options).toMatchObject({
      command: 'repair',
      dryRun: true,
      batchSize: 50,
      direction: 'to_development',
      databaseUrl: 'postgres://x/y',
    });
    expect(parseCli(['check', '--pglite', '/d'], { DATABASE_URL: 'postgres://x/y' })).toMatchObject(
      { pglite: '/d', databaseUrl: undefined },
    );
  });

  it.each([
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['check', '--dry-run'], /"check" does not take --dry-run/],
    [['sync'], /"sync" takes one post id/],
    [['repair', '--direction', 'sideways'], /--direction must be one of/],
    [['normalize', '--batch-size', '0'], /--batch-size must be a whole number/],
    [['check', '--colour'], /Unknown option '--colour'/],
    [['prune'], /"prune" needs --keep-last <n>, --older-than-days <days> or both/],
    [['prune', '--keep-last', '0'], /--keep-last must be a whole number of at least 1/],
    [['check', '--keep-last', '3'], /"check" does not take --keep-last/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(UsageError);
    expect(() => parseCli(argv)).toThrow(message);
  });
});

describe('section limits', () => {
  it('reads them from options or the environment, options first', () => {
    expect(
      parseCli(['check', '--max-sections', '600'], { SECTION_SYNC_MAX_HEADING_LENGTH: '2000' })
        .limits,
    ).toEqual({ maxSections: 600, maxHeadingLength: 2000 });
    expect(
      parseCli(['check', '--max-sections', '700'], { SECTION_SYNC_MAX_SECTIONS: '600' }).limits,
    ).toEqual({ maxSections: 700 });
    expect(parseCli(['check']).limits).toEqual({});
    expect(() => parseCli(['check', '--max-sections', '0'])).toThrow(
      /--max-sections must be a whole number of at least 1/,
    );
  });
});

describe('progress', () => {
  it('draws a bar in place on a terminal', () => {
    let out = '';
    const progress = createProgress(
      'check',
      'posts',
      { isTTY: true, write: (t: string) => (out += t) },
      { now: () => 0 },
    );
    progress.update(500, 1000);
    progress.finish();
    expect(out).toContain('\r');
    expect(out).toContain('50%');
    expect(out).toContain('500/1,000 posts');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('writes plain lines, one per tenth at most, elsewhere', () => {
    const lines: string[] = [];
    const progress = createProgress(
      'repair',
      'posts',
      { isTTY: false, write: (t: string) => lines.push(t) },
      { now: () => 0 },
    );
    for (let done = 0; done <= 1000; done += 10) progress.update(done, 1000);
    expect(lines).toHaveLength(11);
    expect(lines[5]).toBe('repair: 500/1000 posts (50%, 0.0 s)\n');
    expect(lines.join('')).not.toContain('\r');
  });
});

describe('canonical masters', () => {
  it('tells the canonical JSON from legacy formats', () => {
    expect(
      classifyMaster('[{"id":7,"order":1,"heading":"Intro","description":"","status":"draft"}]'),
    ).toBe('canonical');
    expect(classifyMaster('[{"id":7,"order":1,"heading":"Intro"}]')).toBe('legacy');
    expect(
      classifyMaster('[ {"id":7,"order":1,"heading":"Intro","description":"","status":"draft"} ]'),
    ).toBe('legacy');
    expect(classifyMaster('1. Intro')).toBe('legacy');
    expect(classifyMaster('   ')).toBe('empty');
    expect(classifyMaster('[{"heading": }]')).toBe('invalid');
  });
});

describe.each(cliTargets)('section-sync bin on $name', (backend) => {
  beforeAll(() => requireBuiltCli());

  describe('on a new database', () => {
    let target: CliTarget;
    beforeAll(async () => {
      target = await backend.open({ migrate: false });
    });
    afterAll(() => target?.close());

    it('refuses to check before migrate (exit 3), then migrates once', async () => {
      const before = await target.run('check');
      expect(before.code).toBe(3);
      expect(before.stderr).toMatch(/not installed.*section-sync migrate/);

      const first = await target.run('migrate');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^Applied \d+ migrations .*0001_tables\.sql/);
      const again = await target.run('migrate', '--json');
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ status: 'success', applied: [] });
      expect((await target.run('check')).code).toBe(0);
    });
  });

  describe('install, plan and uninstall, in a product schema of its own', () => {
    let target: CliTarget;
    beforeAll(async () => {
      target = await backend.open({ migrate: false });
      // The host's own table, before section-sync.
      await target.withDb((db) =>
        db.exec(`CREATE TABLE post_section (id bigserial PRIMARY KEY, post_id bigint NOT NULL,
          section_order int NOT NULL, section_heading text NOT NULL)`),
      );
    });
    afterAll(() => target?.close());

    it('plan prints pending migrations with the exact SQL and locks, and changes nothing', async () => {
      const plan = await target.run('plan', '--product-schema', 'sync_tools');
      expect(plan.code).toBe(0);
      expect(plan.stdout).toMatch(/Database at migration 0 of \d+ .*product schema sync_tools/);
      expect(plan.stdout).toMatch(/pending +0001_tables\.sql +statement by statement/);
      expect(plan.stdout).toContain('CREATE SCHEMA IF NOT EXISTS "sync_tools"');
      expect(plan.stdout).toMatch(
        /-- step \d+\/\d+, no transaction\n-- lock: SHARE UPDATE EXCLUSIVE on "public"\.post_section \(reads and writes go on/,
      );
      expect(plan.stdout).toContain('Dry run: nothing was changed.');
      const json = JSON.parse((await target.run('migrate', '--dry-run', '--json')).stdout);
      expect(json).toMatchObject({ status: 'success', dryRun: true, currentVersion: 0 });
      expect(json.migrations[0]).toMatchObject({ name: '0001_tables.sql', status: 'pending' });
      expect((await target.run('check')).code).toBe(3);
    });

    it('migrates into the product schema, then the other commands work there', async () => {
      const migrated = await target.run('migrate', '--product-schema', 'sync_tools');
      expect(migrated.code).toBe(0);
      expect(migrated.stderr).toMatch(/migrate: +\d+\. CREATE UNIQUE INDEX CONCURRENTLY/);
      expect((await target.run('check', '--product-schema', 'sync_tools')).code).toBe(0);
      // The default schema is not installed: the commands say so instead of guessing.
      expect((await target.run('check')).code).toBe(3);
      const plan = await target.run('plan', '--product-schema', 'sync_tools', '--json');
      expect(
        JSON.parse(plan.stdout).migrations.every((m: { status: string }) => m.status === 'applied'),
      ).toBe(true);
    });

    it('uninstall wants --dry-run or --yes; the dry run lists the SQL, --yes drops it all', async () => {
      const bare = await target.run('uninstall', '--product-schema', 'sync_tools');
      expect(bare.code).toBe(2);
      expect(bare.stderr).toContain('uninstall --dry-run');
      const dry = await target.run('uninstall', '--dry-run', '--product-schema', 'sync_tools');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('DROP SCHEMA "sync_tools" CASCADE;');
      expect(dry.stdout).toContain('column public.post_development.section_sync_version');
      expect((await target.run('check', '--product-schema', 'sync_tools')).code).toBe(0);
      const done = await target.run(
        'uninstall',
        '--yes',
        '--json',
        '--product-schema',
        'sync_tools',
      );
      expect(done.code).toBe(0);
      expect(JSON.parse(done.stdout)).toMatchObject({ status: 'success', blockers: [] });
      const after = await target.run('check', '--product-schema', 'sync_tools');
      expect(after.code).toBe(3);
      expect(after.stderr).toContain('not installed');
    });
  });

  describe('on the sample posts', () => {
    let target: CliTarget;
    beforeAll(async () => {
      target = await backend.open();
      await target.withDb((db) => seedSamplePosts(db));
    });
    afterAll(() => target?.close());

    it('check passes (exit 0) while every post is consistent, with progress on stderr', async () => {
      const result = await target.run('check');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Checked ${SAMPLE_POSTS.length} posts`);
      expect(result.stdout).toContain('0 inconsistent');
      expect(result.stderr).toContain(
        `check: ${SAMPLE_POSTS.length}/${SAMPLE_POSTS.length} posts (100%`,
      );
    });

    it('check finds posts broken behind the triggers (exit 1), repair --dry-run changes nothing, repair fixes them', async () => {
      await target.withDb(async (db) => {
        await breakBehindTriggers(
          db,
          `DELETE FROM post_section WHERE post_id = 5 AND section_order = 2`,
        );
        await breakBehindTriggers(
          db,
          `UPDATE post_section SET section_heading = 'Renamed in psql' WHERE post_id = 2 AND section_order = 1`,
        );
      });
      const check = await target.run('check', '--json');
      expect(check.code).toBe(1);
      const report = JSON.parse(check.stdout);
      expect(report).toMatchObject({ status: 'inconsistent', inconsistent: 2 });
      expect(
        report.posts.map((p: { postId: number; status: string }) => [p.postId, p.status]),
      ).toEqual([
        [2, 'Content mismatch'],
        [5, 'Count mismatch'],
      ]);

      const dry = await target.run('repair', '--dry-run');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/Would repair 2 posts of 2 inconsistent posts/);
      expect(dry.stdout).toContain('Dry run: nothing was changed.');
      expect((await target.run('check')).code).toBe(1);

      const repair = await target.run('repair', '--batch-size', '1', '--json');
      expect(repair.code).toBe(0);
      expect(JSON.parse(repair.stdout)).toMatchObject({ succeeded: 2, failed: 0, dryRun: false });
      expect((await target.run('check')).code).toBe(0);
      // The master won: the deleted section is back, the rename undone.
      await target.withDb(async (db) => {
        expect(await headingsOf(db, 5)).toHaveLength(6);
        expect((await headingsOf(db, 2))[0]).toBe('Why your starter is sluggish');
      });
    });

    it('normalize --dry-run lists the legacy masters; normalize rewrites them as canonical JSON, keeping every section', async () => {
      const before = await target.withDb(async (db) => ({
        numbered: await masterOf(db, 7),
        headings: await headingsOf(db, 9),
      }));
      expect(before.numbered).toMatch(/^\(1\) Bokashi/);
      const dry = await target.run('normalize', '--dry-run', '--json');
      expect(dry.code).toBe(0);
      const plan = JSON.parse(dry.stdout);
      expect(plan.legacy).toBeGreaterThanOrEqual(10);
      expect(plan.posts).toContainEqual({ postId: '7', format: 'numbered' });
      expect(plan.posts).toContainEqual({ postId: '10', format: 'markdown' });
      await target.withDb(async (db) => expect(await masterOf(db, 7)).toBe(before.numbered));

      const run = await target.run('normalize', '--batch-size', '4');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Rewrote \d+ masters into the canonical JSON/);
      const again = await target.run('normalize', '--json');
      expect(JSON.parse(again.stdout)).toMatchObject({ legacy: 0, rewritten: 0 });
      await target.withDb(async (db) => {
        const master = await masterOf(db, 9);
        expect(classifyMaster(master)).toBe('canonical');
        expect(JSON.parse(master!).map((s: { heading: string }) => s.heading)).toEqual(
          before.headings,
        );
        expect(await headingsOf(db, 9)).toEqual(before.headings);
      });
      expect((await target.run('check')).code).toBe(0);
    });

    it('sync <postId> syncs one post in the direction asked, and says when the post does not exist', async () => {
      await target.withDb((db) =>
        breakBehindTriggers(
          db,
          `UPDATE post_development SET section_headings = '["Only one"]' WHERE post_id = 3`,
        ),
      );
      const toDev = await target.run('sync', '3', '--direction', 'to_development', '--json');
      expect(toDev.code).toBe(0);
      expect(JSON.parse(toDev.stdout)).toMatchObject({ postId: 3, direction: 'to_development' });
      await target.withDb(async (db) => {
        expect(await headingsOf(db, 3)).toHaveLength(5);
        expect(JSON.parse((await masterOf(db, 3))!)).toHaveLength(5);
      });

      const human = await target.run('sync', '22');
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(
        /^Post 22 synced both ways: no section changed \(version \d+, 5 sections\)/,
      );

      const missing = await target.run('sync', '999', '-d', 'to_sections');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('Post 999 does not exist');
    });

    it('check records what it found for the metrics', async () => {
      await target.withDb((db) =>
        breakBehindTriggers(db, `DELETE FROM post_section WHERE post_id = 4 AND section_order = 1`),
      );
      expect((await target.run('check', '--quiet')).code).toBe(1);
      await target.withDb(async (db) => {
        // int8 arrives as decimal text from both adapters.
        const { rows } = await db.query<{ posts: string; bad: string }>(
          'SELECT checked_posts AS posts, inconsistent_posts AS bad FROM section_sync.state',
        );
        expect(rows[0]).toEqual({ posts: String(SAMPLE_POSTS.length), bad: '1' });
      });
      expect((await target.run('repair', '--quiet')).code).toBe(0);
    });

    it('prune --dry-run counts, prune keeps the last N entries of each post with progress', async () => {
      const beyondNewest = (db: Db) =>
        db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (
             SELECT row_number() OVER (PARTITION BY post_id ORDER BY id DESC) AS k
             FROM section_sync.log) x
           WHERE k > 1`,
        );
      const expected = await target.withDb(async (db) => (await beyondNewest(db)).rows[0]!.n);
      expect(expected).toBeGreaterThan(0);

      const dry = await target.run('prune', '--keep-last', '1', '--dry-run', '--json');
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, pruned: expected });
      await target.withDb(async (db) => expect((await beyondNewest(db)).rows[0]!.n).toBe(expected));

      const run = await target.run('prune', '--keep-last', '1', '--batch-size', '5');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^Pruned ${expected} sync log entries beyond the last 1 of each post`),
      );
      expect(run.stderr).toContain(`prune: ${expected}/${expected} entries (100%`);
      await target.withDb(async (db) => {
        expect((await beyondNewest(db)).rows[0]!.n).toBe(0);
        const { rows } = await db.query<{ n: number }>(
          'SELECT count(DISTINCT post_id)::int AS n FROM section_sync.log',
        );
        expect(rows[0]!.n).toBeGreaterThanOrEqual(SAMPLE_POSTS.length);
      });
      const again = await target.run('prune', '--keep-last', '1', '--json');
      expect(JSON.parse(again.stdout)).toMatchObject({ pruned: 0 });
    });
  });
});

describe.each(cliTargets)('section-sync bin with raised limits on $name', (backend) => {
  let target: CliTarget;
  beforeAll(async () => {
    requireBuiltCli();
    target = await backend.open();
    await target.withDb(async (db) => {
      const store = createStore(db, { limits: { maxSections: 600 } });
      await db.query('INSERT INTO post_development (post_id) VALUES (1)');
      await store.writeMaster(1, JSON.stringify(Array.from({ length: 550 }, (_, i) => `S${i}`)));
    });
  });
  afterAll(() => target?.close());

  it('check and repair honour --max-sections as the store that wrote the post did', async () => {
    const strict = await target.run('check', '--json');
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).posts).toMatchObject([
      { postId: 1, status: 'Invalid master' },
    ]);
    expect((await target.run('check', '--max-sections', '600')).code).toBe(0);
    const repair = await target.run('repair', '--max-sections', '600', '--json');
    expect(JSON.parse(repair.stdout)).toMatchObject({ failed: 0 });
  });
});

describe('section-sync bin without a database', () => {
  beforeAll(() => requireBuiltCli());
  // No database needed: these end before one is opened.
  const run = async (...args: string[]) => {
    const { execFile } = await import('node:child_process');
    const { BIN } = await import('./helpers/cli-target.js');
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env = { ...process.env };
      delete env.DATABASE_URL;
      execFile(process.execPath, [BIN, ...args], { env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  };

  it('prints help (exit 0) and usage errors (exit 2)', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: section-sync <command>');
    expect((await run('repair', '--help')).stdout).toContain('--dry-run');
    const wrong = await run('check', '--dry-run');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('"check" does not take --dry-run');
    const uninstall = await run('uninstall');
    expect(uninstall.code).toBe(2);
    expect(uninstall.stderr).toContain('--dry-run');
    expect((await run('migrate', '--lock-timeout', '0')).code).toBe(2);
    const none = await run('check');
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('set DATABASE_URL');
  });
});

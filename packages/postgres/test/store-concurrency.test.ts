import {
  backends,
  postgresUrl,
  reportSkippedPostgres,
  type TestDatabase,
} from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../src/index.js';
import { createPost, sectionRows } from './store-fixtures.js';

const postgres = backends.filter((b) => b.name === 'postgres');
reportSkippedPostgres('store concurrency and deadlock retry');

// Needs two real connections: PostgreSQL only. A skipped describe, not an empty describe.each:
// a file without any suite fails the run when DATABASE_URL is unset.
describe.skipIf(!postgresUrl)('store under concurrency on postgres', () => {
  const backend = postgres[0]!;
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.open();
  });
  afterAll(() => t?.close());

  /**
   * Provokes a deadlock against a write: another connection holds a section's row lock (with
   * triggers off, as a host's own code might), the store's write takes the post lock and waits
   * for the section, then the other connection asks for the post lock. The store waited first,
   * so its deadlock check runs first and its transaction is the one PostgreSQL aborts.
   */
  async function deadlockAgainst<T>(
    postId: number,
    sectionId: string,
    write: () => Promise<T>,
  ): Promise<PromiseSettledResult<T>> {
    const other = await t.pool!.connect();
    try {
      await other.query('BEGIN');
      await other.query("SET LOCAL session_replication_role = 'replica'");
      await other.query('UPDATE post_section SET status = status WHERE id = $1', [sectionId]);
      const pending = write().then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.query('SELECT 1 FROM post_development WHERE post_id = $1 FOR UPDATE', [postId]);
      await other.query('COMMIT');
      return await pending;
    } finally {
      other.release();
    }
  }

  it('runs the transaction again after a deadlock and succeeds', async () => {
    await createPost(t.db, 1, '1. Intro\n2. Setup');
    const [intro] = await sectionRows(t.db, 1);
    const store = createStore(t.db);
    const result = await deadlockAgainst(1, intro!.id, () =>
      store.updateSection(1, intro!.id, { heading: 'Overview' }),
    );
    expect(result.status).toBe('fulfilled');
    expect((await sectionRows(t.db, 1)).map((r) => r.section_heading)).toEqual([
      'Overview',
      'Setup',
    ]);
  });

  it('with maxRetries 0 the deadlock reaches the caller as DatabaseBusyError (503), changing nothing', async () => {
    await createPost(t.db, 2, '1. Intro\n2. Setup');
    const [intro] = await sectionRows(t.db, 2);
    const store = createStore(t.db, { maxRetries: 0 });
    const result = await deadlockAgainst(2, intro!.id, () =>
      store.updateSection(2, intro!.id, { heading: 'Overview' }),
    );
    expect(result).toMatchObject({
      status: 'rejected',
      reason: { name: 'DatabaseBusyError', code: 'database_busy', cause: { code: '40P01' } },
    });
    expect((await sectionRows(t.db, 2)).map((r) => r.section_heading)).toEqual(['Intro', 'Setup']);
  });

  it('concurrent creates on one post serialize: every section kept, orders 1..n, master equal', async () => {
    await createPost(t.db, 3, '1. Intro');
    const store = createStore(t.db);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.createSection(3, { heading: `Concurrent ${i}`, position: 1 + (i % 2) }),
      ),
    );
    const rows = await sectionRows(t.db, 3);
    expect(rows).toHaveLength(21);
    expect(rows.map((r) => r.section_order)).toEqual(rows.map((_, i) => i + 1));
    expect(new Set(outcomes.map((o) => o.version)).size).toBe(20);
    expect((await store.checkPost(3)).status).toBe('OK');
  });

  it('of writers holding the same version exactly one wins; the others change nothing', async () => {
    await createPost(t.db, 4, '1. Intro\n2. Setup');
    const store = createStore(t.db);
    const { version, sections } = await store.getPost(4);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.updateSection(
          4,
          sections[0]!.id,
          { heading: `Writer ${i}` },
          { expectedVersion: version },
        ),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const lost of results.filter((r) => r.status === 'rejected')) {
      expect(lost.reason).toMatchObject({ name: 'VersionConflictError', expected: version });
    }
    const after = await store.getPost(4);
    expect(after.version).toBe(version + 1);
    const winner = (won[0] as PromiseFulfilledResult<{ sections: { heading: string }[] }>).value;
    expect(after.sections[0]!.heading).toBe(winner.sections[0]!.heading);
  });
});

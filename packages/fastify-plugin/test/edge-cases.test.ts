import { backends, reportSkippedPostgres } from '@section-sync/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, PREFIX, snapshot, type TestApp } from './helpers.js';

reportSkippedPostgres('edge cases through the API');

// 2^53 and 2^53 + 1 (then + 2k, k per post: ids are primary keys): one JS number, two rows.
// Every path must tell them apart.
let BIG = '';
let BIGGER = '';

describe.each(backends)(
  'exact ids, numbers and database errors through the API on $name',
  (backend) => {
    let h: TestApp;
    let post = 500;
    const nextPost = () => ++post;
    const url = (path: string) => `${PREFIX}${path}`;

    beforeAll(async () => {
      h = await openApp(backend);
    });
    afterAll(() => h?.close());

    /** A post with two sections whose ids are 2^53 and 2^53 + 1, inserted by plain SQL. */
    async function postWithBigIds(): Promise<number> {
      const id = nextPost();
      BIG = String(2n ** 53n + 2n * BigInt(id));
      BIGGER = String(2n ** 53n + 2n * BigInt(id) + 1n);
      await h.db.query('INSERT INTO post_development (post_id) VALUES ($1)', [id]);
      await h.db.query(
        `INSERT INTO post_section (id, post_id, section_order, section_heading)
       VALUES ($2::bigint, $1, 1, 'Low'), ($3::bigint, $1, 2, 'High')`,
        [id, BIG, BIGGER],
      );
      return id;
    }

    async function rows(postId: number) {
      const { rows } = await h.db.query<{ id: string; section_order: number; heading: string }>(
        `SELECT id, section_order, section_heading AS heading FROM post_section
       WHERE post_id = $1 ORDER BY section_order`,
        [postId],
      );
      return rows;
    }

    it('reads ids past 2^53 exactly, as decimal strings', async () => {
      const id = await postWithBigIds();
      const response = await h.app.inject({ method: 'GET', url: url(`/posts/${id}/sections`) });
      expect(response.statusCode).toBe(200);
      expect(response.json().sections.map((s: { id: string }) => s.id)).toEqual([BIG, BIGGER]);
      // The master the rows -> master trigger rendered keeps every digit too.
      const { rows: dev } = await h.db.query<{ master: string }>(
        'SELECT section_headings AS master FROM post_development WHERE post_id = $1',
        [id],
      );
      expect(dev[0]!.master).toContain(`"id":${BIGGER},`);
    });

    it('PATCH and DELETE of section 2^53 + 1 touch exactly that row', async () => {
      const id = await postWithBigIds();
      const patched = await h.app.inject({
        method: 'PATCH',
        url: url(`/posts/${id}/sections/${BIGGER}`),
        payload: { heading: 'Renamed' },
      });
      expect(patched.statusCode).toBe(200);
      expect(await rows(id)).toEqual([
        { id: BIG, section_order: 1, heading: 'Low' },
        { id: BIGGER, section_order: 2, heading: 'Renamed' },
      ]);
      const deleted = await h.app.inject({
        method: 'DELETE',
        url: url(`/posts/${id}/sections/${BIGGER}`),
      });
      expect(deleted.statusCode).toBe(200);
      expect(await rows(id)).toEqual([{ id: BIG, section_order: 1, heading: 'Low' }]);
    });

    it('a master array in the body with ids past 2^53 as JSON numbers hits exactly those rows', async () => {
      const id = await postWithBigIds();
      // Raw JSON: JSON.stringify could not even write these numbers.
      const payload = `{"sectionHeadings":[{"id":${BIGGER},"heading":"High first"},{"id":${BIG},"heading":"Low second"}]}`;
      const response = await h.app.inject({
        method: 'PUT',
        url: url(`/posts/${id}/section-headings`),
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().changes).toMatchObject({ created: 0, deleted: 0 });
      expect(await rows(id)).toEqual([
        { id: BIGGER, section_order: 1, heading: 'High first' },
        { id: BIG, section_order: 2, heading: 'Low second' },
      ]);
    });

    it('reorder takes ids as decimal strings (and small ids as numbers)', async () => {
      const id = await postWithBigIds();
      const response = await h.app.inject({
        method: 'PUT',
        url: url(`/posts/${id}/sections/order`),
        payload: { sectionIds: [BIGGER, BIG] },
      });
      expect(response.statusCode).toBe(200);
      expect((await rows(id)).map((r) => r.id)).toEqual([BIGGER, BIG]);

      const small = nextPost();
      await h.db.query('INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)', [
        small,
        '1. A\n2. B',
      ]);
      const [a, b] = (await rows(small)).map((r) => r.id);
      const asNumbers = await h.app.inject({
        method: 'PUT',
        url: url(`/posts/${small}/sections/order`),
        payload: { sectionIds: [Number(b), Number(a)] },
      });
      expect(asNumbers.statusCode).toBe(200);
      expect((await rows(small)).map((r) => r.id)).toEqual([b, a]);
    });

    it('a master written by plain SQL with a big id or a numeric-string id keeps those sections', async () => {
      const id = await postWithBigIds();
      await h.db.query(
        'UPDATE post_section SET section_description = id::text WHERE post_id = $1',
        [id],
      );
      await h.db.query('UPDATE post_development SET section_headings = $2 WHERE post_id = $1', [
        id,
        `[{"id":"${BIGGER}","heading":"One"},{"id":${BIG},"heading":"Two"}]`,
      ]);
      const { rows: after } = await h.db.query<{ id: string; description: string }>(
        `SELECT id, section_description AS description FROM post_section
       WHERE post_id = $1 ORDER BY section_order`,
        [id],
      );
      // Each row kept its id and its content: matched by id, not renamed in place.
      expect(after).toEqual([
        { id: BIGGER, description: BIGGER },
        { id: BIG, description: BIG },
      ]);
    });

    it('a rollback brings back section 2^53 + 1 itself', async () => {
      const id = await postWithBigIds();
      await h.db.query('DELETE FROM post_section WHERE id = $1::bigint', [BIGGER]);
      const log = await h.app.inject({ method: 'GET', url: url(`/posts/${id}/sync-log`) });
      const entry = log.json().entries[0].id;
      const response = await h.app.inject({
        method: 'POST',
        url: url(`/posts/${id}/sync-log/${entry}/rollback`),
        payload: {},
      });
      expect(response.statusCode).toBe(200);
      expect((await rows(id)).map((r) => r.id)).toEqual([BIG, BIGGER]);
    });

    it.each([
      ['1e-400', 0, 'id'],
      ['2.5', 0, 'id'],
      ['"  2 "', 0, 'id'],
      ['"00012"', 0, 'id'],
    ])(
      'id %s: 422 invalid_item naming the item and the field, nothing changed',
      async (literal, index, field) => {
        const id = await postWithBigIds();
        const before = await snapshot(h.db, id);
        const response = await h.app.inject({
          method: 'PUT',
          url: url(`/posts/${id}/section-headings`),
          payload: { sectionHeadings: `[{"heading":"A","id":${literal}}]` },
        });
        expect(response.statusCode).toBe(422);
        expect(response.json()).toMatchObject({
          code: 'invalid_item',
          details: { code: 'invalid_item', index, field },
        });
        expect(await snapshot(h.db, id)).toEqual(before);
      },
    );

    it('order 1e-400 and 1e400 are 422 naming the order, never a 500', async () => {
      const id = await postWithBigIds();
      for (const order of ['1e-400', '1e400']) {
        const response = await h.app.inject({
          method: 'PUT',
          url: url(`/posts/${id}/section-headings`),
          payload: {
            sectionHeadings: `[{"heading":"A","order":1},{"heading":"B","order":${order}}]`,
          },
        });
        expect(response.statusCode).toBe(422);
        expect(response.json().details).toMatchObject({ index: 1, field: 'order' });
      }
    });

    it('a number PostgreSQL cannot hold and JSON nested 10,000 deep are 422 invalid_json', async () => {
      const id = await postWithBigIds();
      const masters = [
        '[{"heading":"A","weight":1e200000}]',
        `[{"heading":"A","deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}]`,
      ];
      for (const master of masters) {
        const response = await h.app.inject({
          method: 'PUT',
          url: url(`/posts/${id}/section-headings`),
          payload: { sectionHeadings: master },
        });
        expect(response.statusCode).toBe(422);
        expect(response.json().code).toBe('invalid_json');
      }
      // The database is still fine afterwards (PGlite's stack survived).
      const read = await h.app.inject({ method: 'GET', url: url(`/posts/${id}/sections`) });
      expect(read.statusCode).toBe(200);
    });

    it('a value the database refuses (22xxx) is 422 invalid_value naming the field', async () => {
      const id = await postWithBigIds();
      const response = await h.app.inject({
        method: 'PATCH',
        url: url(`/posts/${id}/sections/9223372036854775808`),
        payload: { heading: 'x' },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({
        code: 'invalid_value',
        details: { sqlstate: '22003', field: 'sectionId' },
      });
    });

    it("a host's unique or foreign key constraint is 409 constraint_conflict, nothing changed", async () => {
      const id = await postWithBigIds();
      const table = `host_ref_${backend.name}`;
      await h.db.exec(
        `CREATE TABLE ${table} (section_id bigint REFERENCES post_section (id));
       INSERT INTO ${table} VALUES (${BIGGER});`,
      );
      try {
        const before = await snapshot(h.db, id);
        const deleted = await h.app.inject({
          method: 'DELETE',
          url: url(`/posts/${id}/sections/${BIGGER}`),
        });
        expect(deleted.statusCode).toBe(409);
        expect(deleted.json()).toMatchObject({
          code: 'constraint_conflict',
          details: { sqlstate: '23503' },
        });
        expect(await snapshot(h.db, id)).toEqual(before);
      } finally {
        await h.db.exec(`DROP TABLE ${table}`);
      }
      await h.db.exec(
        'CREATE UNIQUE INDEX host_unique_heading ON post_section (post_id, section_heading)',
      );
      try {
        const created = await h.app.inject({
          method: 'POST',
          url: url(`/posts/${id}/sections`),
          payload: { heading: 'Low' },
        });
        expect(created.statusCode).toBe(409);
        expect(created.json()).toMatchObject({
          code: 'constraint_conflict',
          details: { sqlstate: '23505', constraint: 'host_unique_heading' },
        });
      } finally {
        await h.db.exec('DROP INDEX host_unique_heading');
      }
    });
  },
);

// Random and mutated requests to every route (raw HTTP: any method, id spelling, body, content
// type, If-Match), with random plain-SQL writes in between: never a 500, and the consistency
// check finds every post in sync afterwards. 10,000 requests take ~110 s on the 2-core CI
// machine, so the default run sends 3,000 (~35 s; RELIABILITY_REQUEST_FUZZ_RUNS) and
// `npm run soak` 20,000.
import { openPostgres } from '@section-sync/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordFigures } from './support/figures.js';
import { hostileMaster } from './support/hostile-masters.js';
import { describeWithPostgres } from './support/postgres-only.js';
import { envNumber, testSeed } from './support/seed.js';
import { type Service, startService } from './support/service.js';

const RUNS = envNumber('RELIABILITY_REQUEST_FUZZ_RUNS', 3_000);
const POSTS = [1, 2, 3];
const PREFIX = '/api/workflow';

/** Ids as a caller might spell them: real ones come from the database at run time. */
const oddId = fc.constantFrom(
  '0',
  '-1',
  '-0',
  '00012',
  '1.5',
  '1e3',
  'x',
  '%20',
  '9007199254740993',
  '9223372036854775807',
  '9223372036854775808',
  '99999999999999999999999',
);
/** A JSON value that should not be there: odd numbers (raw literals), deep nesting, types. */
const oddJson = fc.constantFrom(
  '1e400',
  '1e-400',
  '1e200000',
  '-1',
  '0',
  '2.5',
  '9007199254740993',
  '"9007199254740993"',
  '"  2 "',
  'null',
  'true',
  '[]',
  '{}',
  '"x"',
  `${'['.repeat(70)}${']'.repeat(70)}`,
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
);

type Fields = Record<string, string>;
/** `arbitrary` one time in `n`, else undefined. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, n: number) =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** A request body as raw JSON text: field -> raw JSON value. */
const body = (fields: Fields) =>
  `{${Object.entries(fields)
    .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
    .join(',')}}`;

interface Picks {
  route: number;
  post: number;
  postSpelling: string | undefined;
  section: number;
  sectionSpelling: string | undefined;
  mutation: number;
  field: string;
  value: string;
  master: string;
  ifMatch: string | undefined;
  contentType: string;
}

const picks: fc.Arbitrary<Picks> = fc.record({
  route: fc.nat(12),
  post: fc.nat(POSTS.length - 1),
  postSpelling: sometimes(oddId, 8),
  section: fc.nat(50),
  sectionSpelling: sometimes(oddId, 5),
  mutation: fc.nat(9),
  field: fc.constantFrom(
    'heading',
    'description',
    'status',
    'position',
    'sectionIds',
    'sectionHeadings',
    'direction',
    'dryRun',
    'postIds',
    'batchSize',
    'extra',
  ),
  value: oddJson,
  master: hostileMaster.filter((m) => m.length < 20_000),
  ifMatch: sometimes(
    fc.constantFrom('"0"', '"1"', 'W/"2"', '*', 'nonsense', '"99999999999999999999"'),
    6,
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
  ),
});

/** Turns the picks into one request, given the post's current section ids. */
function requestOf(p: Picks, ids: string[]): { method: string; path: string; body?: string } {
  const post = p.postSpelling ?? String(POSTS[p.post]);
  const section = p.sectionSpelling ?? ids[p.section % Math.max(1, ids.length)] ?? '1';
  const shuffled = [...ids].sort(() => (p.section % 2 === 0 ? 1 : -1));
  const valid: Fields[] = [
    { direction: JSON.stringify(['both', 'to_sections', 'to_development'][p.section % 3]) },
    { sectionHeadings: JSON.stringify(p.master) },
    { heading: JSON.stringify(`Fuzz ${p.section}`), position: String(1 + (p.section % 5)) },
    { heading: JSON.stringify(`Edited ${p.section}`) },
    { sectionIds: JSON.stringify(shuffled) },
    { postIds: JSON.stringify(POSTS), batchSize: '2' },
  ];
  const base = valid[p.route % valid.length]!;
  let text: string | undefined;
  switch (p.mutation) {
    case 0:
      text = body({ ...base, [p.field]: p.value });
      break;
    case 1:
      text = body({ [p.field]: p.value });
      break;
    case 2:
      text = `${body(base)}`.slice(0, Math.max(1, p.section)); // cut short: invalid JSON
      break;
    case 3:
      text = undefined;
      break;
    case 4:
      // A master naming ids and orders in odd spellings, as text and as an array body.
      text = body({
        sectionHeadings: JSON.stringify(
          `[{"heading":"A","id":${p.value}},{"heading":"B","order":${p.value}}]`,
        ),
      });
      break;
    case 5:
      text = `{"sectionHeadings":[{"heading":"A","id":${p.value}},{"id":${section},"heading":"B"}]}`;
      break;
    default:
      text = body(base);
  }
  const routes: { method: string; path: string; withBody: boolean }[] = [
    { method: 'POST', path: `/posts/${post}/sync-sections`, withBody: true },
    { method: 'PUT', path: `/posts/${post}/section-headings`, withBody: true },
    { method: 'POST', path: `/posts/${post}/sections`, withBody: true },
    { method: 'PATCH', path: `/posts/${post}/sections/${section}`, withBody: true },
    { method: 'PUT', path: `/posts/${post}/sections/order`, withBody: true },
    { method: 'POST', path: '/sync-sections', withBody: true },
    { method: 'DELETE', path: `/posts/${post}/sections/${section}`, withBody: false },
    { method: 'GET', path: `/posts/${post}/sections`, withBody: false },
    { method: 'GET', path: `/posts/${post}/section-headings`, withBody: false },
    { method: 'GET', path: `/posts/${post}/sync-status`, withBody: false },
    {
      method: 'GET',
      path: `/sync-status?inconsistent=true&limit=${p.section % 3 === 0 ? 'x' : 50}`,
      withBody: false,
    },
    { method: 'GET', path: `/posts/${post}/sync-log?limit=5`, withBody: false },
    { method: 'POST', path: `/posts/${post}/sync-log/${section}/rollback`, withBody: true },
  ];
  const route = routes[p.route]!;
  return route.withBody && text !== undefined
    ? { method: route.method, path: route.path, body: text }
    : { method: route.method, path: route.path };
}

/** Plain-SQL writes a host makes next to the API (valid data: the rows-side rules are 16b's). */
const sqlWrite = fc.record({ kind: fc.nat(3), post: fc.nat(POSTS.length - 1), n: fc.nat(20) });

describeWithPostgres(
  'random and mutated requests to every route, with plain SQL in between',
  () => {
    let t: Awaited<ReturnType<typeof openPostgres>>;
    let service: Service;
    const statuses: Record<number, number> = {};
    const sqlOutcomes: Record<string, number> = {};

    beforeAll(async () => {
      t = await openPostgres();
      for (const post of POSTS) {
        await t.pool.query(
          'INSERT INTO post_development (post_id, section_headings) VALUES ($1, $2)',
          [post, '1. Intro\n2. Setup\n3. Usage'],
        );
      }
      // Two sections past 2^53, so ids JS numbers cannot tell apart are in play.
      await t.pool.query(
        `INSERT INTO post_section (id, post_id, section_order, section_heading)
       VALUES (9007199254740992, 1, 4, 'Big'), (9007199254740993, 1, 5, 'Bigger')`,
      );
      service = await startService({ pool: t.pool });
    });
    afterAll(async () => {
      await recordFigures('fuzz-requests', { requests: RUNS, statuses, sqlOutcomes });
      await service?.close();
      await t?.close();
    });

    async function idsOf(post: number): Promise<string[]> {
      const { rows } = await t.pool.query<{ id: string }>(
        'SELECT id FROM post_section WHERE post_id = $1 ORDER BY section_order',
        [post],
      );
      return rows.map((r) => r.id);
    }

    async function plainSql(write: { kind: number; post: number; n: number }): Promise<void> {
      const post = POSTS[write.post]!;
      const statements: [string, unknown[]][] = [
        [
          'INSERT INTO post_section (post_id, section_order, section_heading) VALUES ($1, $2, $3)',
          [post, 1 + (write.n % 4), `SQL ${write.n}`],
        ],
        [
          'UPDATE post_section SET section_heading = $2 WHERE id = (SELECT min(id) FROM post_section WHERE post_id = $1)',
          [post, `Renamed ${write.n}`],
        ],
        [
          'DELETE FROM post_section WHERE id = (SELECT max(id) FROM post_section WHERE post_id = $1)',
          [post],
        ],
        [
          'UPDATE post_development SET section_headings = $2 WHERE post_id = $1',
          [post, `1. Intro\n2. Setup ${write.n}`],
        ],
      ];
      const [sql, params] = statements[write.kind]!;
      const outcome = await t.pool.query(sql, params).then(
        () => 'ok',
        (error: { code?: string }) => error.code ?? 'error',
      );
      sqlOutcomes[outcome] = (sqlOutcomes[outcome] ?? 0) + 1;
    }

    it(`${RUNS} requests: no 500, the consistency check clean after`, async () => {
      const seed = testSeed('fuzz-requests', 20261204);
      const cases = fc.sample(fc.tuple(picks, sometimes(sqlWrite, 10)), {
        numRuns: RUNS,
        seed,
      });
      const failures: string[] = [];
      let ids = new Map<number, string[]>();
      for (let i = 0; i < cases.length; i++) {
        if (i % 25 === 0)
          ids = new Map(await Promise.all(POSTS.map(async (p) => [p, await idsOf(p)] as const)));
        const [p, write] = cases[i]!;
        if (write) await plainSql(write);
        const request = requestOf(p, ids.get(POSTS[p.post]!) ?? []);
        const headers: Record<string, string> = {};
        if (request.body !== undefined) headers['content-type'] = p.contentType;
        if (p.ifMatch !== undefined) headers['if-match'] = p.ifMatch;
        const response = await fetch(`${service.url}${PREFIX}${request.path}`, {
          method: request.method,
          headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        const text = await response.text();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (response.status >= 500 && response.status !== 503 && failures.length < 10) {
          failures.push(
            `${request.method} ${request.path} ${request.body?.slice(0, 200)} -> ${response.status} ${text.slice(0, 300)}`,
          );
        }
      }
      expect(failures, `seed ${seed}`).toEqual([]);
      expect(service.count(500, 503) + service.count(504, 600)).toBe(0);
      // The generator reaches successes and refusals of every kind, or it proves little.
      expect(Object.keys(statuses).length).toBeGreaterThan(5);

      const check = await fetch(`${service.url}${PREFIX}/sync-status?inconsistent=true`);
      expect(check.status).toBe(200);
      expect(((await check.json()) as { items: unknown[] }).items).toEqual([]);
    });
  },
);

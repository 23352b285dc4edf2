import { type Db, readSyncTotals, type SyncTotals } from '@section-sync/postgres';
import type { FastifyBaseLogger } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the routes report to the metrics: one call per API write, one per error answer. */
export interface SyncMetrics {
  readonly registry: Registry;
  observeWrite(operation: string, outcome: 'success' | 'error', seconds: number): void;
  countError(code: string): void;
}

const CHANGES = ['created', 'updated', 'moved', 'deleted'] as const;

/**
 * The plugin's Prometheus metrics on `registry`. Syncs and section changes come from the
 * database's totals (every writer counted, the triggers' plain-SQL syncs too, the same numbers on
 * every instance); the write duration and error counts are this process's API calls.
 *
 * @example
 * const metrics = createSyncMetrics({ db, log: app.log });
 * app.get('/metrics', async () => metrics.registry.metrics());
 */
export function createSyncMetrics(options: {
  db: Db | undefined;
  log: FastifyBaseLogger;
  registry?: Registry;
}): SyncMetrics {
  const registry = options.registry ?? new Registry();
  if (registry.getSingleMetric('section_sync_syncs_total')) {
    throw new TypeError(
      "@section-sync/fastify: the metrics registry already holds section-sync's metrics (a second registration of the plugin?): give each registration its own registry",
    );
  }
  const { db, log } = options;
  // A scrape collects every metric at once: they share one read of the totals.
  let reading: Promise<SyncTotals | undefined> | undefined;
  const totals = (): Promise<SyncTotals | undefined> => {
    if (!db) return Promise.resolve(undefined);
    reading ??= readSyncTotals(db)
      .catch((error: unknown) => {
        // The scrape still answers with this process's metrics; the database ones go missing.
        log.warn({ err: error }, 'section-sync metrics: cannot read the totals');
        return undefined;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };

  new Counter({
    name: 'section_sync_syncs_total',
    help: 'Syncs logged by the database (every writer: api, cli, trigger), by direction, origin and outcome',
    labelNames: ['direction', 'origin', 'outcome'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const t of (await totals())?.totals ?? []) {
        this.inc({ direction: t.direction, origin: t.origin, outcome: t.outcome }, t.syncs);
      }
    },
  });
  new Counter({
    name: 'section_sync_section_changes_total',
    help: 'Sections created, updated, moved and deleted by syncs, by origin',
    labelNames: ['change', 'origin'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const t of (await totals())?.totals ?? []) {
        for (const change of CHANGES) this.inc({ change, origin: t.origin }, t[change]);
      }
    },
  });
  new Gauge({
    name: 'section_sync_inconsistent_posts',
    help: 'Inconsistent posts found by the last whole-database check (section-sync check)',
    registers: [registry],
    async collect() {
      const check = (await totals())?.check;
      this.reset();
      if (check) this.set(check.inconsistentPosts);
    },
  });
  new Gauge({
    name: 'section_sync_last_check_timestamp_seconds',
    help: 'When the last whole-database check ran (Unix time)',
    registers: [registry],
    async collect() {
      const check = (await totals())?.check;
      this.reset();
      if (check) this.set(Date.parse(check.checkedAt) / 1000);
    },
  });
  const duration = new Histogram({
    name: 'section_sync_write_duration_seconds',
    help: 'Duration of API writes (syncs and section edits) in this process, by operation and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'section_sync_errors_total',
    help: 'Error answers of the API in this process, by error code',
    labelNames: ['code'],
    registers: [registry],
  });

  return {
    registry,
    observeWrite: (operation, outcome, seconds) =>
      duration.observe({ operation, outcome }, seconds),
    countError: (code) => errors.inc({ code }),
  };
}

import type pg from 'pg';
import { anchorHeading, type SectionLedger } from './ledger.js';

/** What one check of the whole database found wrong (every list empty when all is well). */
export interface InvariantReport {
  /** Posts whose orders are not exactly 1..n. */
  badOrders: string[];
  /** Posts whose master and rows disagree (`section_sync.check_posts`). */
  inconsistent: string[];
  /** Anchor sections gone, or marked sections whose content (marker) is gone. */
  lost: string[];
  /** Markers under another id, or sections that moved to another post. */
  misattributed: string[];
}

export function problems(report: InvariantReport): string[] {
  return [...report.badOrders, ...report.inconsistent, ...report.lost, ...report.misattributed];
}

/**
 * Checks every invariant on one committed snapshot of the database (REPEATABLE READ, read
 * only), so it can run while writers are busy: a failure is a state some reader could see.
 */
export async function checkInvariants(
  pool: pg.Pool,
  ledger: SectionLedger,
): Promise<InvariantReport> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const sections = await client.query<{
      id: string;
      post_id: string;
      section_order: number;
      section_heading: string;
      body: string | null;
    }>('SELECT id, post_id, section_order, section_heading, body FROM post_section');
    const checks = await client.query<{ post_id: string; status: string; differences: unknown }>(
      `SELECT post_id, status, differences FROM section_sync.check_posts(0, 1000000)
       WHERE status <> 'OK'`,
    );
    await client.query('COMMIT');
    return evaluate(sections.rows, checks.rows, ledger);
  } finally {
    client.release();
  }
}

function evaluate(
  rows: {
    id: string;
    post_id: string;
    section_order: number;
    section_heading: string;
    body: string | null;
  }[],
  checks: { post_id: string; status: string; differences: unknown }[],
  ledger: SectionLedger,
): InvariantReport {
  const report: InvariantReport = { badOrders: [], inconsistent: [], lost: [], misattributed: [] };
  const orders = new Map<number, number[]>();
  const byId = new Map<number, (typeof rows)[number]>();
  for (const row of rows) {
    const id = Number(row.id);
    const postId = Number(row.post_id);
    byId.set(id, row);
    orders.set(postId, [...(orders.get(postId) ?? []), row.section_order]);
    if (row.body === null) report.lost.push(`section ${id} lost its content`);
    else if (row.body !== `marker:${id}`) {
      report.misattributed.push(`section ${id} carries ${row.body}`);
    }
    const seenIn = ledger.seen.get(id);
    if (seenIn === undefined) ledger.seen.set(id, postId);
    else if (seenIn !== postId) {
      report.misattributed.push(`section ${id} moved from post ${seenIn} to post ${postId}`);
    }
  }
  for (const [postId, list] of orders) {
    const sorted = [...list].sort((a, b) => a - b);
    if (sorted.some((order, i) => order !== i + 1)) {
      report.badOrders.push(`post ${postId} has orders ${sorted.join(',')}`);
    }
  }
  for (const [postId, anchorId] of ledger.anchors) {
    const anchor = byId.get(anchorId);
    if (!anchor || Number(anchor.post_id) !== postId) {
      report.lost.push(`anchor ${anchorId} of post ${postId} is gone`);
    } else if (anchor.section_heading !== anchorHeading(postId)) {
      report.misattributed.push(`anchor ${anchorId} is now "${anchor.section_heading}"`);
    }
  }
  for (const check of checks) {
    report.inconsistent.push(
      `post ${check.post_id}: ${check.status} ${JSON.stringify(check.differences)}`,
    );
  }
  return report;
}

/**
 * Checks the invariants every `intervalMs` until stopped (the sampled snapshots of a load
 * run); `stop()` resolves to every report taken. With `whileDown`, a sample that cannot reach
 * the database (it is being restarted) is skipped rather than failing the run.
 */
export function sampleInvariants(
  pool: pg.Pool,
  ledger: SectionLedger,
  intervalMs: number,
  options: { whileDown?: boolean } = {},
): { stop(): Promise<InvariantReport[]> } {
  const reports: InvariantReport[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      if (!running) break;
      try {
        reports.push(await checkInvariants(pool, ledger));
      } catch (error) {
        if (!options.whileDown) throw error;
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return reports;
    },
  };
}

import {
  detectFormat,
  type MasterFormat,
  parse,
  render,
  SectionFormatError,
  type SectionLimits,
} from '@section-sync/core';
import { createStore } from '@section-sync/postgres';
import type { CommandContext } from '../context.js';
import { failureLine, syncInBatches } from './bulk.js';
import { count, listSome, seconds } from './report.js';
import { countPosts, masterPages } from './scan.js';

type MasterKind = 'canonical' | 'legacy' | 'empty' | 'invalid';

/**
 * Whether a master is already the canonical JSON `render` writes: every item with its id,
 * description and status, compact, in order. Anything else is a legacy format.
 *
 * @example
 * classifyMaster('[{"id":7,"order":1,"heading":"Intro","description":"","status":"draft"}]'); // 'canonical'
 * classifyMaster('1. Intro'); // 'legacy'
 */
export function classifyMaster(
  master: string | null,
  limits: Partial<SectionLimits> = {},
): MasterKind {
  if (master === null || master.trim() === '') return 'empty';
  let items: ReturnType<typeof parse>;
  try {
    items = parse(master, limits);
  } catch (error) {
    if (error instanceof SectionFormatError) return 'invalid';
    throw error;
  }
  if (items.some((item) => item.id === undefined)) return 'legacy';
  const canonical = render(
    items.map((item) => ({
      id: item.id!,
      order: item.order,
      heading: item.heading,
      description: item.description ?? '',
      status: item.status ?? 'draft',
    })),
  );
  return canonical === master ? 'canonical' : 'legacy';
}

/** `section-sync normalize`: rewrites legacy masters into the canonical JSON, in batches. */
export async function normalizeCommand(ctx: CommandContext): Promise<number> {
  const started = Date.now();
  const { options } = ctx;
  const total = await countPosts(ctx.db);
  const scan = ctx.progress('scan', 'posts');
  const legacy: { postId: number; format: MasterFormat }[] = [];
  const invalid: { postId: number; message: string }[] = [];
  const kinds: Record<MasterKind, number> = { canonical: 0, legacy: 0, empty: 0, invalid: 0 };
  let scanned = 0;
  for await (const rows of masterPages(ctx.db, Math.max(options.batchSize, 1000))) {
    for (const row of rows) {
      const kind = classifyMaster(row.section_headings, options.limits);
      kinds[kind]++;
      if (kind === 'legacy') {
        legacy.push({ postId: row.post_id, format: detectFormat(row.section_headings) });
      } else if (kind === 'invalid') {
        let message = 'cannot be parsed';
        try {
          parse(row.section_headings, options.limits);
        } catch (error) {
          message = (error as Error).message;
        }
        invalid.push({ postId: row.post_id, message });
      }
    }
    scanned += rows.length;
    scan.update(scanned, Math.max(total, scanned));
  }
  scan.finish();

  const store = createStore(ctx.db, { origin: 'cli', limits: ctx.options.limits });
  // `both`: the master's sections go to the rows first (nothing is lost where they differ),
  // then the rows are rendered back as the canonical master.
  const run = await syncInBatches(
    store,
    legacy.map((l) => l.postId),
    {
      direction: 'both',
      batchSize: options.batchSize,
      dryRun: options.dryRun,
      progress: ctx.progress(options.dryRun ? 'normalize (dry run)' : 'normalize', 'posts'),
    },
  );
  const elapsedMs = Date.now() - started;
  const formats: Record<string, number> = {};
  for (const { format } of legacy) formats[format] = (formats[format] ?? 0) + 1;

  if (options.json) {
    ctx.out(
      JSON.stringify({
        status: run.failed.length === 0 ? 'success' : 'partial',
        dryRun: options.dryRun,
        scanned,
        ...kinds,
        formats,
        rewritten: options.dryRun ? 0 : run.succeeded,
        failed: run.failed.length,
        elapsedMs,
        posts: legacy,
        invalidPosts: invalid,
        failures: run.failed,
      }),
    );
  } else {
    const formatList = Object.entries(formats)
      .map(([format, n]) => `${format} ${n.toLocaleString('en-US')}`)
      .join(', ');
    const lines = [
      `Scanned ${count(scanned, 'master')}: ${kinds.canonical.toLocaleString('en-US')} canonical, ${kinds.legacy.toLocaleString('en-US')} in legacy formats${formatList ? ` (${formatList})` : ''}, ${kinds.empty.toLocaleString('en-US')} empty, ${kinds.invalid.toLocaleString('en-US')} unparsable.`,
    ];
    if (legacy.length === 0) lines.push('Nothing to rewrite.');
    else if (options.dryRun) {
      lines.push(`Would rewrite ${count(run.succeeded, 'master')} into the canonical JSON:`);
      lines.push(...listSome(legacy, 20, (l) => `post ${String(l.postId).padEnd(8)} ${l.format}`));
      lines.push('Dry run: nothing was changed.');
    } else {
      lines.push(
        `Rewrote ${count(run.succeeded, 'master')} into the canonical JSON in ${seconds(elapsedMs)}.`,
      );
    }
    if (run.failed.length > 0) {
      lines.push(`${count(run.failed.length, 'post')} could not be rewritten:`);
      lines.push(...listSome(run.failed, 20, failureLine));
    }
    if (invalid.length > 0) {
      lines.push(
        'Unparsable masters (left alone; fix them or run `section-sync repair --direction to_development`):',
      );
      lines.push(
        ...listSome(invalid, 20, (p) => `post ${String(p.postId).padEnd(8)} ${p.message}`),
      );
    }
    ctx.out(lines.join('\n'));
  }
  return run.failed.length === 0 ? 0 : 1;
}

import type { CommandName } from './args.js';

const GENERAL = `section-sync: check and repair the sync between post_development.section_headings
(the master outline) and the post_section rows.

Usage: section-sync <command> [options]

Commands:
  migrate                 install or upgrade section-sync (online: indexes built concurrently,
                          every lock with a timeout); --dry-run prints the plan and exact SQL
  plan                    the same as migrate --dry-run: applied and pending migrations, the SQL
                          and the lock each step takes; changes nothing
  uninstall               drop section-sync's triggers, functions and schema (never the host's
                          tables or rows); --dry-run first, then --yes
  check                   consistency report of every post (exit 1 when any is inconsistent)
  repair                  sync the inconsistent posts, in batches
  normalize               rewrite legacy master formats into the canonical JSON, in batches
  sync <postId>           sync one post
  prune                   delete old sync log entries (retention), in batches

Database (one of):
  DATABASE_URL=postgres://...     environment variable
  --database-url <url>            PostgreSQL URL
  --pglite <dir>                  a PGlite data directory (e.g. the demo's DATA_DIR)

Schemas:
  --product-schema <name>         section-sync's own schema (or SECTION_SYNC_PRODUCT_SCHEMA);
                                  default section_sync
  --schema <name>                 the host tables' schema (migrate, plan, uninstall); default public

Options:
  --json                  machine-readable output on stdout
  -q, --quiet             no progress on stderr
  -h, --help              help (also: section-sync <command> --help)
  -v, --version           the version

Section limits (give the ones the servers' stores use; defaults 500, 1000, 10000, 100):
  --max-sections <n>              or SECTION_SYNC_MAX_SECTIONS
  --max-heading-length <n>        or SECTION_SYNC_MAX_HEADING_LENGTH
  --max-description-length <n>    or SECTION_SYNC_MAX_DESCRIPTION_LENGTH
  --max-status-length <n>         or SECTION_SYNC_MAX_STATUS_LENGTH

Exit codes: 0 done; 1 inconsistent posts found (check) or some posts failed; 2 wrong usage;
3 database unreachable, not migrated, or a migration/uninstall failed; 4 migrate/uninstall gave
up waiting for a lock (a long transaction holds a table; nothing half-done: run it again later).

Progress goes to stderr: a bar on a terminal, plain lines otherwise (logs, cron).
`;

const COMMAND_HELP: Record<CommandName, string> = {
  migrate: `Usage: section-sync migrate [--dry-run] [--lock-timeout 500] [--schema public]

Installs or upgrades section-sync in the database: its own schema (functions, triggers, the
sync log) and what it needs on the host's post_development / post_section (created if missing;
host columns kept). Safe at every deploy and from several machines at once (an advisory lock).

Online, for a busy production database: indexes on the host's tables are built CONCURRENTLY
(writes go on), the unique constraint is attached to such an index, messy orders are renumbered
500 posts per transaction, and every lock is requested with lock_timeout (--lock-timeout ms,
default 500): a request that times out behind a long transaction is rolled back, releasing the
writers queued behind it, and tried again with backoff. Each step is printed on stderr.

--dry-run (or --plan, or \`section-sync plan\`) prints the applied and pending migrations, the
exact SQL of each pending step with the lock it takes, and changes nothing.
`,
  plan: `Usage: section-sync plan [--schema public] [--json]

What \`section-sync migrate\` would do, without doing it: the migrations applied (with when) and
pending, and the exact SQL of each pending step, how it runs (its own transaction, or none for a
concurrent index build) and the table lock it takes.
`,
  uninstall: `Usage: section-sync uninstall --dry-run | --yes [--drop-host-additions] [--lock-timeout 500]

Removes section-sync: its triggers on post_development / post_section, then its schema
(functions, the sync log and bookkeeping, the migration records), in one transaction. The host's
tables and rows are never touched. What migrate added to them stays unless
--drop-host-additions: the section_sync_version column (versions clients may still send in
If-Match), the UNIQUE (post_id, section_order) constraint and the indexes (they keep orders
1..n, which the host's code may now rely on). Refuses, naming them, when other objects (a view
calling a section_sync function) depend on it.

--dry-run prints the exact SQL and what stays; without it, --yes is required.
`,
  check: `Usage: section-sync check [--json]

Compares every post's master with its section rows (headings, order, descriptions, statuses,
ids) and reports the posts that differ. Exit code 1 when any post is inconsistent: fit for
cron and alerting. The count is also recorded in the database, where the servers' /metrics
show it (section_sync_inconsistent_posts).

Example:  section-sync check --json | jq '.inconsistent'
`,
  repair: `Usage: section-sync repair [--direction both] [--batch-size 100] [--dry-run]

Syncs every inconsistent post, --batch-size posts per transaction. The master wins by default
(--direction both: master -> sections, then the canonical master is written back); use
--direction to_development to rebuild masters from the rows instead. Posts whose master cannot
be parsed fail and are listed (fix them, or repair them --direction to_development).
--dry-run reports what would change and changes nothing.
`,
  normalize: `Usage: section-sync normalize [--batch-size 100] [--dry-run]

Rewrites every master held in a legacy format (numbered or bulleted lines, JSON strings, code
fences, ...) into the canonical JSON array with section ids, keeping every section (the master
wins where it differs from the rows). Unparsable masters are listed and left alone.
--dry-run lists what would be rewritten and changes nothing.
`,
  prune: `Usage: section-sync prune [--keep-last <n>] [--older-than-days <days>] [--batch-size 5000] [--dry-run]

Deletes the sync log entries the retention policy lets go: those beyond the last <n> of each
post (--keep-last) and, when given, older than <days> (--older-than-days); with both, an entry
must be both to go. A post's newest entry always stays. Entries go oldest first, --batch-size per
statement (each its own short transaction). Rolling back a pruned entry answers 404
log_entry_pruned. --dry-run counts what would go and changes nothing.

Example (cron, daily):  section-sync prune --keep-last 50 --older-than-days 30 --quiet
`,
  sync: `Usage: section-sync sync <postId> [--direction both|to_sections|to_development] [--dry-run]

Syncs one post: to_sections (master -> rows), to_development (rows -> master) or both (the
default: master -> rows when the master is not empty, then rows -> master).
`,
};

export function helpText(command: CommandName | undefined): string {
  return command ? COMMAND_HELP[command] : GENERAL;
}

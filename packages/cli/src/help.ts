import type { CommandName } from './args.js';

const GENERAL = `section-sync: check and repair the sync between post_development.section_headings
(the master outline) and the post_section rows.

Usage: section-sync <command> [options]

Commands:
  migrate                 install or upgrade section-sync's tables, functions and triggers
  check                   consistency report of every post (exit 1 when any is inconsistent)
  repair                  sync the inconsistent posts, in batches
  normalize               rewrite legacy master formats into the canonical JSON, in batches
  sync <postId>           sync one post
  prune                   delete old sync log entries (retention), in batches

Database (one of):
  DATABASE_URL=postgres://...     environment variable
  --database-url <url>            PostgreSQL URL
  --pglite <dir>                  a PGlite data directory (e.g. the demo's DATA_DIR)

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
3 database unreachable or not migrated.

Progress goes to stderr: a bar on a terminal, plain lines otherwise (logs, cron).
`;

const COMMAND_HELP: Record<CommandName, string> = {
  migrate: `Usage: section-sync migrate

Installs or upgrades section-sync in the database: tables (created if missing, host columns
kept), PL/pgSQL functions, triggers, the sync log. Safe to run at every deploy and from several
machines at once.
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

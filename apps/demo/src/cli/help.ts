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

Database (one of):
  DATABASE_URL=postgres://...     environment variable
  --database-url <url>            PostgreSQL URL
  --pglite <dir>                  a PGlite data directory (e.g. the demo's DATA_DIR)

Options:
  --json                  machine-readable output on stdout
  -q, --quiet             no progress on stderr
  -h, --help              help (also: section-sync <command> --help)
  -v, --version           the version

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
cron and alerting.

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
  sync: `Usage: section-sync sync <postId> [--direction both|to_sections|to_development] [--dry-run]

Syncs one post: to_sections (master -> rows), to_development (rows -> master) or both (the
default: master -> rows when the master is not empty, then rows -> master).
`,
};

export function helpText(command: CommandName | undefined): string {
  return command ? COMMAND_HELP[command] : GENERAL;
}

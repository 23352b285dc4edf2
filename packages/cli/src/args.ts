import { parseArgs } from 'node:util';
import type { SectionLimits, SyncDirection } from '@section-sync/core';

export const COMMANDS = [
  'migrate',
  'plan',
  'uninstall',
  'check',
  'repair',
  'normalize',
  'sync',
  'prune',
] as const;
export type CommandName = (typeof COMMANDS)[number];

const DIRECTIONS: readonly SyncDirection[] = ['to_sections', 'to_development', 'both'];

/** Options every command understands (the ones a command does not use are refused). */
export interface CliOptions {
  command: CommandName | undefined;
  /** Positional arguments after the command (the post id of `sync`). */
  args: string[];
  databaseUrl: string | undefined;
  pglite: string | undefined;
  json: boolean;
  quiet: boolean;
  dryRun: boolean;
  direction: SyncDirection | undefined;
  batchSize: number;
  /** `prune`: entries kept per post. */
  keepLast: number | undefined;
  /** `prune`: only entries older than this many days go. */
  olderThanDays: number | undefined;
  /** Schema of the host's post_development / post_section (migrate, plan, uninstall). */
  schema: string | undefined;
  /** Schema of section-sync's own objects. */
  productSchema: string | undefined;
  /** migrate, uninstall: longest wait of one lock request before the step is tried again. */
  lockTimeoutMs: number | undefined;
  /** uninstall: also drop the column, constraint and indexes migrate added to the host's tables. */
  dropHostAdditions: boolean;
  /** uninstall: really do it (without --dry-run). */
  yes: boolean;
  /** Limits of the section data, when raised (or lowered) from the defaults. */
  limits: Partial<SectionLimits>;
  help: boolean;
  version: boolean;
}

/** A mistake in the command line: exit code 2 and the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const ALLOWED: Record<CommandName, string[]> = {
  migrate: ['dry-run', 'plan', 'schema', 'lock-timeout'],
  plan: ['schema'],
  uninstall: ['dry-run', 'schema', 'lock-timeout', 'drop-host-additions', 'yes'],
  check: [],
  repair: ['dry-run', 'direction', 'batch-size'],
  normalize: ['dry-run', 'batch-size'],
  sync: ['dry-run', 'direction'],
  prune: ['dry-run', 'batch-size', 'keep-last', 'older-than-days'],
};

const COMMAND_OPTIONS = [
  'dry-run',
  'plan',
  'schema',
  'lock-timeout',
  'drop-host-additions',
  'yes',
  'direction',
  'batch-size',
  'keep-last',
  'older-than-days',
] as const;

/**
 * The limit options, each also read from an environment variable: the limits a server's store
 * was given must be given to the CLI too, or its check reads raised-limit posts as invalid.
 */
const LIMIT_OPTIONS = [
  ['max-sections', 'SECTION_SYNC_MAX_SECTIONS', 'maxSections'],
  ['max-heading-length', 'SECTION_SYNC_MAX_HEADING_LENGTH', 'maxHeadingLength'],
  ['max-description-length', 'SECTION_SYNC_MAX_DESCRIPTION_LENGTH', 'maxDescriptionLength'],
  ['max-status-length', 'SECTION_SYNC_MAX_STATUS_LENGTH', 'maxStatusLength'],
] as const;

function limitsOf(
  values: Partial<Record<(typeof LIMIT_OPTIONS)[number][0], string>>,
  env: NodeJS.ProcessEnv,
): Partial<SectionLimits> {
  const limits: Partial<SectionLimits> = {};
  for (const [option, variable, key] of LIMIT_OPTIONS) {
    const text = values[option] ?? env[variable];
    const value = wholeNumber(text === '' ? undefined : text, option, 1);
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}

/** Batch sizes: posts per transaction, except for prune, which deletes log entries. */
const DEFAULT_BATCH_SIZE: Partial<Record<CommandName, number>> = { prune: 5000 };

function wholeNumber(value: string | undefined, option: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${option} must be a whole number of at least ${min}, got "${value}"`);
  }
  return n;
}

function identifier(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value)) {
    throw new UsageError(
      `--${option} must be a plain SQL name (letters, digits, _), got "${value}"`,
    );
  }
  return value;
}

/**
 * Reads the command line with node:util `parseArgs`.
 *
 * @example
 * parseCli(['repair', '--dry-run', '--batch-size', '500']);
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ''));
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  const help = values.help === true;
  if (command !== undefined && !(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`Unknown command "${command}". Commands: ${COMMANDS.join(', ')}`);
  }
  const name = command as CommandName | undefined;
  if (name && !help) {
    for (const option of COMMAND_OPTIONS) {
      if (values[option] !== undefined && !ALLOWED[name].includes(option)) {
        throw new UsageError(`"${name}" does not take --${option}`);
      }
    }
    if (name === 'sync' && args.length !== 1) {
      throw new UsageError('"sync" takes one post id: section-sync sync <postId> --direction both');
    }
    if (name !== 'sync' && args.length > 0) {
      throw new UsageError(`"${name}" takes no arguments, got "${args.join(' ')}"`);
    }
    if (name === 'uninstall' && values['dry-run'] !== true && values.yes !== true) {
      throw new UsageError(
        '"uninstall" drops section-sync from the database: look first with `section-sync uninstall --dry-run`, then run it with --yes',
      );
    }
    if (
      name === 'prune' &&
      values['keep-last'] === undefined &&
      values['older-than-days'] === undefined
    ) {
      throw new UsageError('"prune" needs --keep-last <n>, --older-than-days <days> or both');
    }
  }
  const direction = values.direction;
  if (direction !== undefined && !(DIRECTIONS as readonly string[]).includes(direction)) {
    throw new UsageError(`--direction must be one of ${DIRECTIONS.join(', ')}, got "${direction}"`);
  }
  const batchSize =
    values['batch-size'] === undefined
      ? ((name && DEFAULT_BATCH_SIZE[name]) ?? 100)
      : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new UsageError(
      `--batch-size must be a whole number from 1 to 10000, got "${values['batch-size']}"`,
    );
  }
  if (values['database-url'] !== undefined && values.pglite !== undefined) {
    throw new UsageError('Give --database-url or --pglite, not both');
  }
  return {
    command: name,
    args,
    databaseUrl:
      values['database-url'] ?? (values.pglite === undefined ? env.DATABASE_URL : undefined),
    pglite: values.pglite,
    json: values.json === true,
    quiet: values.quiet === true,
    // `plan` and `migrate --plan` are `migrate --dry-run`.
    dryRun: values['dry-run'] === true || values.plan === true || name === 'plan',
    direction: direction as SyncDirection | undefined,
    batchSize,
    keepLast: wholeNumber(values['keep-last'], 'keep-last', 1),
    olderThanDays: wholeNumber(values['older-than-days'], 'older-than-days', 0),
    schema: identifier(values.schema, 'schema'),
    productSchema: identifier(
      values['product-schema'] ?? env.SECTION_SYNC_PRODUCT_SCHEMA,
      'product-schema',
    ),
    lockTimeoutMs: wholeNumber(values['lock-timeout'], 'lock-timeout', 1),
    dropHostAdditions: values['drop-host-additions'] === true,
    yes: values.yes === true,
    limits: limitsOf(values, env),
    help,
    version: values.version === true,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'database-url': { type: 'string' },
      pglite: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      'dry-run': { type: 'boolean', short: 'n' },
      direction: { type: 'string', short: 'd' },
      'batch-size': { type: 'string', short: 'b' },
      'keep-last': { type: 'string' },
      'older-than-days': { type: 'string' },
      plan: { type: 'boolean' },
      schema: { type: 'string' },
      'product-schema': { type: 'string' },
      'lock-timeout': { type: 'string' },
      'drop-host-additions': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      'max-sections': { type: 'string' },
      'max-heading-length': { type: 'string' },
      'max-description-length': { type: 'string' },
      'max-status-length': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

/** Parses a post id argument. */
export function parsePostId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1) {
    throw new UsageError(`The post id must be a positive whole number, got "${text}"`);
  }
  return id;
}

/** One committed change of a post, as announced by the `section_sync.log` NOTIFY trigger. */
export interface PostChange {
  postId: number;
  /** The sync log entry the change wrote. */
  logId: number;
  /** `to_sections`, `to_development`, `both` or `rollback`. */
  direction: string;
  /** `api`, `cli`, `trigger` (plain SQL) or `rollback`. */
  origin: string;
  /** Schema of the tables that changed. */
  schema?: string;
}

/** The NOTIFY payload as a `PostChange`, or `undefined` when it is not one of ours. */
export function parseChange(payload: string): PostChange | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!Number.isSafeInteger(v.postId) || !Number.isSafeInteger(v.logId)) return undefined;
  return {
    postId: v.postId as number,
    logId: v.logId as number,
    direction: typeof v.direction === 'string' ? v.direction : 'unknown',
    origin: typeof v.origin === 'string' ? v.origin : 'unknown',
    ...(typeof v.schema === 'string' ? { schema: v.schema } : {}),
  };
}

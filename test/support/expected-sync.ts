import {
  applyPlan,
  type ExistingSection,
  parse,
  plan,
  SectionFormatError,
} from '@section-sync/core';
import type pg from 'pg';

/** A post's rows as the plan sees them, in order. */
export async function existingSections(db: pg.Pool, postId: number): Promise<ExistingSection[]> {
  const { rows } = await db.query<{
    id: string;
    order: number;
    heading: string;
    description: string;
    status: string;
  }>(
    `SELECT id, section_order AS "order", section_heading AS heading,
            section_description AS description, status
     FROM post_section WHERE post_id = $1 ORDER BY section_order`,
    [postId],
  );
  return rows;
}

/** What writing `master` must do, by the TypeScript core (the specification). */
export type ExpectedSync =
  | { kind: 'unchanged' } // blank: an empty master never wipes a post's sections
  | {
      kind: 'synced';
      sections: {
        id: string | null;
        order: number;
        heading: string;
        description: string;
        status: string;
      }[];
    }
  | { kind: 'refused'; code: string };

const BLANK = /^[ \t\n\r\f\v]*$/;

/**
 * Known divergence (reported, not fixed): PostgreSQL's JSON parser gives up past ~10,000-20,000
 * levels of nesting (54001, by max_stack_depth), and the SQL port reports that as invalid_json,
 * where the TypeScript core parses on (and may accept the master, or name an invalid item).
 * Both refuse or accept whole; only the error code differs. Nesting up to 10,000 must agree.
 */
export const POSTGRES_JSON_DEPTH = 10_000;

/** Deepest bracket nesting of a JSON-looking text (strings skipped). */
export function jsonNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return deepest;
}

/** Whether `master` is past the depth where the SQL port's answer may differ (see above). */
export function beyondPostgresJsonDepth(master: string): boolean {
  return /^\s*[[{]/.test(master) && jsonNesting(master) > POSTGRES_JSON_DEPTH;
}

export function expectedSync(existing: readonly ExistingSection[], master: string): ExpectedSync {
  if (BLANK.test(master)) return { kind: 'unchanged' };
  if (beyondPostgresJsonDepth(master)) return { kind: 'refused', code: 'invalid_json' };
  try {
    const desired = parse(master);
    return { kind: 'synced', sections: applyPlan(existing, plan(existing, desired)) as never };
  } catch (error) {
    if (error instanceof SectionFormatError) return { kind: 'refused', code: error.code };
    throw error;
  }
}

/** The fields a sync decides, ids only where the section existed before (new ids are the database's). */
export function comparableSections(
  sections: readonly {
    id: string | null;
    order: number;
    heading: string;
    description: string;
    status: string;
  }[],
  keptIds: ReadonlySet<string>,
) {
  return sections.map((s) => ({
    id: s.id !== null && keptIds.has(s.id) ? s.id : 'new',
    order: s.order,
    heading: s.heading,
    description: s.description,
    status: s.status,
  }));
}

/** Whether PostgreSQL text can carry the string at all (no NUL; node sends lone surrogates as U+FFFD). */
export function storableInPostgres(text: string): boolean {
  return !/\u0000|[\u{d800}-\u{dfff}]/u.test(text);
}

import type { ChangeCounts, SectionId } from './schemas/domain.js';

export type { ChangeCounts, MasterFormat, SectionId } from './schemas/domain.js';

/** A section's workflow status. Free text on the wire; `draft` when absent on a new section. */
export type SectionStatus = string;

/** One item of the master list after parsing. Absent fields keep the existing section's values. */
export interface DesiredSection {
  /** 1..n, always contiguous after parsing. */
  order: number;
  heading: string;
  description?: string;
  status?: SectionStatus;
  /** Id of an existing section of the same post; ids of other posts' sections are ignored. */
  id?: SectionId;
}

/** A `post_section` row as sync sees it (host columns are not part of the sync). */
export interface ExistingSection {
  id: SectionId;
  order: number;
  heading: string;
  description: string;
  status: SectionStatus;
}

/** What a plan does to one section. `update` changes content (and maybe order); `move` only order. */
export type PlanOperation =
  | { type: 'create'; order: number; heading: string; description: string; status: SectionStatus }
  | {
      type: 'update';
      id: SectionId;
      from: number;
      order: number;
      heading: string;
      description: string;
      status: SectionStatus;
    }
  | { type: 'move'; id: SectionId; from: number; order: number }
  | { type: 'delete'; id: SectionId; from: number };

/**
 * The identity-preserving sync plan. `operations` is canonical: create/update/move in ascending
 * target order, then deletes in ascending existing order, so two implementations can be compared.
 */
export interface SyncPlan {
  operations: PlanOperation[];
  changes: ChangeCounts;
}

/** Configurable limits of the master field. Exceeding one is an error, never a silent cut. */
export interface SectionLimits {
  /** @default 500 */
  maxSections: number;
  /** Characters (code points) per heading, after trimming. @default 1000 */
  maxHeadingLength: number;
  /** Characters (code points) per description. @default 10000 */
  maxDescriptionLength: number;
  /** Characters (code points) per status. @default 100 */
  maxStatusLength: number;
}

export const DEFAULT_LIMITS: Readonly<SectionLimits> = Object.freeze({
  maxSections: 500,
  maxHeadingLength: 1000,
  maxDescriptionLength: 10000,
  maxStatusLength: 100,
});

export const DEFAULT_STATUS = 'draft';

/**
 * How deep arrays and objects may nest in a JSON master (the root array is level 1). Deeper
 * text is `invalid_json`, in TypeScript and in SQL alike: PostgreSQL's own parser gives up
 * somewhere past 10,000 levels, depending on its stack, so the rule must not depend on it.
 */
export const MAX_JSON_DEPTH = 64;

import type { CallOptions, DryRunWriteOptions, WriteOptions } from '../options.js';
import type { Transport } from '../transport/transport.js';
import type {
  CreateSectionRequest,
  CreateSectionResponse,
  ReorderSectionsRequest,
  SectionId,
  SectionsResponse,
  UpdateSectionRequest,
  WriteResult,
  Written,
} from '../wire.js';
import { postPath, segment, written } from './shared.js';

/** A new section: `heading`, and optionally `description`, `status`, `position` (1-based). */
export type NewSection = Omit<CreateSectionRequest, 'dryRun'>;
/** The fields of a section to change; at least one. */
export type SectionChanges = Omit<UpdateSectionRequest, 'dryRun'>;

/** Reading and editing a post's section rows one at a time; the master follows each write. */
export function sectionMethods(transport: Transport) {
  return {
    /**
     * The post's sections in order, with the post's version.
     *
     * @example
     * ```ts
     * const { sections, version } = await client.getSections(7);
     * ```
     */
    async getSections(postId: number, options?: CallOptions): Promise<SectionsResponse> {
      const response = await transport.request<SectionsResponse>(
        { method: 'GET', path: `${postPath(postId)}/sections` },
        options,
      );
      return response.body;
    },

    /**
     * Adds a section (at `position`, default last); answers 201 with the new `section`.
     *
     * @example
     * ```ts
     * const { section } = await client.createSection(7, { heading: 'Pricing', position: 2 });
     * ```
     */
    async createSection(
      postId: number,
      section: NewSection,
      options: DryRunWriteOptions = {},
    ): Promise<Written<CreateSectionResponse>> {
      const body: CreateSectionRequest = { ...section };
      if (options.dryRun !== undefined) body.dryRun = options.dryRun;
      const response = await transport.request<CreateSectionResponse>(
        { method: 'POST', path: `${postPath(postId)}/sections`, body, ifMatch: options.ifMatch },
        options,
      );
      return written(response);
    },

    /**
     * Edits a section's heading, description or status; its id and content stay.
     *
     * @example
     * ```ts
     * await client.updateSection(7, '42', { heading: 'Pricing and plans', status: 'done' });
     * ```
     */
    async updateSection(
      postId: number,
      sectionId: SectionId,
      changes: SectionChanges,
      options: DryRunWriteOptions = {},
    ): Promise<Written<WriteResult>> {
      const body: UpdateSectionRequest = { ...changes };
      if (options.dryRun !== undefined) body.dryRun = options.dryRun;
      const response = await transport.request<WriteResult>(
        {
          method: 'PATCH',
          path: `${postPath(postId)}/sections/${segment(sectionId)}`,
          body,
          ifMatch: options.ifMatch,
        },
        options,
      );
      return written(response);
    },

    /**
     * Deletes a section; the later ones move up. (No dry run: the route has none.)
     *
     * @example
     * ```ts
     * const { sections } = await client.deleteSection(7, '42', { ifMatch: version });
     * ```
     */
    async deleteSection(
      postId: number,
      sectionId: SectionId,
      options: WriteOptions = {},
    ): Promise<Written<WriteResult>> {
      const response = await transport.request<WriteResult>(
        {
          method: 'DELETE',
          path: `${postPath(postId)}/sections/${segment(sectionId)}`,
          ifMatch: options.ifMatch,
        },
        options,
      );
      return written(response);
    },

    /**
     * Puts the sections in the order of `sectionIds`, a permutation of the post's ids (what a
     * drag and drop produces).
     *
     * @example
     * ```ts
     * const { sections } = await client.getSections(7);
     * await client.reorderSections(7, sections.map((s) => s.id).reverse());
     * ```
     */
    async reorderSections(
      postId: number,
      sectionIds: readonly SectionId[],
      options: DryRunWriteOptions = {},
    ): Promise<Written<WriteResult>> {
      const body: ReorderSectionsRequest = { sectionIds: [...sectionIds] };
      if (options.dryRun !== undefined) body.dryRun = options.dryRun;
      const response = await transport.request<WriteResult>(
        {
          method: 'PUT',
          path: `${postPath(postId)}/sections/order`,
          body,
          ifMatch: options.ifMatch,
        },
        options,
      );
      return written(response);
    },
  };
}

export type SectionMethods = ReturnType<typeof sectionMethods>;

import type { CallOptions, DryRunWriteOptions } from '../options.js';
import type { Transport } from '../transport/transport.js';
import type {
  PutSectionHeadingsRequest,
  SectionHeadingsResponse,
  WriteResult,
  Written,
} from '../wire.js';
import { postPath, written } from './shared.js';

/** What `setSectionHeadings` accepts: master text in any format, or the items as in the JSON formats. */
export type SectionHeadingsInput = PutSectionHeadingsRequest['sectionHeadings'];

/** The post's master field (`section_headings`). */
export function sectionHeadingsMethods(transport: Transport) {
  return {
    /**
     * The raw master text, its detected format and its parsed items (or the parse `error`).
     *
     * @example
     * ```ts
     * const { sectionHeadings, format, items } = await client.getSectionHeadings(7);
     * ```
     */
    async getSectionHeadings(
      postId: number,
      options?: CallOptions,
    ): Promise<SectionHeadingsResponse> {
      const response = await transport.request<SectionHeadingsResponse>(
        { method: 'GET', path: `${postPath(postId)}/section-headings` },
        options,
      );
      return response.body;
    },

    /**
     * Writes the master and syncs the rows to it in one transaction. Takes any master format
     * (`'1. Intro\n2. Setup'`, Markdown, JSON text) or an array of headings / items.
     * An empty list clears the post's sections.
     *
     * @example
     * ```ts
     * await client.setSectionHeadings(7, ['Intro', { heading: 'Setup', status: 'done' }]);
     * await client.setSectionHeadings(7, '# Intro\n# Setup', { dryRun: true });
     * ```
     */
    async setSectionHeadings(
      postId: number,
      sectionHeadings: SectionHeadingsInput,
      options: DryRunWriteOptions = {},
    ): Promise<Written<WriteResult>> {
      const body: PutSectionHeadingsRequest = { sectionHeadings };
      if (options.dryRun !== undefined) body.dryRun = options.dryRun;
      const response = await transport.request<WriteResult>(
        {
          method: 'PUT',
          path: `${postPath(postId)}/section-headings`,
          body,
          ifMatch: options.ifMatch,
        },
        options,
      );
      return written(response);
    },
  };
}

export type SectionHeadingsMethods = ReturnType<typeof sectionHeadingsMethods>;

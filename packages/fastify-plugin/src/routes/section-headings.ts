import {
  detectFormat,
  PostParams,
  PutSectionHeadingsRequest,
  parse,
  SectionFormatError,
  SectionHeadingsResponse,
  WriteHeaders,
  WriteResult,
} from '@section-sync/core';
import { entityTag } from '../etag.js';
import type { RouteOptions } from '../options.js';
import { requireBody } from './body.js';
import { errorResponses, type Scope } from './scope.js';

/** The master field: read it (raw, detected format, parsed items) and write it. */
export function sectionHeadingsRoutes(scope: Scope, { store, limits, write }: RouteOptions): void {
  scope.get(
    '/posts/:postId/section-headings',
    {
      schema: {
        tags: ['master'],
        operationId: 'getSectionHeadings',
        summary: 'The raw master field, its format and its parsed items',
        description:
          'An unparsable master is not an error here: `items` is null and `error` says what is wrong and where.',
        params: PostParams,
        response: { 200: SectionHeadingsResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const post = await store.getPost(request.params.postId);
      reply.header('etag', entityTag(post.version));
      const base = {
        postId: post.postId,
        version: post.version,
        sectionHeadings: post.master,
        format: detectFormat(post.master),
      };
      try {
        return { ...base, items: parse(post.master, limits) };
      } catch (error) {
        if (!(error instanceof SectionFormatError)) throw error;
        return {
          ...base,
          items: null,
          error: { code: error.code, message: error.message, ...error.position },
        };
      }
    },
  );

  scope.put(
    '/posts/:postId/section-headings',
    {
      schema: {
        tags: ['master'],
        operationId: 'putSectionHeadings',
        summary: 'Write the master field and sync the sections to it',
        description:
          'Any master format as a string, or an array of items (strings or objects) as in the JSON formats. One transaction: an unparsable master answers 422 and changes nothing.',
        params: PostParams,
        headers: WriteHeaders,
        body: PutSectionHeadingsRequest,
        response: { 200: WriteResult, ...errorResponses },
      },
      preValidation: requireBody,
    },
    async (request, reply) => {
      const { postId } = request.params;
      const { sectionHeadings } = request.body;
      // Arrays go through the same parser as a JSON master, so every rule (aliases, order,
      // limits, control characters) applies once, in one place.
      const master =
        typeof sectionHeadings === 'string' ? sectionHeadings : JSON.stringify(sectionHeadings);
      const outcome = await write(request, reply, { postId, direction: 'to_sections' }, (options) =>
        store.writeMaster(postId, master, options),
      );
      return { status: 'success' as const, ...outcome };
    },
  );
}

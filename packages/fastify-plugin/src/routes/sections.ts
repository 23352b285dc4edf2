import {
  CreateSectionRequest,
  CreateSectionResponse,
  InvalidOperationError,
  PostParams,
  ReorderSectionsRequest,
  SectionParams,
  SectionsResponse,
  UpdateSectionRequest,
  WriteHeaders,
  WriteResult,
} from '@section-sync/core';
import { entityTag } from '../etag.js';
import type { RouteOptions } from '../options.js';
import { requireBody } from './body.js';
import { errorResponses, type Scope } from './scope.js';

/** Reads and one-section writes: list, create, edit, delete, reorder. */
export function sectionRoutes(scope: Scope, { store, write }: RouteOptions): void {
  scope.get(
    '/posts/:postId/sections',
    {
      schema: {
        tags: ['sections'],
        operationId: 'getSections',
        summary: "A post's sections in order",
        description: 'With the post version in the body and in `ETag`.',
        params: PostParams,
        response: { 200: SectionsResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const post = await store.getPost(request.params.postId);
      reply.header('etag', entityTag(post.version));
      return { postId: post.postId, version: post.version, sections: post.sections };
    },
  );

  scope.post(
    '/posts/:postId/sections',
    {
      schema: {
        tags: ['sections'],
        operationId: 'createSection',
        summary: 'Create one section',
        description:
          '`position` is 1-based (default: after the last section); later sections move down. The master is re-rendered in the same transaction. Answers 201.',
        params: PostParams,
        headers: WriteHeaders,
        body: CreateSectionRequest,
        response: { 201: CreateSectionResponse, ...errorResponses },
      },
      preValidation: requireBody,
    },
    async (request, reply) => {
      const { postId } = request.params;
      const { dryRun: _dryRun, ...input } = request.body;
      const outcome = await write(
        request,
        reply,
        { postId, direction: 'to_development' },
        (options) => store.createSection(postId, input, options),
      );
      reply.code(201);
      return { status: 'success' as const, ...outcome };
    },
  );

  scope.patch(
    '/posts/:postId/sections/:sectionId',
    {
      schema: {
        tags: ['sections'],
        operationId: 'updateSection',
        summary: "Edit a section's heading, description or status",
        description: 'Fields left out keep their values. The master is re-rendered.',
        params: SectionParams,
        headers: WriteHeaders,
        body: UpdateSectionRequest,
        response: { 200: WriteResult, ...errorResponses },
      },
      preValidation: requireBody,
    },
    async (request, reply) => {
      const { postId, sectionId } = request.params;
      const { dryRun: _dryRun, ...patch } = request.body;
      const outcome = await write(
        request,
        reply,
        { postId, direction: 'to_development' },
        (options) => store.updateSection(postId, sectionId, patch, options),
      );
      return { status: 'success' as const, ...outcome };
    },
  );

  scope.delete(
    '/posts/:postId/sections/:sectionId',
    {
      schema: {
        tags: ['sections'],
        operationId: 'deleteSection',
        summary: 'Delete one section',
        description: 'Later sections move up (orders stay 1..n). The master is re-rendered.',
        params: SectionParams,
        headers: WriteHeaders,
        response: { 200: WriteResult, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { postId, sectionId } = request.params;
      const outcome = await write(
        request,
        reply,
        { postId, direction: 'to_development' },
        (options) => store.deleteSection(postId, sectionId, options),
      );
      return { status: 'success' as const, ...outcome };
    },
  );

  scope.put(
    '/posts/:postId/sections/order',
    {
      schema: {
        tags: ['sections'],
        operationId: 'reorderSections',
        summary: 'Reorder the sections (drag and drop)',
        description:
          "`sectionIds` must be a permutation of the post's section ids (each once, none missing, none of another post): otherwise 400 `invalid_reorder`.",
        params: PostParams,
        headers: WriteHeaders,
        body: ReorderSectionsRequest,
        response: { 200: WriteResult, ...errorResponses },
      },
      preValidation: requireBody,
    },
    async (request, reply) => {
      const { postId } = request.params;
      const outcome = await write(
        request,
        reply,
        { postId, direction: 'to_development' },
        async (options) => {
          try {
            // Ids may come as safe integers (before they were strings): the same bigint.
            const sectionIds = request.body.sectionIds.map(String);
            return await store.reorderSections(postId, sectionIds, options);
          } catch (error) {
            // Whatever the store calls it, a list that cannot be applied is one code on the wire.
            if (error instanceof InvalidOperationError && error.code !== 'invalid_reorder') {
              throw new InvalidOperationError('invalid_reorder', error.message, {
                details: error.details,
                cause: error,
              });
            }
            throw error;
          }
        },
      );
      return { status: 'success' as const, ...outcome };
    },
  );
}

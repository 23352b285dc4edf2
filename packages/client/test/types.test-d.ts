import { Agent, interceptors } from 'undici';
import { describe, expectTypeOf, test } from 'vitest';
import {
  type AuthenticationError,
  type BadRequestError,
  type BulkSyncResponse,
  type CallOptions,
  type ConflictError,
  createClient,
  type NotFoundError,
  type PermissionDeniedError,
  type PreconditionFailedError,
  type RateLimitError,
  type ReadyResponse,
  type RollbackResponse,
  type Section,
  type SectionHeadingsResponse,
  SectionSyncApiError,
  type SectionsResponse,
  type ServerError,
  type ServiceUnavailableError,
  type SyncLogResponse,
  type SyncResponse,
  type SyncStatus,
  type SyncStatusListResponse,
  type WriteResult,
  type Written,
} from '../src/index.js';

const client = createClient({ baseUrl: 'http://127.0.0.1:5000' });

describe('responses are inferred from core schemas', () => {
  test('reads', () => {
    expectTypeOf(client.getSections(1)).resolves.toEqualTypeOf<SectionsResponse>();
    expectTypeOf(client.getSections(1))
      .resolves.toHaveProperty('sections')
      .toEqualTypeOf<Section[]>();
    expectTypeOf(client.getSectionHeadings(1)).resolves.toEqualTypeOf<SectionHeadingsResponse>();
    expectTypeOf(client.getSyncStatus(1)).resolves.toEqualTypeOf<SyncStatus>();
    expectTypeOf(client.getSyncStatusPage()).resolves.toEqualTypeOf<SyncStatusListResponse>();
    expectTypeOf(client.getSyncLog(1, { limit: 5 })).resolves.toEqualTypeOf<SyncLogResponse>();
    expectTypeOf(client.ready()).resolves.toEqualTypeOf<ReadyResponse>();
  });

  test('writes carry version and etag', () => {
    expectTypeOf(client.syncSections(1)).resolves.toEqualTypeOf<Written<SyncResponse>>();
    expectTypeOf(client.rollback(1, 2)).resolves.toEqualTypeOf<Written<RollbackResponse>>();
    expectTypeOf(client.reorderSections(1, ['3', '2'])).resolves.toEqualTypeOf<
      Written<WriteResult>
    >();
    expectTypeOf(client.bulkSync({ all: true })).resolves.toEqualTypeOf<BulkSyncResponse>();
    expectTypeOf<
      Awaited<ReturnType<typeof client.createSection>>['section']
    >().toEqualTypeOf<Section>();
    expectTypeOf<
      Awaited<ReturnType<typeof client.deleteSection>>['etag']
    >().toEqualTypeOf<string>();
    expectTypeOf<
      Awaited<ReturnType<typeof client.setSectionHeadings>>['version']
    >().toEqualTypeOf<number>();
  });

  test('the sync direction and consistency status are literal unions', () => {
    expectTypeOf<SyncResponse['direction']>().toEqualTypeOf<
      'to_sections' | 'to_development' | 'both'
    >();
    expectTypeOf<SyncStatus['status']>().toExtend<string>();
    expectTypeOf<'OK'>().toExtend<SyncStatus['status']>();
  });

  test('listSyncStatus yields statuses', () => {
    expectTypeOf(client.listSyncStatus()).toExtend<AsyncIterable<SyncStatus>>();
  });

  test('error subclasses narrow the status', () => {
    expectTypeOf<BadRequestError['status']>().toEqualTypeOf<400>();
    expectTypeOf<AuthenticationError['status']>().toEqualTypeOf<401>();
    expectTypeOf<PermissionDeniedError['status']>().toEqualTypeOf<403>();
    expectTypeOf<NotFoundError['status']>().toEqualTypeOf<404>();
    expectTypeOf<ConflictError['status']>().toEqualTypeOf<409>();
    expectTypeOf<PreconditionFailedError['status']>().toEqualTypeOf<412>();
    expectTypeOf<RateLimitError['status']>().toEqualTypeOf<429>();
    expectTypeOf<ServiceUnavailableError['status']>().toEqualTypeOf<503>();
    expectTypeOf<ServerError['status']>().toEqualTypeOf<number>();
    expectTypeOf<ServiceUnavailableError>().toExtend<ServerError>();
    expectTypeOf(SectionSyncApiError.from).returns.toEqualTypeOf<SectionSyncApiError>();
  });

  test('every API error carries status, code, body and the request id', () => {
    expectTypeOf<SectionSyncApiError['status']>().toEqualTypeOf<number>();
    expectTypeOf<SectionSyncApiError['code']>().toEqualTypeOf<string>();
    expectTypeOf<SectionSyncApiError['body']>().toEqualTypeOf<unknown>();
    expectTypeOf<SectionSyncApiError['requestId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<RateLimitError['retryAfter']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ServiceUnavailableError['retryAfter']>().toEqualTypeOf<number | undefined>();
  });

  test('every call takes signal, timeout, requestId, headers and retry', () => {
    expectTypeOf<CallOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<CallOptions['timeout']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<CallOptions['requestId']>().toEqualTypeOf<string | undefined>();
    void client.getSections(7, { signal: AbortSignal.timeout(1000), requestId: 'trace-1' });
  });
});

describe('wrong arguments do not compile', () => {
  test('ids are numbers', () => {
    // @ts-expect-error a post id is a number
    void client.getSections('7');
    // @ts-expect-error a section id is required
    void client.deleteSection(7);
    // @ts-expect-error the delete route has no dry run: it would delete
    void client.deleteSection(7, 1, { dryRun: true });
  });

  test('request fields follow the schemas', () => {
    // @ts-expect-error not a sync direction
    void client.syncSections(7, { direction: 'sideways' });
    // @ts-expect-error heading is required
    void client.createSection(7, { description: 'no heading' });
    // @ts-expect-error unknown field
    void client.updateSection(7, '1', { title: 'x' });
    // @ts-expect-error section ids are decimal strings: a number may already be rounded
    void client.reorderSections(7, [1, 2]);
    expectTypeOf<Section['id']>().toEqualTypeOf<string>();
    // @ts-expect-error not a master format: a number
    void client.setSectionHeadings(7, 42);
    // @ts-expect-error not a consistency status
    void client.listSyncStatus({ status: 'Broken' });
    // @ts-expect-error bulk sync takes post ids as numbers
    void client.bulkSync({ postIds: ['1'] });
  });

  test('options', () => {
    // @ts-expect-error ifMatch is a version or an etag
    void client.syncSections(7, { ifMatch: true });
    // @ts-expect-error signal must be an AbortSignal
    void client.getSyncLog(7, { signal: 'stop' });
    // @ts-expect-error baseUrl is required
    createClient({ prefix: '/api' });
  });

  test("a dispatcher composed with undici's interceptors is accepted", () => {
    const dispatcher = new Agent().compose(interceptors.retry({ maxRetries: 3 }));
    createClient({ baseUrl: 'http://127.0.0.1:5000', dispatcher, retry: false });
  });

  test('all string forms of the master are accepted', () => {
    void client.setSectionHeadings(7, '1. Intro\n2. Setup');
    void client.setSectionHeadings(7, ['Intro', { heading: 'Setup', status: 'done' }]);
    void client.setSectionHeadings(7, { sections: [{ title: 'Intro' }] });
  });
});

import type {
  CreateSectionRequest,
  ErrorResponse,
  PutSectionHeadingsRequest,
  RollbackResponse,
  SectionHeadingsResponse,
  SectionsResponse,
  SyncDirection,
  SyncLogResponse,
  SyncResponse,
  SyncStatusListResponse,
  SyncStatusResponse,
  UpdateSectionRequest,
  WriteResult,
} from '@section-sync/core';

/** A post in the page's list (the demo's own route). */
export interface PostSummary {
  postId: number;
  title: string;
  format: string;
  sectionCount: number;
}

/** An error answer of the API, or a network failure (`status` 0). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const PREFIX = '/api/workflow';

/**
 * Options of one write: `version` becomes `If-Match`, so a stale page gets a 409, not a clobber.
 * Every write of the page passes it.
 */
export interface WriteOptions {
  version?: number;
  dryRun?: boolean;
}

/**
 * The section-sync API as the page uses it: `fetch`, typed with the wire schemas of
 * @section-sync/core (types only: nothing of the schemas is bundled).
 */
export class Api {
  token: string | undefined;
  onUnauthorized: (() => void) | undefined;

  constructor(token?: string) {
    this.token = token;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token ? { ...extra, authorization: `Bearer ${this.token}` } : extra;
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    options: { version?: number | undefined } = {},
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.version !== undefined) headers['if-match'] = `"${options.version}"`;
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: this.headers(headers),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'network', 'The server cannot be reached. Is it still running?');
    }
    const text = await response.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      // Not our JSON (a proxy's error page, say): keep the status, say what it was.
      data = { message: `The server answered ${response.status} ${response.statusText}` };
    }
    if (!response.ok) {
      const error = (data ?? {}) as Partial<ErrorResponse>;
      if (response.status === 401) this.onUnauthorized?.();
      throw new ApiError(
        response.status,
        error.code ?? 'http_error',
        error.message ?? `The server answered ${response.status}`,
        error.details,
      );
    }
    return data as T;
  }

  listPosts(): Promise<{ posts: PostSummary[] }> {
    return this.request('GET', '/api/demo/posts');
  }

  syncStatusAll(): Promise<SyncStatusListResponse> {
    return this.request('GET', `${PREFIX}/sync-status?limit=500`);
  }

  sections(postId: number): Promise<SectionsResponse> {
    return this.request('GET', `${PREFIX}/posts/${postId}/sections`);
  }

  master(postId: number): Promise<SectionHeadingsResponse> {
    return this.request('GET', `${PREFIX}/posts/${postId}/section-headings`);
  }

  syncStatus(postId: number): Promise<SyncStatusResponse> {
    return this.request('GET', `${PREFIX}/posts/${postId}/sync-status`);
  }

  syncLog(postId: number, limit = 25): Promise<SyncLogResponse> {
    return this.request('GET', `${PREFIX}/posts/${postId}/sync-log?limit=${limit}`);
  }

  writeMaster(
    postId: number,
    sectionHeadings: PutSectionHeadingsRequest['sectionHeadings'],
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    const body: PutSectionHeadingsRequest = { sectionHeadings, dryRun: options.dryRun ?? false };
    return this.request('PUT', `${PREFIX}/posts/${postId}/section-headings`, body, options);
  }

  sync(
    postId: number,
    direction: SyncDirection,
    options: WriteOptions = {},
  ): Promise<SyncResponse> {
    const body = { direction, dryRun: options.dryRun ?? false };
    return this.request('POST', `${PREFIX}/posts/${postId}/sync-sections`, body, options);
  }

  createSection(postId: number, input: CreateSectionRequest, options: WriteOptions = {}) {
    return this.request<WriteResult>('POST', `${PREFIX}/posts/${postId}/sections`, input, options);
  }

  updateSection(
    postId: number,
    sectionId: string,
    patch: UpdateSectionRequest,
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    return this.request('PATCH', `${PREFIX}/posts/${postId}/sections/${sectionId}`, patch, options);
  }

  deleteSection(postId: number, sectionId: string, options: WriteOptions = {}) {
    return this.request<WriteResult>(
      'DELETE',
      `${PREFIX}/posts/${postId}/sections/${sectionId}`,
      undefined,
      options,
    );
  }

  reorder(postId: number, sectionIds: string[], options: WriteOptions = {}): Promise<WriteResult> {
    return this.request('PUT', `${PREFIX}/posts/${postId}/sections/order`, { sectionIds }, options);
  }

  rollback(postId: number, entryId: number, options: WriteOptions = {}): Promise<RollbackResponse> {
    const path = `${PREFIX}/posts/${postId}/sync-log/${entryId}/rollback`;
    return this.request('POST', path, { dryRun: options.dryRun ?? false }, options);
  }

  eventsUrl(postId: number): string {
    return `${PREFIX}/posts/${postId}/events`;
  }
}

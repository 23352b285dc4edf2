import type { ApiResponse } from '../transport/transport.js';
import type { Written } from '../wire.js';

/** A post, section or log entry id as a path segment (a section id is a decimal string). */
export function segment(id: number | string): string {
  return encodeURIComponent(String(id));
}

/** The post path every per-post route starts with. */
export function postPath(postId: number): string {
  return `/posts/${segment(postId)}`;
}

/** A write's body with the `ETag` it came with (or one made from `version` if a proxy dropped it). */
export function written<T extends { version: number }>(response: ApiResponse<T>): Written<T> {
  const { etag } = response.headers;
  return Object.assign(response.body, {
    etag: typeof etag === 'string' ? etag : `"${response.body.version}"`,
  });
}

import type { WriteResult } from '../../src/index.js';

/** A WriteResult-shaped body as the API sends it. */
export function writeResult(postId: number, version: number): WriteResult {
  return {
    status: 'success',
    postId,
    version,
    dryRun: false,
    changes: { created: 0, updated: 0, moved: 0, deleted: 0, unchanged: 1 },
    sections: [
      {
        id: '1',
        order: 1,
        heading: 'Intro',
        description: '',
        status: 'draft',
        updatedAt: '2025-01-01T00:00:00.000Z',
      },
    ],
  };
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { status: 'error' as const, code, message, ...(details === undefined ? {} : { details }) };
}

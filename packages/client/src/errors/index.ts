export { ConflictError } from './conflict-error.js';
export { ConnectionError } from './connection-error.js';
export { NotFoundError } from './not-found-error.js';
export { type ApiErrorInit, SectionSyncApiError } from './section-sync-api-error.js';
export { SectionSyncClientError } from './section-sync-client-error.js';
export { TimeoutError, type TimeoutPhase } from './timeout-error.js';
export { UnprocessableError } from './unprocessable-error.js';

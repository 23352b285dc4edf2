import type { CallOptions } from '../options.js';
import type { Transport } from '../transport/transport.js';
import type { HealthResponse, ReadyResponse } from '../wire.js';

/** Whether the service can take work. */
export function healthMethods(transport: Transport) {
  return {
    /**
     * Resolves with the body of `GET <prefix>/health` (`{status: 'ok'}`) while the service
     * process answers; it touches no database. Not retried unless `retry` is given.
     *
     * @example
     * ```ts
     * await client.health();
     * ```
     */
    async health(options: CallOptions = {}): Promise<HealthResponse> {
      const response = await transport.request<HealthResponse>(
        { method: 'GET', path: '/health' },
        { ...options, retry: options.retry ?? false },
      );
      return response.body;
    },

    /**
     * Resolves with the body of `GET <prefix>/ready` when the service and its database are
     * ready; a 503 (not ready) rejects with `SectionSyncApiError`. Not retried unless
     * `retry` is given: a probe wants the answer of now.
     *
     * @example
     * ```ts
     * await client.ready({ retry: { limit: 10, maxElapsed: 30_000 } }); // wait for start-up
     * ```
     */
    async ready(options: CallOptions = {}): Promise<ReadyResponse> {
      const response = await transport.request<ReadyResponse>(
        { method: 'GET', path: '/ready' },
        { ...options, retry: options.retry ?? false },
      );
      return response.body;
    },
  };
}

export type HealthMethods = ReturnType<typeof healthMethods>;

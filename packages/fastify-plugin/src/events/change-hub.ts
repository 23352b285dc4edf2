import type { Db } from '@section-sync/postgres';
import { type PostChange, parseChange } from './change.js';

export interface ChangeHubOptions {
  /** @default 'section_sync' */
  channel?: string;
  /** Only changes of this schema's tables are passed on. @default 'public' */
  schema?: string;
}

/**
 * One LISTEN per server, fanned out to any number of subscribers by post. The LISTEN starts with
 * the first subscriber and lasts until `close()`.
 *
 * @example
 * const hub = new ChangeHub(db);
 * const unsubscribe = await hub.subscribe(22, (change) => console.log(change.logId));
 * unsubscribe();
 * await hub.close();
 */
export class ChangeHub {
  readonly #db: Db;
  readonly #channel: string;
  readonly #schema: string;
  readonly #subscribers = new Map<number, Set<(change: PostChange) => void>>();
  #listening: Promise<() => Promise<void>> | undefined;
  #closed = false;

  constructor(db: Db, options: ChangeHubOptions = {}) {
    if (typeof db.listen !== 'function') {
      throw new TypeError(
        'Live updates need a Db that can LISTEN: pass one made by fromPg(pool) or fromPGlite(pglite)',
      );
    }
    this.#db = db;
    this.#channel = options.channel ?? 'section_sync';
    this.#schema = options.schema ?? 'public';
  }

  /** Number of live subscriptions (all posts). */
  get size(): number {
    let n = 0;
    for (const set of this.#subscribers.values()) n += set.size;
    return n;
  }

  /** Calls `onChange` for each committed change of `postId`; resolves once LISTEN is active. */
  async subscribe(postId: number, onChange: (change: PostChange) => void): Promise<() => void> {
    if (this.#closed) throw new Error('The change hub is closed');
    await this.#listen();
    let set = this.#subscribers.get(postId);
    if (!set) {
      set = new Set();
      this.#subscribers.set(postId, set);
    }
    set.add(onChange);
    return () => {
      const current = this.#subscribers.get(postId);
      current?.delete(onChange);
      if (current?.size === 0) this.#subscribers.delete(postId);
    };
  }

  /** Stops listening and forgets every subscriber. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#subscribers.clear();
    const listening = this.#listening;
    this.#listening = undefined;
    if (!listening) return;
    const stop = await listening.catch(() => undefined);
    await stop?.();
  }

  #listen(): Promise<() => Promise<void>> {
    if (!this.#listening) {
      this.#listening = this.#db.listen!(this.#channel, (payload) => this.#dispatch(payload));
      // A failed LISTEN (database down) is retried by the next subscriber.
      this.#listening.catch(() => {
        this.#listening = undefined;
      });
    }
    return this.#listening;
  }

  #dispatch(payload: string): void {
    const change = parseChange(payload);
    if (!change || (change.schema !== undefined && change.schema !== this.#schema)) return;
    const set = this.#subscribers.get(change.postId);
    if (!set) return;
    for (const onChange of [...set]) {
      try {
        onChange(change);
      } catch {
        // One broken subscriber must not stop the others from hearing of the change.
      }
    }
  }
}

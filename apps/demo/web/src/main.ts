import {
  type ConsistencyStatus,
  parse,
  type Section,
  SectionFormatError,
  type SectionHeadingsResponse,
  type SyncDirection,
  type SyncLogEntry,
  type SyncStatus,
  type WriteResult,
} from '@section-sync/core';
import { Api, ApiError, type PostSummary } from './api.js';
import { byId, h, replaceChildren } from './dom.js';
import { describeError, describeFormatError, type FormatPosition } from './errors.js';
import { InFlight } from './in-flight.js';
import { followPost, type LiveState, type PostChange } from './live.js';
import { DIRECTION_LABELS, describeOutcome, ORIGIN_LABELS } from './views/labels.js';
import { MasterEditor } from './views/master-editor.js';
import { PostHeader } from './views/post-header.js';
import { renderPostList } from './views/post-list.js';
import { SectionAccordion, type SectionPatch } from './views/section-accordion.js';
import { renderSyncLog } from './views/sync-log.js';
import { toast } from './views/toast.js';
import { renderTokenDialog } from './views/token-dialog.js';

const TOKEN_KEY = 'section-sync-token';

/** Settings read from the URL hash: `#post=22&token=...`. */
function hashParams(): URLSearchParams {
  return new URLSearchParams(location.hash.slice(1));
}

function initialToken(): string | undefined {
  const fromHash = hashParams().get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    // Keep the token out of the address bar (and of screenshots and history).
    const params = hashParams();
    params.delete('token');
    history.replaceState(null, '', `#${params}`);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

interface PostView {
  postId: number;
  version: number;
  sections: Section[];
  status: SyncStatus | undefined;
  log: SyncLogEntry[];
}

const api = new Api(initialToken());
const list = byId<HTMLUListElement>('post-list');
const main = byId('main');
const liveBadge = byId('live');
const layout = byId('layout');
const postsToggle = byId<HTMLButtonElement>('posts-toggle');
const inFlight = new InFlight();

let posts: PostSummary[] = [];
let statuses = new Map<number, ConsistencyStatus>();
let view: PostView | undefined;
let live: { close(): void } | undefined;
let loadSequence = 0;
// Changes announced while our own write is in flight (or just done) are ours: no "changed
// elsewhere" toast for them.
let ownWrites = 0;
let lastOwnWrite = 0;
// The order the user asked for while reorders are on their way: shown at once, sent in turn.
let pendingOrder: string[] | undefined;
let sendingReorders = false;
let confirmingRollback: number | undefined;

const header = new PostHeader(inFlight, (direction) => {
  void inFlight.run(`sync:${direction}`, () => sync(direction));
});
const logBox = h('div', { id: 'sync-log' });
const editor = new MasterEditor(
  {
    onPreview: (text) => void inFlight.run('preview-master', () => previewMaster(text)),
    onSave: (text, version) => void inFlight.run('save-master', () => saveMaster(text, version)),
  },
  inFlight,
);
const accordion = new SectionAccordion(
  {
    onSave: (section, patch) =>
      void inFlight.run(`save-section:${section.id}`, () => saveSection(section, patch)),
    onDelete: (section) =>
      void inFlight.run(`delete-section:${section.id}`, () => deleteSection(section)),
    onReorder: (ids) => reorder(ids),
    onAdd: (heading) => void inFlight.run('add-section', () => addSection(heading)),
  },
  inFlight,
);

function postTitle(postId: number): string {
  return posts.find((p) => p.postId === postId)?.title ?? `Post ${postId}`;
}

function setLive(state: LiveState): void {
  liveBadge.dataset.state = state;
  liveBadge.textContent = {
    connecting: 'Connecting…',
    live: 'Live',
    reconnecting: 'Reconnecting…',
    off: 'Offline',
  }[state];
  liveBadge.title =
    state === 'live'
      ? 'Changes made elsewhere (other pages, the CLI, plain SQL) appear here at once'
      : '';
}

function setPostsOpen(open: boolean): void {
  layout.classList.toggle('posts-open', open);
  postsToggle.setAttribute('aria-expanded', String(open));
}

postsToggle.addEventListener('click', () => {
  setPostsOpen(!layout.classList.contains('posts-open'));
});

async function loadPosts(): Promise<void> {
  const [postList, status] = await Promise.all([api.listPosts(), api.syncStatusAll()]);
  posts = postList.posts;
  statuses = new Map(status.items.map((s) => [s.postId, s.status]));
  renderList();
}

function renderList(): void {
  renderPostList(list, {
    posts,
    statuses,
    selected: view?.postId,
    onSelect: (postId) => {
      setPostsOpen(false);
      void selectPost(postId);
    },
  });
}

async function refreshStatuses(): Promise<void> {
  await loadPosts();
}

/** The sections as the user should see them: the server's, in the order still on its way. */
function displayed(sections: Section[]): Section[] {
  if (!pendingOrder) return sections;
  const rank = new Map(pendingOrder.map((id, i) => [id, i]));
  return [...sections]
    .sort((a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity))
    .map((s, i) => ({ ...s, order: i + 1 }));
}

function renderSections(): void {
  if (view) accordion.render(displayed(view.sections));
}

function renderLog(): void {
  if (!view) return;
  renderSyncLog(logBox, {
    entries: view.log,
    confirming: confirmingRollback,
    inFlight,
    onAsk: (entry) => {
      confirmingRollback = entry?.id;
      renderLog();
      const selector = entry
        ? `[data-entry-id="${entry.id}"] [data-testid=confirm-rollback]`
        : '[data-entry-id] .log-actions button';
      logBox.querySelector<HTMLButtonElement>(selector)?.focus();
    },
    onRollback: (entry) => void inFlight.run(`rollback:${entry.id}`, () => rollback(entry)),
  });
}

function renderHeader(): void {
  if (!view) return;
  header.update({
    postId: view.postId,
    title: postTitle(view.postId),
    version: view.version,
    status: view.status,
  });
}

async function selectPost(postId: number): Promise<void> {
  live?.close();
  view = { postId, version: 0, sections: [], status: undefined, log: [] };
  pendingOrder = undefined;
  confirmingRollback = undefined;
  const params = hashParams();
  params.set('post', String(postId));
  history.replaceState(null, '', `#${params}`);
  renderList();
  replaceChildren(
    main,
    header.element,
    h('div', { class: 'columns' }, editor.element, accordion.element),
    h(
      'section',
      { class: 'card log-card', 'aria-labelledby': 'log-title' },
      h(
        'div',
        { class: 'card-head' },
        h(
          'div',
          null,
          h('h2', { class: 'card-title', id: 'log-title' }, 'Sync log'),
          h('p', { class: 'card-sub' }, 'Every sync that changed this post, whoever wrote it'),
        ),
      ),
      logBox,
    ),
  );
  await refreshPost({ forceMaster: true });
  live = followPost({
    url: api.eventsUrl(postId),
    headers: () => api.headers(),
    onState: setLive,
    onOpen: () => void refreshPost({}),
    onChange: (change) => onLiveChange(change),
  });
}

/** Reads the post and shows it; answers the master it read (for the change report). */
async function refreshPost(options: {
  forceMaster?: boolean;
}): Promise<SectionHeadingsResponse | undefined> {
  if (!view) return undefined;
  const postId = view.postId;
  const sequence = ++loadSequence;
  try {
    const [master, sections, status, log] = await Promise.all([
      api.master(postId),
      api.sections(postId),
      api.syncStatus(postId),
      api.syncLog(postId),
    ]);
    // A newer load (or another post) won the race, or a write answered with a newer version
    // while this read was on its way: drop this one.
    if (sequence !== loadSequence || view?.postId !== postId) return master;
    if (sections.version < view.version) return master;
    view = {
      postId,
      version: sections.version,
      sections: sections.sections,
      status,
      log: log.entries,
    };
    if (confirmingRollback !== undefined && !log.entries.some((e) => e.id === confirmingRollback))
      confirmingRollback = undefined;
    editor.setMaster(master.sectionHeadings, master.version, options.forceMaster ?? false);
    if (master.error && !editor.dirty) {
      editor.showError(`The stored master cannot be parsed. ${master.error.message}`, {
        ...(master.error.line === undefined ? {} : { line: master.error.line }),
      });
    }
    renderSections();
    renderHeader();
    renderLog();
    statuses.set(postId, status.status);
    renderList();
    return master;
  } catch (error) {
    if (sequence === loadSequence) handleError(error);
    return undefined;
  }
}

function onLiveChange(change: PostChange): void {
  const ours = ownWrites > 0 || Date.now() - lastOwnWrite < 1500;
  void refreshPost({}).then(() => refreshStatuses().catch(() => {}));
  if (!ours) {
    toast(
      `Updated live: ${DIRECTION_LABELS[change.direction] ?? change.direction} by ${ORIGIN_LABELS[change.origin] ?? change.origin} (entry #${change.logId}).`,
    );
  }
}

function handleError(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) return; // the token dialog is showing
  toast(describeError(error), 'error');
  if (error instanceof ApiError && error.status === 409) void refreshPost({});
}

// The page's writes run one after another, each with the version the previous one left, so
// quick successive writes never trip over each other's If-Match.
let writeQueue: Promise<unknown> = Promise.resolve();

interface WriteSpec<T extends WriteResult> {
  /** Sends the write with `current.version` as If-Match. */
  run: (current: PostView) => Promise<T>;
  /** The toast after it, given the change report. */
  done: (report: string, result: T) => string;
  /** A refusal the caller shows itself (a 422 at its field); `true` when handled. */
  refused?: (error: ApiError) => boolean;
  savedMaster?: boolean;
}

/** Queues one write of the page: marks it as ours, refreshes after it, reports what it did. */
function write<T extends WriteResult>(spec: WriteSpec<T>): Promise<T | undefined> {
  const next = writeQueue.then(async () => {
    if (!view) return undefined;
    const postId = view.postId;
    const before = { version: view.version, master: editor.stored };
    ownWrites++;
    try {
      const result = await spec.run(view);
      lastOwnWrite = Date.now();
      // Take the answer's version and sections at once, so the next queued write sends the
      // right If-Match whatever the refresh below races with.
      if (view?.postId === postId && result.version >= view.version) {
        view = { ...view, version: result.version, sections: result.sections };
        renderSections();
      }
      // Read after the write: even when a newer refresh wins the race, this is the master as
      // the write left it (or later).
      const after = await refreshPost({ forceMaster: spec.savedMaster ?? false });
      const report = describeOutcome({
        changes: result.changes,
        versionBefore: before.version,
        versionAfter: result.version,
        masterBefore: before.master,
        masterAfter: after ? after.sectionHeadings : editor.stored,
        ...(spec.savedMaster ? { savedMaster: true } : {}),
      });
      toast(spec.done(report, result), 'success');
      void refreshStatuses().catch(() => {});
      return result;
    } catch (error) {
      if (!(error instanceof ApiError && spec.refused?.(error))) handleError(error);
      return undefined;
    } finally {
      ownWrites--;
    }
  });
  writeQueue = next.catch(() => {});
  return next;
}

async function previewMaster(text: string): Promise<void> {
  if (!view) return;
  const { postId, sections } = view;
  try {
    const result = await api.writeMaster(postId, text, { dryRun: true });
    editor.showPreview(sections, result);
  } catch (error) {
    showMasterError(error, text);
  }
}

async function saveMaster(text: string, version: number): Promise<unknown> {
  return write({
    run: ({ postId }) => api.writeMaster(postId, text, { version }),
    done: (report) => {
      editor.clearMessage();
      return `Master saved. ${report}`;
    },
    refused: (error) => {
      if (error.status !== 422) return false;
      showMasterError(error, text);
      return true;
    },
    savedMaster: true,
  });
}

function showMasterError(error: unknown, text: string): void {
  if (!(error instanceof ApiError) || error.status !== 422) {
    handleError(error);
    return;
  }
  // The database's parser names the line; core's parser (the same rules, bundled here) also
  // names the column, so ask it for the details of the same mistake.
  const local = localFormatError(text);
  const position = local ?? ((error.details ?? {}) as FormatPosition);
  const message = local ? describeFormatError(local.message, local) : describeError(error);
  editor.showError(message, {
    ...(position.line === undefined ? {} : { line: position.line }),
    ...(position.index === undefined ? {} : { index: position.index }),
  });
}

function localFormatError(text: string): (FormatPosition & { message: string }) | undefined {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof SectionFormatError) return { message: error.message, ...error.position };
  }
  return undefined;
}

function sync(direction: SyncDirection): Promise<unknown> {
  return write({
    run: ({ postId, version }) => api.sync(postId, direction, { version }),
    done: (report) => `Synced ${DIRECTION_LABELS[direction]}. ${report}`,
  });
}

function saveSection(section: Section, patch: SectionPatch): Promise<unknown> {
  if (Object.keys(patch).length === 0) {
    toast('Nothing to save: the section is unchanged.');
    return Promise.resolve();
  }
  return write({
    run: ({ postId, version }) => api.updateSection(postId, section.id, patch, { version }),
    done: (report) => {
      accordion.item(section.id)?.reset();
      return `Saved “${patch.heading ?? section.heading}”. ${report}`;
    },
    refused: (error) => {
      if (error.status === 409) {
        toast(
          'This post changed elsewhere a moment ago, so nothing was saved. The page now shows the latest version: check your section and save again.',
          'error',
        );
        void refreshPost({});
        return true;
      }
      if (error.status !== 422) return false;
      const details = (error.details ?? {}) as FormatPosition;
      accordion.item(section.id)?.showError(details.field, describeError(error));
      return true;
    },
  });
}

function deleteSection(section: Section): Promise<unknown> {
  return write({
    run: ({ postId, version }) => api.deleteSection(postId, section.id, { version }),
    done: (report) =>
      `Deleted “${section.heading}”. ${report} Roll back its log entry to restore it.`,
  });
}

function addSection(heading: string): Promise<unknown> {
  return write({
    run: ({ postId, version }) => api.createSection(postId, { heading }, { version }),
    done: (report) => {
      accordion.added();
      return `Added “${heading}”. ${report}`;
    },
    refused: (error) => {
      if (error.status !== 422) return false;
      accordion.showAddError(describeError(error));
      return true;
    },
  });
}

/** Shows the order at once and sends it after the reorders already on their way. */
function reorder(sectionIds: string[]): void {
  pendingOrder = sectionIds;
  renderSections();
  if (sendingReorders) return;
  sendingReorders = true;
  void sendReorders().finally(() => {
    sendingReorders = false;
  });
}

async function sendReorders(): Promise<void> {
  while (pendingOrder && view) {
    const ids = pendingOrder;
    if (ids.join() === view.sections.map((s) => s.id).join()) break;
    const result = await write({
      run: ({ postId, version }) => api.reorder(postId, ids, { version }),
      done: (report) => `Reordered. ${report}`,
    });
    if (result === undefined) break; // refused: show the server's order again
    if (pendingOrder !== ids) continue; // more moves arrived meanwhile: send the newest order
    break;
  }
  pendingOrder = undefined;
  renderSections();
}

function rollback(entry: SyncLogEntry): Promise<unknown> {
  return write({
    run: ({ postId, version }) => api.rollback(postId, entry.id, { version }),
    done: (report) => {
      confirmingRollback = undefined;
      renderLog();
      return `Restored the state before entry #${entry.id}. ${report}`;
    },
  });
}

function showTokenDialog(): void {
  live?.close();
  renderTokenDialog(main, (token) => {
    api.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    void start();
  });
}

async function start(): Promise<void> {
  try {
    await loadPosts();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    replaceChildren(main, h('p', { class: 'empty-state error' }, describeError(error)));
    return;
  }
  if (posts.length === 0) {
    replaceChildren(main, h('p', { class: 'empty-state' }, 'No posts in this database yet.'));
    return;
  }
  const wanted = Number(hashParams().get('post'));
  const first = posts.find((p) => p.postId === wanted) ?? posts[0]!;
  await selectPost(first.postId);
}

// Links and the back button may change `#post=`: follow them.
window.addEventListener('hashchange', () => {
  const wanted = Number(hashParams().get('post'));
  if (wanted && wanted !== view?.postId && posts.some((p) => p.postId === wanted)) {
    void selectPost(wanted);
  }
});

api.onUnauthorized = showTokenDialog;
setLive('off');
void start();

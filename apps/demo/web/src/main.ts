import {
  type ConsistencyStatus,
  parse,
  type Section,
  SectionFormatError,
  type SyncDirection,
  type SyncLogEntry,
  type SyncStatus,
} from '@section-sync/core';
import { Api, ApiError, type PostSummary } from './api.js';
import { byId, h, replaceChildren } from './dom.js';
import { describeError, describeFormatError, type FormatPosition } from './errors.js';
import { followPost, type LiveState, type PostChange } from './live.js';
import { DIRECTION_LABELS, describeChanges, ORIGIN_LABELS } from './views/labels.js';
import { MasterEditor } from './views/master-editor.js';
import { renderPostHeader } from './views/post-header.js';
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

let posts: PostSummary[] = [];
let statuses = new Map<number, ConsistencyStatus>();
let view: PostView | undefined;
let live: { close(): void } | undefined;
let loadSequence = 0;
// Changes announced while our own write is in flight (or just done) are ours: no "changed
// elsewhere" toast for them.
let ownWrites = 0;
let lastOwnWrite = 0;

const headerBox = h('div', { class: 'post-header' });
const logBox = h('div', { id: 'sync-log' });
const editor = new MasterEditor({
  onPreview: (text) => void previewMaster(text),
  onSave: (text) => void saveMaster(text),
  onLoadLatest: () => void refreshPost({ forceMaster: true }),
});
const accordion = new SectionAccordion({
  onSave: (section, patch) => void saveSection(section, patch),
  onDelete: (section) => void deleteSection(section),
  onReorder: (ids) => void reorder(ids),
  onAdd: (heading) => void addSection(heading),
});

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
    onSelect: (postId) => void selectPost(postId),
  });
}

async function refreshStatuses(): Promise<void> {
  const [postList, status] = await Promise.all([api.listPosts(), api.syncStatusAll()]);
  posts = postList.posts;
  statuses = new Map(status.items.map((s) => [s.postId, s.status]));
  renderList();
}

async function selectPost(postId: number): Promise<void> {
  live?.close();
  view = { postId, version: 0, sections: [], status: undefined, log: [] };
  const params = hashParams();
  params.set('post', String(postId));
  history.replaceState(null, '', `#${params}`);
  renderList();
  replaceChildren(
    main,
    headerBox,
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

async function refreshPost(options: { forceMaster?: boolean }): Promise<void> {
  if (!view) return;
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
    if (sequence !== loadSequence || view?.postId !== postId) return;
    if (sections.version < view.version) return;
    view = {
      postId,
      version: sections.version,
      sections: sections.sections,
      status,
      log: log.entries,
    };
    editor.setMaster(master.sectionHeadings, options.forceMaster ?? false);
    if (master.error && !editor.dirty) {
      editor.showError(
        `The stored master cannot be parsed. ${master.error.message}`,
        master.error.line,
      );
    }
    accordion.render(sections.sections);
    renderPostHeader(headerBox, {
      postId,
      title: postTitle(postId),
      version: sections.version,
      status,
      onSync: (direction) => void sync(direction),
    });
    renderSyncLog(logBox, log.entries, (entry) => void rollback(entry));
    statuses.set(postId, status.status);
    renderList();
  } catch (error) {
    if (sequence === loadSequence) handleError(error);
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
  if (error instanceof ApiError && error.status === 409) void refreshPost({ forceMaster: false });
}

// The page's writes run one after another, each with the version the previous one left, so
// quick successive moves never trip over each other's If-Match.
let writeQueue: Promise<unknown> = Promise.resolve();

/** Queues one write of the page: marks it as ours, refreshes after it, reports errors. */
function write<T>(
  run: (current: PostView) => Promise<T>,
  done: (result: T) => string,
): Promise<T | undefined> {
  const next = writeQueue.then(async () => {
    if (!view) return undefined;
    ownWrites++;
    try {
      const result = await run(view);
      lastOwnWrite = Date.now();
      // Every write answers with the post's version and sections: take them at once, so the
      // next queued write sends the right If-Match whatever the refresh below races with.
      const answer = result as Partial<{ postId: number; version: number; sections: Section[] }>;
      if (
        view &&
        answer.postId === view.postId &&
        typeof answer.version === 'number' &&
        answer.sections
      ) {
        if (answer.version >= view.version && !(answer as { dryRun?: boolean }).dryRun) {
          view = { ...view, version: answer.version, sections: answer.sections };
          accordion.render(answer.sections);
        }
      }
      toast(done(result), 'success');
      await refreshPost({});
      void refreshStatuses().catch(() => {});
      return result;
    } catch (error) {
      handleError(error);
      return undefined;
    } finally {
      ownWrites--;
    }
  });
  writeQueue = next;
  return next;
}

async function previewMaster(text: string): Promise<void> {
  if (!view) return;
  const { postId, sections } = view;
  editor.setBusy(true);
  try {
    const result = await api.writeMaster(postId, text, { dryRun: true });
    editor.showPreview(sections, result);
  } catch (error) {
    showMasterError(error, text);
  } finally {
    editor.setBusy(false);
  }
}

async function saveMaster(text: string): Promise<void> {
  if (!view) return;
  const { postId, version } = view;
  editor.setBusy(true);
  ownWrites++;
  try {
    const result = await api.writeMaster(postId, text, { version });
    lastOwnWrite = Date.now();
    editor.clearMessage();
    toast(`Master saved: ${describeChanges(result.changes)}.`, 'success');
    await refreshPost({ forceMaster: true });
    void refreshStatuses().catch(() => {});
  } catch (error) {
    showMasterError(error, text);
  } finally {
    ownWrites--;
    editor.setBusy(false);
  }
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
  editor.showError(message, position.line);
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
  return write(
    ({ postId }) => api.sync(postId, direction),
    (r) => `Synced ${DIRECTION_LABELS[direction]}: ${describeChanges(r.changes)}.`,
  );
}

function saveSection(section: Section, patch: SectionPatch): Promise<unknown> {
  const changed: Partial<SectionPatch> = {};
  if (patch.heading !== section.heading) changed.heading = patch.heading;
  if (patch.description !== section.description) changed.description = patch.description;
  if (patch.status !== section.status) changed.status = patch.status;
  if (Object.keys(changed).length === 0) {
    accordion.saved(section.id);
    toast('Nothing to save: the section is unchanged.');
    return Promise.resolve();
  }
  return write(
    ({ postId, version }) => api.updateSection(postId, section.id, changed, { version }),
    () => {
      accordion.saved(section.id);
      return `Saved “${patch.heading}”. The master was updated too.`;
    },
  );
}

function deleteSection(section: Section): Promise<unknown> {
  return write(
    ({ postId, version }) => api.deleteSection(postId, section.id, { version }),
    () => `Deleted “${section.heading}”. Roll back its log entry to restore it.`,
  );
}

function addSection(heading: string): Promise<unknown> {
  return write(
    ({ postId }) => api.createSection(postId, { heading }),
    () => `Added “${heading}”.`,
  );
}

async function reorder(sectionIds: string[]): Promise<unknown> {
  // Show the new order at once; the server's answer (or a refresh on error) settles it.
  const byId = new Map(view!.sections.map((s) => [s.id, s]));
  const optimistic = sectionIds.flatMap((id, i) => {
    const section = byId.get(id);
    return section ? [{ ...section, order: i + 1 }] : [];
  });
  accordion.render(optimistic);
  const result = await write(
    ({ postId, version }) => api.reorder(postId, sectionIds, { version }),
    (r) => `Reordered: ${describeChanges(r.changes)}. The master follows.`,
  );
  if (result === undefined && view) accordion.render(view.sections);
  return result;
}

function rollback(entry: SyncLogEntry): Promise<unknown> {
  return write(
    ({ postId }) => api.rollback(postId, entry.id),
    (r) => `Restored the state before entry #${entry.id}: ${describeChanges(r.changes)}.`,
  );
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

-- Repeatable (re-applied by migrate whenever a function file changes): operations. Retention of the sync log (prune in batches, oldest first, never a post's
-- newest entry) and the totals the metrics are made of. On the write path this adds one small
-- queued-count row per log entry (no shared row is updated, so writers of different posts never
-- wait on each other); a scrape adds up the queue without writing, and prune folds it into the
-- totals.

-- ---- totals (metrics) -----------------------------------------------------------------------

-- Every log entry, whoever wrote it, queues its counts for the totals. Its transaction decides:
-- a rolled-back sync is never counted, a committed one is counted once it is visible.
CREATE OR REPLACE FUNCTION section_sync.queue_log_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO section_sync.log_uncounted
    (direction, origin, outcome, created, updated, moved, deleted)
  VALUES (NEW.direction, NEW.origin, NEW.outcome,
    coalesce((NEW.changes->>'created')::int, 0), coalesce((NEW.changes->>'updated')::int, 0),
    coalesce((NEW.changes->>'moved')::int, 0), coalesce((NEW.changes->>'deleted')::int, 0));
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS section_sync_log_count ON section_sync.log;
CREATE TRIGGER section_sync_log_count
  AFTER INSERT ON section_sync.log
  FOR EACH ROW EXECUTE FUNCTION section_sync.queue_log_count();

-- Moves the queued counts into section_sync.totals: DELETE ... RETURNING takes each queued row
-- exactly once, even with several instances folding at the same moment (the second waits for
-- the first's rows, then finds them gone).
CREATE OR REPLACE FUNCTION section_sync.fold_log_totals()
RETURNS void LANGUAGE sql AS $$
  WITH taken AS (
    DELETE FROM section_sync.log_uncounted RETURNING *
  )
  INSERT INTO section_sync.totals AS t
    (direction, origin, outcome, syncs, created, updated, moved, deleted)
  SELECT q.direction, q.origin, q.outcome, count(*), sum(q.created), sum(q.updated),
         sum(q.moved), sum(q.deleted)
  FROM taken q
  GROUP BY q.direction, q.origin, q.outcome
  ON CONFLICT (direction, origin, outcome) DO UPDATE SET
    syncs = t.syncs + EXCLUDED.syncs,
    created = t.created + EXCLUDED.created,
    updated = t.updated + EXCLUDED.updated,
    moved = t.moved + EXCLUDED.moved,
    deleted = t.deleted + EXCLUDED.deleted
$$;

-- What /metrics shows from the database: {totals: [{direction, origin, outcome, syncs, created,
-- updated, moved, deleted}], check: {checkedAt, checkedPosts, inconsistentPosts} | null}.
-- Totals count every sync since install, whoever wrote (API, CLI, plain SQL through the
-- triggers); they are the same on every instance and survive pruning. Read-only: the folded
-- totals plus the sum of the queue not yet folded (prune folds it), so a scrape works on a read
-- replica and never waits on a writer.
--   SELECT section_sync.log_totals();
CREATE OR REPLACE FUNCTION section_sync.log_totals()
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'totals', coalesce((
      SELECT jsonb_agg(jsonb_build_object('direction', a.direction, 'origin', a.origin,
          'outcome', a.outcome, 'syncs', a.syncs, 'created', a.created, 'updated', a.updated,
          'moved', a.moved, 'deleted', a.deleted)
        ORDER BY a.direction, a.origin, a.outcome)
      FROM (
        SELECT u.direction, u.origin, u.outcome, sum(u.syncs) AS syncs,
               sum(u.created) AS created, sum(u.updated) AS updated,
               sum(u.moved) AS moved, sum(u.deleted) AS deleted
        FROM (
          SELECT t.direction, t.origin, t.outcome, t.syncs, t.created, t.updated, t.moved,
                 t.deleted
          FROM section_sync.totals t
          UNION ALL
          SELECT q.direction, q.origin, q.outcome, 1, q.created, q.updated, q.moved, q.deleted
          FROM section_sync.log_uncounted q
        ) u
        GROUP BY u.direction, u.origin, u.outcome
      ) a), '[]'::jsonb),
    'check', (
      SELECT jsonb_build_object('checkedAt', st.checked_at, 'checkedPosts', st.checked_posts,
                                'inconsistentPosts', st.inconsistent_posts)
      FROM section_sync.state st
      WHERE st.id AND st.checked_at IS NOT NULL))
$$;

-- Records what a whole-database consistency check found (CLI `check`), for the metrics.
CREATE OR REPLACE FUNCTION section_sync.record_check(p_posts bigint, p_inconsistent bigint)
RETURNS void LANGUAGE sql AS $$
  UPDATE section_sync.state
  SET checked_at = now(), checked_posts = p_posts, inconsistent_posts = p_inconsistent
  WHERE id
$$;

-- ---- retention --------------------------------------------------------------------------------

-- One batch of pruning: for the posts after p_after (post_id order, at most p_limit posts), the
-- log entries the policy lets go, at most p_limit of them, deleted in one short statement.
-- Policy: an entry goes when it is not among its post's p_keep_last newest (at least 1: a post's
-- newest entry always stays) and, when p_older_than is given, is older than that. Entries go
-- oldest first (by id), so a post keeps an unbroken run of its newest entries (rollback pieces
-- a post's past together from an entry and all later ones), and the post's pruned-up-to mark
-- tells a pruned id from one that never existed. (The totals do not need the entries.)
-- Returns {deleted, next}: `next` is the p_after of the next batch, NULL when done. A dry
-- run counts what would go and deletes nothing.
--   SELECT section_sync.prune_log(100, interval '30 days', 5000, 0, false);
CREATE OR REPLACE FUNCTION section_sync.prune_log(
  p_keep_last int, p_older_than interval, p_limit int, p_after bigint, p_dry_run boolean
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_keep int := greatest(coalesce(p_keep_last, 1), 1);
  v_result jsonb;
BEGIN
  -- The metrics queue is folded into the totals here, never by a scrape (which must work on a
  -- read replica): retention bounds it as it bounds the log.
  IF NOT p_dry_run THEN
    PERFORM section_sync.fold_log_totals();
  END IF;
  WITH RECURSIVE post_ids AS (
    -- The next posts that have entries: one index probe each (a loose index scan).
    (SELECT l.post_id FROM section_sync.log l
     WHERE l.post_id > p_after ORDER BY l.post_id LIMIT 1)
    UNION ALL
    SELECT (SELECT l.post_id FROM section_sync.log l
            WHERE l.post_id > p.post_id ORDER BY l.post_id LIMIT 1)
    FROM post_ids p
    WHERE p.post_id IS NOT NULL
  ),
  chunk AS (
    SELECT p.post_id FROM post_ids p WHERE p.post_id IS NOT NULL LIMIT p_limit
  ),
  cutoff AS (
    SELECT c.post_id, least(k.cut, a.cut) AS cut
    FROM chunk c
    -- the newest entry past the v_keep newest: it and every older one may go
    CROSS JOIN LATERAL (
      SELECT l.id AS cut FROM section_sync.log l
      WHERE l.post_id = c.post_id ORDER BY l.id DESC OFFSET v_keep LIMIT 1) k
    CROSS JOIN LATERAL (
      SELECT CASE WHEN p_older_than IS NULL THEN k.cut
                  ELSE coalesce(max(l.id), 0) END AS cut
      FROM section_sync.log l
      WHERE p_older_than IS NOT NULL AND l.post_id = c.post_id
        AND l.created_at < now() - p_older_than) a
  ),
  doomed AS MATERIALIZED (
    SELECT l.post_id, l.id
    FROM cutoff c
    JOIN section_sync.log l ON l.post_id = c.post_id AND l.id <= c.cut
    ORDER BY l.post_id, l.id
    LIMIT CASE WHEN p_dry_run THEN NULL ELSE p_limit END
  ),
  deleted AS (
    DELETE FROM section_sync.log l
    USING doomed d
    WHERE l.id = d.id AND NOT p_dry_run
    RETURNING l.post_id, l.id
  ),
  marked AS (
    INSERT INTO section_sync.log_pruned AS m (post_id, up_to)
    SELECT d.post_id, max(d.id) FROM deleted d GROUP BY d.post_id
    ON CONFLICT (post_id) DO UPDATE SET up_to = greatest(m.up_to, EXCLUDED.up_to)
  )
  SELECT jsonb_build_object(
    'deleted', (SELECT count(*) FROM doomed),
    -- A full batch may have left entries of its last post: start the next batch at that post.
    'next', CASE
      WHEN NOT p_dry_run AND (SELECT count(*) FROM doomed) >= p_limit
        THEN (SELECT max(d.post_id) - 1 FROM doomed d)
      ELSE (SELECT max(c.post_id) FROM chunk c) END)
  INTO v_result;
  RETURN v_result;
END $$;

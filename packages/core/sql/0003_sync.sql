-- 0003: the sync inside the database. Both directions, the recursion guard, the sync log and
-- rollback. Every write here is set-based: a sync costs a fixed number of statements whatever
-- the number of sections, and one statement on post_section costs one render per touched post.
--
-- master -> rows   AFTER INSERT / UPDATE OF section_headings on post_development (row level):
--                  parse, plan against the post's rows, apply (one DELETE, one UPDATE, one
--                  INSERT). Ids, and so every host column, stay with their section.
-- rows -> master   AFTER INSERT / UPDATE / DELETE on post_section (statement level, transition
--                  tables): renumber the touched posts' orders to 1..n, render, write the master.
-- guard            section_sync.applying = 'on' (transaction-local) while our own code writes;
--                  the other direction's trigger then does nothing.
--
-- Errors: SS001 unparsable master (from section_sync.parse), SS404 post / log entry not found,
-- SS400 an operation that cannot apply.

-- ---- small helpers --------------------------------------------------------------------------

-- A transaction-local setting, or the default when unset or empty.
CREATE OR REPLACE FUNCTION section_sync.setting(p_name text, p_default text)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting(p_name, true), ''), p_default)
$$;

-- Zero changes with `p_unchanged` sections left as they were.
CREATE OR REPLACE FUNCTION section_sync.no_changes(p_unchanged bigint)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('created', 0, 'updated', 0, 'moved', 0, 'deleted', 0,
                            'unchanged', coalesce(p_unchanged, 0))
$$;

-- Records what the last sync of this transaction did, for a caller that issued plain DML
-- (section_sync.last_result), and returns it as the sync functions' answer {changes, logId}.
CREATE OR REPLACE FUNCTION section_sync.finish(p_post_id bigint, p_changes jsonb, p_log_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('section_sync.last_result', jsonb_build_object(
    'postId', p_post_id, 'changes', p_changes, 'logId', p_log_id)::text, true);
  RETURN jsonb_build_object('changes', p_changes, 'logId', p_log_id);
END $$;

-- The full rows of a post (host columns included) in section order: the log's snapshots.
CREATE OR REPLACE FUNCTION section_sync.snapshot_rows(p_post_id bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.section_order, s.id), '[]'::jsonb)
  FROM {{schema}}.post_section s
  WHERE s.post_id = p_post_id
$$;

-- Takes the per-post lock (the post_development row lock every writer takes first) and returns
-- the master text. SS404 when the post has no post_development row.
CREATE OR REPLACE FUNCTION section_sync.lock_post(p_post_id bigint)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_master text;
BEGIN
  SELECT d.section_headings INTO v_master
  FROM {{schema}}.post_development d
  WHERE d.post_id = p_post_id
  FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'SS404',
      MESSAGE = format('Post %s does not exist', p_post_id),
      DETAIL = jsonb_build_object('entity', 'post', 'postId', p_post_id)::text;
  END IF;
  RETURN v_master;
END $$;

-- ---- the one apply function ---------------------------------------------------------------

-- Applies plan operations to one post's rows: one DELETE, one UPDATE (updates and moves), one
-- INSERT (creates), and for a rollback one INSERT re-creating deleted rows from their full
-- snapshots (ids and host columns included). Orders may pass through each other: the unique
-- (post_id, section_order) constraint is deferred. The guard is on while it writes, so the
-- rows -> master triggers stay out; the caller renders the master if it wants one.
--
--   SELECT section_sync.apply_operations(7, '[{"type":"move","id":3,"from":2,"order":1}, ...]');
CREATE OR REPLACE FUNCTION section_sync.apply_operations(
  p_post_id bigint, p_operations jsonb, p_restore jsonb DEFAULT NULL
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_guard text := current_setting('section_sync.applying', true);
  v_deletes boolean;
  v_updates boolean;
  v_creates boolean;
BEGIN
  SELECT coalesce(bool_or(o.type = 'delete'), false),
         coalesce(bool_or(o.type IN ('update', 'move')), false),
         coalesce(bool_or(o.type = 'create'), false)
  INTO v_deletes, v_updates, v_creates
  FROM jsonb_to_recordset(p_operations) AS o(type text);

  PERFORM set_config('section_sync.applying', 'on', true);
  IF v_deletes THEN
    DELETE FROM {{schema}}.post_section s
    USING jsonb_to_recordset(p_operations) AS o(type text, id bigint)
    WHERE o.type = 'delete' AND s.id = o.id AND s.post_id = p_post_id;
  END IF;
  IF v_updates THEN
    UPDATE {{schema}}.post_section s
    SET section_order = o."order",
        section_heading = CASE WHEN o.type = 'update' THEN o.heading ELSE s.section_heading END,
        section_description =
          CASE WHEN o.type = 'update' THEN o.description ELSE s.section_description END,
        status = CASE WHEN o.type = 'update' THEN o.status ELSE s.status END,
        updated_at = now()
    FROM jsonb_to_recordset(p_operations)
      AS o(type text, id bigint, "order" integer, heading text, description text, status text)
    WHERE o.type IN ('update', 'move') AND s.id = o.id AND s.post_id = p_post_id;
  END IF;
  IF v_creates THEN
    INSERT INTO {{schema}}.post_section
      (post_id, section_order, section_heading, section_description, status)
    SELECT p_post_id, o."order", o.heading, coalesce(o.description, ''), coalesce(o.status, 'draft')
    FROM jsonb_to_recordset(p_operations)
      AS o(type text, "order" integer, heading text, description text, status text)
    WHERE o.type = 'create'
    ORDER BY o."order";
  END IF;
  IF p_restore IS NOT NULL AND jsonb_array_length(p_restore) > 0 THEN
    -- OVERRIDING SYSTEM VALUE: the id comes back too, even from a GENERATED ALWAYS column.
    INSERT INTO {{schema}}.post_section OVERRIDING SYSTEM VALUE
    SELECT r.* FROM jsonb_populate_recordset(NULL::{{schema}}.post_section, p_restore) r;
  END IF;
  PERFORM set_config('section_sync.applying', coalesce(v_guard, ''), true);
END $$;

-- ---- master -> rows -------------------------------------------------------------------------

-- Syncs one post's rows to a master text: parse, plan against the rows, apply, log. The
-- master is not re-rendered (it stays as written). NULL or blank text changes nothing (an empty
-- master never wipes a post's sections; '[]' does). Unparsable text raises SS001, unless
-- section_sync.on_invalid = 'warn': then the rows stay, and an 'invalid' entry is logged.
-- The caller holds the per-post lock. p_bump: bump the version when rows change (the trigger
-- path does not: the master write itself bumped it).
CREATE OR REPLACE FUNCTION section_sync.sync_master_text(
  p_post_id bigint, p_master_before text, p_master text, p_bump boolean
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_items jsonb;
  v_existing jsonb;
  v_before jsonb;
  v_count bigint;
  v_plan jsonb;
  v_log_id bigint;
  v_message text;
BEGIN
  IF p_master IS NULL OR btrim(p_master, E' \t\n\r\f\v') = '' THEN
    SELECT count(*) INTO v_count FROM {{schema}}.post_section s WHERE s.post_id = p_post_id;
    RETURN section_sync.finish(p_post_id, section_sync.no_changes(v_count), NULL);
  END IF;

  IF section_sync.setting('section_sync.on_invalid', 'error') = 'warn' THEN
    BEGIN
      v_items := section_sync.parse(p_master);
    EXCEPTION WHEN SQLSTATE 'SS001' THEN
      GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
      v_before := section_sync.snapshot_rows(p_post_id);
      INSERT INTO {{schema}}.section_sync_log
        (post_id, direction, origin, outcome, changes, plan, before, after, message)
      VALUES (p_post_id, 'to_sections', section_sync.setting('section_sync.origin', 'trigger'),
        'invalid', section_sync.no_changes(jsonb_array_length(v_before)), NULL,
        jsonb_build_object('master', p_master_before, 'sections', v_before),
        jsonb_build_object('master', p_master, 'sections', v_before),
        v_message)
      RETURNING id INTO v_log_id;
      RETURN section_sync.finish(
        p_post_id, section_sync.no_changes(jsonb_array_length(v_before)), v_log_id);
    END;
  ELSE
    v_items := section_sync.parse(p_master);
  END IF;

  -- One scan: what plan needs, and the full rows for the log's "before".
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'id', s.id, 'order', s.section_order, 'heading', coalesce(s.section_heading, ''),
           'description', coalesce(s.section_description, ''),
           'status', coalesce(s.status, 'draft')) ORDER BY s.section_order, s.id), '[]'::jsonb),
         coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.section_order, s.id), '[]'::jsonb)
  INTO v_existing, v_before
  FROM {{schema}}.post_section s
  WHERE s.post_id = p_post_id;

  v_plan := section_sync.plan(v_existing, v_items);
  IF jsonb_array_length(v_plan->'operations') = 0 THEN
    RETURN section_sync.finish(p_post_id, v_plan->'changes', NULL);
  END IF;

  PERFORM section_sync.apply_operations(p_post_id, v_plan->'operations');
  IF p_bump THEN
    UPDATE {{schema}}.post_development d
    SET section_sync_version = d.section_sync_version + 1
    WHERE d.post_id = p_post_id;
  END IF;
  INSERT INTO {{schema}}.section_sync_log
    (post_id, direction, origin, outcome, changes, plan, before, after)
  VALUES (p_post_id, 'to_sections', section_sync.setting('section_sync.origin', 'trigger'),
    'applied', v_plan->'changes', v_plan,
    jsonb_build_object('master', p_master_before, 'sections', v_before),
    jsonb_build_object('master', p_master, 'sections', section_sync.snapshot_rows(p_post_id)))
  RETURNING id INTO v_log_id;
  RETURN section_sync.finish(p_post_id, v_plan->'changes', v_log_id);
END $$;

-- The master -> rows trigger (row level, after the write: the row lock is the per-post lock).
CREATE OR REPLACE FUNCTION section_sync.on_master_write()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM section_sync.sync_master_text(
    NEW.post_id,
    CASE WHEN TG_OP = 'UPDATE' THEN OLD.section_headings END,
    NEW.section_headings,
    false);
  RETURN NULL;
END $$;

-- Bumps the per-post version when the master changes, unless the writer set it itself.
CREATE OR REPLACE FUNCTION section_sync.on_master_version()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.section_sync_version IS NOT DISTINCT FROM OLD.section_sync_version THEN
    NEW.section_sync_version := coalesce(OLD.section_sync_version, 0) + 1;
  END IF;
  RETURN NEW;
END $$;

-- ---- rows -> master -------------------------------------------------------------------------

-- Re-renders the masters of the posts one statement (or call) touched, for all of them at
-- once: lock the posts in post_id order (creating a missing post_development row for a post that
-- has rows), then ONE statement that reads the touched posts' rows once, renumbers them to 1..n,
-- renders, writes the masters that differ, and logs one entry per post that changed (before and
-- after snapshots, the operations by id, the counts). Returns {postId: {changes, logId}}.
--
-- Orders: rows in p_claimers (inserted, or whose order or post the statement changed) take the
-- position they were written at (clamped to 1..n; claimers at the same order keep (order, id)
-- order and take the next free places); every other row keeps its relative order and fills the
-- remaining positions. So a direct delete closes its gap, an insert at an occupied order goes
-- there and shifts the rest down, and a row moved from 1 to 3 ends up third.
--
-- The rows before the write (for the log and the counts) are the current rows minus p_new_ids
-- plus p_old_rows (full rows as jsonb): what a statement trigger knows from its transition
-- tables. A caller that changed the rows itself (rollback) passes every current id and its own
-- snapshot.
CREATE OR REPLACE FUNCTION section_sync.sync_rows(
  p_posts bigint[],
  p_claimers bigint[],
  p_new_ids bigint[],
  p_old_rows jsonb,
  p_direction text DEFAULT 'to_development',
  p_plan jsonb DEFAULT NULL,
  p_rollback_of bigint DEFAULT NULL
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_guard text := current_setting('section_sync.applying', true);
  v_masters jsonb;
  v_result jsonb;
  v_last bigint;
BEGIN
  PERFORM set_config('section_sync.applying', 'on', true);

  -- A post that has rows but no post_development row gets one (its master is rendered below).
  INSERT INTO {{schema}}.post_development (post_id)
  SELECT p.post_id
  FROM unnest(p_posts) AS p(post_id)
  WHERE NOT EXISTS (SELECT 1 FROM {{schema}}.post_development d WHERE d.post_id = p.post_id)
    AND EXISTS (SELECT 1 FROM {{schema}}.post_section s WHERE s.post_id = p.post_id)
  ORDER BY p.post_id
  ON CONFLICT (post_id) DO NOTHING;

  -- The per-post locks, in post_id order; the masters as they were.
  SELECT coalesce(jsonb_object_agg(l.post_id::text, l.section_headings), '{}'::jsonb)
  INTO v_masters
  FROM (
    SELECT d.post_id, d.section_headings
    FROM {{schema}}.post_development d
    WHERE d.post_id IN (SELECT unnest(p_posts))
    ORDER BY d.post_id
    FOR UPDATE
  ) l;

  WITH cur AS MATERIALIZED (
    SELECT s.id, s.post_id, s.section_order, s.section_heading,
           coalesce(s.section_description, '') AS description, coalesce(s.status, 'draft') AS status,
           to_jsonb(s) AS row,
           s.id IN (SELECT unnest(p_claimers)) AS claims,
           s.id IN (SELECT unnest(p_new_ids)) AS is_new
    FROM {{schema}}.post_section s
    WHERE s.post_id IN (SELECT unnest(p_posts))
      AND v_masters ? s.post_id::text
  ),
  -- Renumbering with window functions only: the k-th claimer (by requested order, then id) may
  -- sit at k .. n-w+k, and a running max keeps claimed positions strictly increasing; a claimer
  -- at position p has p-k free places before it, so sorting non-claimers by their rank k and
  -- claimers by (p-k, after) interleaves the two.
  ranked AS (
    SELECT c.*,
           row_number() OVER (PARTITION BY c.post_id, c.claims
                              ORDER BY c.section_order, c.id) AS k,
           count(*) OVER (PARTITION BY c.post_id) AS n,
           count(*) FILTER (WHERE c.claims) OVER (PARTITION BY c.post_id) AS w
    FROM cur c
  ),
  slotted AS (
    SELECT r.*,
           CASE WHEN r.claims THEN max(least(greatest(r.section_order, r.k), r.n - r.w + r.k) - r.k)
             OVER (PARTITION BY r.post_id, r.claims ORDER BY r.section_order, r.id) END AS slot
    FROM ranked r
  ),
  after AS MATERIALIZED (
    SELECT x.*, x.position IS DISTINCT FROM x.section_order AS renumbered
    FROM (
      SELECT t.id, t.post_id, t.section_order, t.section_heading, t.description, t.status,
             t.row,
             row_number() OVER (PARTITION BY t.post_id
               ORDER BY CASE WHEN t.claims THEN t.slot ELSE t.k END, t.claims, t.k)::int
               AS position
      FROM slotted t
    ) x
  ),
  renumber AS (
    UPDATE {{schema}}.post_section s
    SET section_order = a.position, updated_at = now()
    FROM after a
    WHERE s.id = a.id AND a.renumbered
  ),
  before AS MATERIALIZED (
    SELECT c.post_id, c.id, c.section_order, c.section_heading, c.description, c.status, c.row
    FROM cur c
    WHERE NOT c.is_new
    UNION ALL
    SELECT r.post_id, r.id, r.section_order, r.section_heading,
           coalesce(r.section_description, ''), coalesce(r.status, 'draft'), o.row
    FROM jsonb_array_elements(coalesce(p_old_rows, '[]'::jsonb)) AS o(row)
    CROSS JOIN LATERAL jsonb_to_record(o.row) AS r(post_id bigint, id bigint, section_order int,
      section_heading text, section_description text, status text)
    WHERE v_masters ? r.post_id::text
  ),
  after_agg AS (
    SELECT a.post_id,
           jsonb_agg(jsonb_build_object('id', a.id, 'order', a.position,
             'heading', a.section_heading, 'description', a.description, 'status', a.status)
             ORDER BY a.position) AS items,
           jsonb_agg(CASE WHEN a.renumbered
                       THEN a.row || jsonb_build_object('section_order', a.position,
                                                        'updated_at', now())
                       ELSE a.row END ORDER BY a.position) AS rows
    FROM after a
    GROUP BY a.post_id
  ),
  before_agg AS (
    SELECT b.post_id, jsonb_agg(b.row ORDER BY b.section_order, b.id) AS rows
    FROM before b
    GROUP BY b.post_id
  ),
  posts AS MATERIALIZED (
    SELECT p.post_id,
           v_masters->>(p.post_id::text) AS master_before,
           section_sync.render(coalesce(a.items, '[]'::jsonb)) AS master_after,
           coalesce(b.rows, '[]'::jsonb) AS rows_before,
           coalesce(a.rows, '[]'::jsonb) AS rows_after
    FROM (SELECT DISTINCT unnest(p_posts) AS post_id) p
    LEFT JOIN after_agg a USING (post_id)
    LEFT JOIN before_agg b USING (post_id)
    WHERE v_masters ? (p.post_id::text)
  ),
  -- Section by section, matched by id within the post.
  pairs AS (
    SELECT coalesce(a.post_id, b.post_id) AS post_id,
           a.id AS aid, a.position AS aord, b.id AS bid, b.section_order AS bord,
           a.id IS NOT NULL AND b.id IS NOT NULL
             AND (a.section_heading, a.description, a.status)
                 IS DISTINCT FROM (b.section_heading, b.description, b.status) AS content_changed,
           a.section_heading AS heading, a.description, a.status
    FROM after a
    FULL JOIN before b ON a.id = b.id AND a.post_id = b.post_id
  ),
  diff AS (
    SELECT x.post_id,
           count(*) FILTER (WHERE x.bid IS NULL) AS created,
           count(*) FILTER (WHERE x.content_changed) AS updated,
           count(*) FILTER (WHERE x.aid IS NOT NULL AND x.bid IS NOT NULL
                              AND x.aord IS DISTINCT FROM x.bord) AS moved,
           count(*) FILTER (WHERE x.aid IS NULL) AS deleted,
           count(*) FILTER (WHERE x.aid IS NOT NULL AND x.bid IS NOT NULL
                              AND NOT x.content_changed
                              AND x.aord IS NOT DISTINCT FROM x.bord) AS unchanged,
           coalesce(jsonb_agg(CASE
               WHEN x.bid IS NULL THEN jsonb_build_object('type', 'create', 'id', x.aid,
                 'order', x.aord, 'heading', x.heading, 'description', x.description,
                 'status', x.status)
               WHEN x.aid IS NULL THEN jsonb_build_object('type', 'delete', 'id', x.bid,
                 'from', x.bord)
               WHEN x.content_changed THEN jsonb_build_object('type', 'update', 'id', x.aid,
                 'from', x.bord, 'order', x.aord, 'heading', x.heading,
                 'description', x.description, 'status', x.status)
               ELSE jsonb_build_object('type', 'move', 'id', x.aid, 'from', x.bord,
                 'order', x.aord)
             END ORDER BY x.aid IS NULL, coalesce(x.aord, x.bord))
             FILTER (WHERE x.aid IS NULL OR x.bid IS NULL OR x.content_changed
               OR x.aord IS DISTINCT FROM x.bord), '[]'::jsonb) AS operations
    FROM pairs x
    GROUP BY x.post_id
  ),
  written AS (
    UPDATE {{schema}}.post_development d
    SET section_headings = p.master_after
    FROM posts p
    WHERE d.post_id = p.post_id AND d.section_headings IS DISTINCT FROM p.master_after
    RETURNING d.post_id
  ),
  logged AS (
    INSERT INTO {{schema}}.section_sync_log
      (post_id, direction, origin, outcome, changes, plan, before, after, rollback_of)
    SELECT p.post_id, p_direction, section_sync.setting('section_sync.origin', 'trigger'),
      'applied', c.changes,
      coalesce(p_plan, jsonb_build_object('operations', x.operations, 'changes', c.changes)),
      jsonb_build_object('master', p.master_before, 'sections', p.rows_before),
      jsonb_build_object('master', p.master_after, 'sections', p.rows_after),
      p_rollback_of
    FROM posts p
    JOIN diff x USING (post_id)
    CROSS JOIN LATERAL (SELECT jsonb_build_object('created', x.created, 'updated', x.updated,
      'moved', x.moved, 'deleted', x.deleted, 'unchanged', x.unchanged) AS changes) c
    WHERE p.post_id IN (SELECT w.post_id FROM written w)
       OR x.created + x.updated + x.moved + x.deleted > 0
    ORDER BY p.post_id
    RETURNING post_id, id
  )
  SELECT coalesce(jsonb_object_agg(p.post_id::text, jsonb_build_object(
           'changes', jsonb_build_object('created', coalesce(x.created, 0),
             'updated', coalesce(x.updated, 0), 'moved', coalesce(x.moved, 0),
             'deleted', coalesce(x.deleted, 0), 'unchanged', coalesce(x.unchanged, 0)),
           'logId', l.id,
           'masterWritten', p.post_id IN (SELECT w.post_id FROM written w))), '{}'::jsonb)
  INTO v_result
  FROM posts p LEFT JOIN diff x USING (post_id) LEFT JOIN logged l USING (post_id);

  -- A logged change whose master text came out the same still moves the version on.
  UPDATE {{schema}}.post_development d
  SET section_sync_version = d.section_sync_version + 1
  FROM jsonb_each(v_result) r
  WHERE d.post_id = r.key::bigint AND r.value->'logId' <> 'null'::jsonb
    AND NOT (r.value->>'masterWritten')::boolean;

  PERFORM set_config('section_sync.applying', coalesce(v_guard, ''), true);

  -- last_result: the post a single-post statement touched (the highest one for several).
  SELECT max(k::bigint) INTO v_last FROM jsonb_object_keys(v_result) k;
  IF v_last IS NOT NULL THEN
    PERFORM section_sync.finish(v_last, v_result->(v_last::text)->'changes',
                                (v_result->(v_last::text)->>'logId')::bigint);
  END IF;
  RETURN v_result;
END $$;

-- The three statement triggers: each hands its transition tables to sync_rows.
CREATE OR REPLACE FUNCTION section_sync.on_rows_insert()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_ids bigint[];
BEGIN
  IF current_setting('section_sync.applying', true) = 'on' THEN
    RETURN NULL;
  END IF;
  v_ids := ARRAY(SELECT n.id FROM section_sync_new n);
  PERFORM section_sync.sync_rows(
    ARRAY(SELECT DISTINCT n.post_id FROM section_sync_new n ORDER BY 1), v_ids, v_ids, NULL);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION section_sync.on_rows_delete()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('section_sync.applying', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM section_sync.sync_rows(
    ARRAY(SELECT DISTINCT o.post_id FROM section_sync_old o ORDER BY 1),
    '{}', '{}',
    (SELECT jsonb_agg(to_jsonb(o)) FROM section_sync_old o));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION section_sync.on_rows_update()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('section_sync.applying', true) = 'on' THEN
    RETURN NULL;
  END IF;
  -- A statement that changed nothing the master shows (e.g. only a host column) costs nothing.
  IF NOT EXISTS (
    SELECT 1
    FROM section_sync_new n
    LEFT JOIN section_sync_old o ON o.id = n.id
    WHERE o.id IS NULL
       OR (n.post_id, n.section_order, n.section_heading, n.section_description, n.status)
          IS DISTINCT FROM
          (o.post_id, o.section_order, o.section_heading, o.section_description, o.status)
  ) AND (SELECT count(*) FROM section_sync_new) = (SELECT count(*) FROM section_sync_old) THEN
    RETURN NULL;
  END IF;
  PERFORM section_sync.sync_rows(
    ARRAY(SELECT n.post_id FROM section_sync_new n UNION SELECT o.post_id FROM section_sync_old o
          ORDER BY 1),
    -- Rows whose order (or post) this statement wrote claim that position.
    ARRAY(SELECT n.id FROM section_sync_new n LEFT JOIN section_sync_old o ON o.id = n.id
          WHERE o.id IS NULL OR o.section_order IS DISTINCT FROM n.section_order
             OR o.post_id IS DISTINCT FROM n.post_id),
    ARRAY(SELECT n.id FROM section_sync_new n),
    (SELECT jsonb_agg(to_jsonb(o)) FROM section_sync_old o));
  RETURN NULL;
END $$;

-- ---- the functions the store calls ----------------------------------------------------------

-- master -> rows for one post, as the API asks for it: {"changes": {...}, "logId": n | null}.
--   SELECT section_sync.sync_to_sections(7);
CREATE OR REPLACE FUNCTION section_sync.sync_to_sections(p_post_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_master text := section_sync.lock_post(p_post_id);
BEGIN
  RETURN section_sync.sync_master_text(p_post_id, v_master, v_master, true);
END $$;

-- rows -> master for one post: orders to 1..n, render, write when it differs.
--   SELECT section_sync.sync_to_master(7);
CREATE OR REPLACE FUNCTION section_sync.sync_to_master(p_post_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_result jsonb;
BEGIN
  PERFORM section_sync.lock_post(p_post_id);
  v_result := section_sync.sync_rows(ARRAY[p_post_id], '{}', '{}', NULL)->(p_post_id::text);
  RETURN section_sync.finish(p_post_id, v_result->'changes', (v_result->>'logId')::bigint);
END $$;

-- Restores the rows of a log entry's "before" snapshot as a new logged sync (direction
-- 'rollback'): rows still there get their order, heading, description and status back; rows
-- deleted since come back with their id and every host column (as last logged); rows created
-- since are deleted;
-- the master is re-rendered. SS404 unknown entry; SS400 an entry of another post, or a deleted
-- row whose id now belongs to another post.
--   SELECT section_sync.rollback(7, 42);
CREATE OR REPLACE FUNCTION section_sync.rollback(p_post_id bigint, p_entry_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_entry {{schema}}.section_sync_log;
  v_target jsonb;
  v_before jsonb;
  v_operations jsonb;
  v_restore jsonb;
  v_taken text;
  v_result jsonb;
BEGIN
  PERFORM section_sync.lock_post(p_post_id);
  SELECT * INTO v_entry FROM {{schema}}.section_sync_log l WHERE l.id = p_entry_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'SS404',
      MESSAGE = format('Sync log entry %s does not exist', p_entry_id),
      DETAIL = jsonb_build_object('entity', 'log_entry', 'postId', p_post_id,
                                  'entryId', p_entry_id)::text;
  END IF;
  IF v_entry.post_id <> p_post_id THEN
    RAISE EXCEPTION USING ERRCODE = 'SS400',
      MESSAGE = format('Sync log entry %s belongs to post %s, not to post %s',
                       p_entry_id, v_entry.post_id, p_post_id);
  END IF;
  v_target := coalesce(v_entry.before->'sections', '[]'::jsonb);
  v_before := section_sync.snapshot_rows(p_post_id);

  SELECT string_agg(s.id::text, ', ' ORDER BY s.id) INTO v_taken
  FROM {{schema}}.post_section s
  JOIN jsonb_array_elements(v_target) t ON (t->>'id')::bigint = s.id
  WHERE s.post_id <> p_post_id;
  IF v_taken IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'SS400',
      MESSAGE = format('Cannot roll back entry %s: section ids %s now belong to other posts',
                       p_entry_id, v_taken);
  END IF;

  -- Updates/moves for rows in both, deletes for rows created since; deleted rows come back
  -- whole through p_restore.
  WITH t AS (
    SELECT (r->>'id')::bigint AS id, (r->>'section_order')::int AS ord,
           r->>'section_heading' AS heading, r->>'section_description' AS description,
           r->>'status' AS status, r
    FROM jsonb_array_elements(v_target) r
  ),
  c AS (
    SELECT (r->>'id')::bigint AS id, (r->>'section_order')::int AS ord,
           r->>'section_heading' AS heading, r->>'section_description' AS description,
           r->>'status' AS status
    FROM jsonb_array_elements(v_before) r
  )
  SELECT
    coalesce(jsonb_agg(CASE
        WHEN t.id IS NULL THEN jsonb_build_object('type', 'delete', 'id', c.id, 'from', c.ord)
        WHEN (t.heading, t.description, t.status) IS DISTINCT FROM
             (c.heading, c.description, c.status)
          THEN jsonb_build_object('type', 'update', 'id', c.id, 'from', c.ord, 'order', t.ord,
            'heading', t.heading, 'description', t.description, 'status', t.status)
        ELSE jsonb_build_object('type', 'move', 'id', c.id, 'from', c.ord, 'order', t.ord)
      END) FILTER (WHERE c.id IS NOT NULL AND (t.id IS NULL OR
        (t.ord, t.heading, t.description, t.status) IS DISTINCT FROM
        (c.ord, c.heading, c.description, c.status))), '[]'::jsonb),
    -- A row deleted since comes back with the entry's order, heading, description and status,
    -- but with its host columns as last logged (the entry that deleted it): the entry's own
    -- snapshot may predate content the host wrote later.
    coalesce(jsonb_agg(coalesce(latest.row, t.r) || jsonb_build_object(
        'section_order', t.r->'section_order', 'section_heading', t.r->'section_heading',
        'section_description', t.r->'section_description', 'status', t.r->'status')
      ORDER BY t.ord) FILTER (WHERE c.id IS NULL), '[]'::jsonb)
  INTO v_operations, v_restore
  FROM t FULL JOIN c ON t.id = c.id
  LEFT JOIN LATERAL (
    SELECT logged.row
    FROM {{schema}}.section_sync_log l
    CROSS JOIN LATERAL jsonb_array_elements(l.before->'sections') AS logged(row)
    WHERE c.id IS NULL AND l.post_id = p_post_id AND l.id > p_entry_id
      AND (logged.row->>'id')::bigint = t.id
    ORDER BY l.id DESC
    LIMIT 1
  ) latest ON true;

  PERFORM section_sync.apply_operations(p_post_id, v_operations, v_restore);
  -- Every current row replaces a row of v_before: the log's "before" is exactly v_before.
  v_result := section_sync.sync_rows(ARRAY[p_post_id], '{}',
    ARRAY(SELECT s.id FROM {{schema}}.post_section s WHERE s.post_id = p_post_id), v_before,
    'rollback', NULL, p_entry_id)->(p_post_id::text);
  RETURN section_sync.finish(p_post_id, v_result->'changes', (v_result->>'logId')::bigint);
END $$;

-- ---- the triggers ---------------------------------------------------------------------------

DROP TRIGGER IF EXISTS section_sync_version ON {{schema}}.post_development;
CREATE TRIGGER section_sync_version
  BEFORE UPDATE OF section_headings ON {{schema}}.post_development
  FOR EACH ROW
  WHEN (OLD.section_headings IS DISTINCT FROM NEW.section_headings)
  EXECUTE FUNCTION section_sync.on_master_version();

-- The guard is in WHEN: our own master writes do not even call the function.
DROP TRIGGER IF EXISTS section_sync_master_insert ON {{schema}}.post_development;
CREATE TRIGGER section_sync_master_insert
  AFTER INSERT ON {{schema}}.post_development
  FOR EACH ROW
  WHEN (NEW.section_headings IS NOT NULL
        AND current_setting('section_sync.applying', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION section_sync.on_master_write();

DROP TRIGGER IF EXISTS section_sync_master_update ON {{schema}}.post_development;
CREATE TRIGGER section_sync_master_update
  AFTER UPDATE OF section_headings ON {{schema}}.post_development
  FOR EACH ROW
  WHEN (OLD.section_headings IS DISTINCT FROM NEW.section_headings
        AND current_setting('section_sync.applying', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION section_sync.on_master_write();

DROP TRIGGER IF EXISTS section_sync_rows_insert ON {{schema}}.post_section;
CREATE TRIGGER section_sync_rows_insert
  AFTER INSERT ON {{schema}}.post_section
  REFERENCING NEW TABLE AS section_sync_new
  FOR EACH STATEMENT EXECUTE FUNCTION section_sync.on_rows_insert();

DROP TRIGGER IF EXISTS section_sync_rows_update ON {{schema}}.post_section;
CREATE TRIGGER section_sync_rows_update
  AFTER UPDATE ON {{schema}}.post_section
  REFERENCING OLD TABLE AS section_sync_old NEW TABLE AS section_sync_new
  FOR EACH STATEMENT EXECUTE FUNCTION section_sync.on_rows_update();

DROP TRIGGER IF EXISTS section_sync_rows_delete ON {{schema}}.post_section;
CREATE TRIGGER section_sync_rows_delete
  AFTER DELETE ON {{schema}}.post_section
  REFERENCING OLD TABLE AS section_sync_old
  FOR EACH STATEMENT EXECUTE FUNCTION section_sync.on_rows_delete();

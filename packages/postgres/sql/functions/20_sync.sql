-- Repeatable (re-applied by migrate whenever a function file changes): the sync inside the database. Both directions, the recursion guard, the sync log and
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

-- The full rows of a post (host columns included) in section order: what a rollback hands to
-- sync_rows as the rows before it, so the sections it deletes are logged whole.
CREATE OR REPLACE FUNCTION section_sync.snapshot_rows(p_post_id bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.section_order, s.id), '[]'::jsonb)
  FROM {{schema}}.post_section s
  WHERE s.post_id = p_post_id
$$;

-- A section as the compact log holds it: its sync columns under their column names (a deleted
-- section is logged whole instead, as to_jsonb of its row). One shape for every writer.
-- STABLE like jsonb_build_object, so PostgreSQL inlines it (see render_section).
CREATE OR REPLACE FUNCTION section_sync.log_section(
  p_id bigint, p_order int, p_heading text, p_description text, p_status text
) RETURNS jsonb LANGUAGE sql STABLE
RETURN jsonb_build_object('id', p_id, 'section_order', p_order, 'section_heading', p_heading,
                          'section_description', p_description, 'status', p_status);

-- The per-post lock is the post's post_development row lock (FOR UPDATE). Every writer takes it
-- before it writes any row of the post, in post_id order when it writes several posts: the
-- store and the master path by locking or updating that row first, plain-SQL INSERTs through
-- the BEFORE ROW triggers below, plain-SQL UPDATE / DELETE through section_sync.lock_post in
-- their WHERE clause. section_sync.locked_posts lists the posts locked in this transaction
-- (',3,7,'; transaction-local, so a rolled-back subtransaction forgets them with their locks),
-- so the row triggers take each post's lock once, not once per row.

-- Notes a post as locked in this transaction (see section_sync.locked_posts).
CREATE OR REPLACE FUNCTION section_sync.note_locked(p_post_id bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_list text := coalesce(nullif(current_setting('section_sync.locked_posts', true), ''), ',');
BEGIN
  IF strpos(v_list, ',' || p_post_id || ',') = 0 THEN
    PERFORM set_config('section_sync.locked_posts', v_list || p_post_id || ',', true);
  END IF;
END $$;

-- Whether this transaction noted the post as locked. Inlined into the triggers' WHEN clauses.
CREATE OR REPLACE FUNCTION section_sync.is_locked(p_post_id bigint)
RETURNS boolean LANGUAGE sql STABLE
RETURN strpos(coalesce(current_setting('section_sync.locked_posts', true), ''),
              ',' || p_post_id || ',') > 0;

-- Locks one post (FOR UPDATE of its post_development row, noted as held for this transaction)
-- and returns that row. SS404 when the post has no post_development row. Every product path
-- locks a post through here.
CREATE OR REPLACE FUNCTION section_sync.lock_post_row(p_post_id bigint)
RETURNS {{schema}}.post_development LANGUAGE plpgsql AS $$
DECLARE
  v_row {{schema}}.post_development;
BEGIN
  SELECT d.* INTO v_row
  FROM {{schema}}.post_development d
  WHERE d.post_id = p_post_id
  FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'SS404',
      MESSAGE = format('Post %s does not exist', p_post_id),
      DETAIL = jsonb_build_object('entity', 'post', 'postId', p_post_id)::text;
  END IF;
  PERFORM section_sync.note_locked(p_post_id);
  RETURN v_row;
END;
$$;

-- Locks one post and returns the master text (lock_post_row).
CREATE OR REPLACE FUNCTION section_sync.lock_post_master(p_post_id bigint)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN (section_sync.lock_post_row(p_post_id)).section_headings;
END;
$$;

-- Locks the posts of rows about to be written, in post_id order; a post without a
-- post_development row gets one first (as the rows -> master sync would give it), so every
-- post with rows has a lock to take.
CREATE OR REPLACE FUNCTION section_sync.lock_posts_of_rows(p_posts bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_post bigint;
BEGIN
  FOR v_post IN SELECT DISTINCT p FROM unnest(p_posts) p WHERE p IS NOT NULL ORDER BY 1 LOOP
    PERFORM 1 FROM {{schema}}.post_development d WHERE d.post_id = v_post FOR UPDATE;
    IF NOT FOUND THEN
      INSERT INTO {{schema}}.post_development (post_id) VALUES (v_post)
      ON CONFLICT (post_id) DO NOTHING;
      PERFORM 1 FROM {{schema}}.post_development d WHERE d.post_id = v_post FOR UPDATE;
    END IF;
    PERFORM section_sync.note_locked(v_post);
  END LOOP;
END $$;

-- section_sync.lock_post(post_id): takes the post's lock, the one every section-sync writer
-- takes first, and returns post_id, so host code can take it inline, before its statement
-- reads (and so locks) any row of the post:
--   UPDATE post_section SET status = 'done' WHERE post_id = section_sync.lock_post(7) AND id = 42;
--   DELETE FROM post_section WHERE post_id = section_sync.lock_post(7) AND id = 42;
-- Declared STABLE so the planner can use it in an index condition (evaluated once, before the
-- scan; with a constant argument also at planning, earlier still); the lock itself is taken by
-- the volatile lock_post_master. Several posts: lock them in post_id order. SS404 for a post
-- without a post_development row.
DROP FUNCTION IF EXISTS section_sync.lock_post(bigint); -- it returned the master text before
CREATE OR REPLACE FUNCTION section_sync.lock_post(p_post_id bigint)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM section_sync.lock_post_master(p_post_id);
  RETURN p_post_id;
END $$;

-- The BEFORE ROW lock triggers on post_section: the post's lock before the row is written
-- (for an INSERT, before the row is in the deferred unique index a master writer would wait on).
CREATE OR REPLACE FUNCTION section_sync.on_row_lock()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM section_sync.lock_posts_of_rows(CASE TG_OP
    WHEN 'INSERT' THEN ARRAY[NEW.post_id]
    WHEN 'UPDATE' THEN ARRAY[OLD.post_id, NEW.post_id]
    ELSE ARRAY[OLD.post_id] END);
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

-- Whether a row's heading, description and status are what parse() gives back for them (the
-- master side's rules and the current limits): heading trimmed and not empty, status trimmed
-- and not empty (or NULL), no control characters, within the limits. Inlined where it is used.
CREATE OR REPLACE FUNCTION section_sync.fields_parse_back(
  p_heading text, p_description text, p_status text
) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
-- A NULL heading (a host column that allows it) never parses back: false, not NULL, which
-- bool_and would skip.
RETURN p_heading IS NOT NULL
  AND p_heading <> ''
  AND p_heading = btrim(p_heading, section_sync.trimmable())
  AND p_heading !~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]'
  AND length(p_heading) <= section_sync.limit_value(NULL, 'maxHeadingLength',
    'section_sync.max_heading_length', 1000)
  AND (p_status IS NULL OR (
    p_status <> '' AND p_status = btrim(p_status, section_sync.trimmable())
    AND p_status !~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]'
    AND length(p_status) <= section_sync.limit_value(NULL, 'maxStatusLength',
      'section_sync.max_status_length', 100)))
  AND (p_description IS NULL OR (
    p_description !~ '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]'
    AND length(p_description) <= section_sync.limit_value(NULL, 'maxDescriptionLength',
      'section_sync.max_description_length', 10000)));

-- A section's fields through the master side's own parser (a one-item JSON master), so no rule
-- is written twice: {heading, description?, status?}, heading and status trimmed, an empty
-- status absent, an empty heading 'Section 1' (callers name it after its real position). An
-- unparsable field raises SS001 with the parser's code and field, its message about `p_label`
-- instead of the one-item list's 'Item 1 (index 0)'.
CREATE OR REPLACE FUNCTION section_sync.parse_section_fields(
  p_heading text, p_description text, p_status text, p_label text
) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_message text;
  v_detail text;
BEGIN
  RETURN section_sync.parse(jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
    'heading', p_heading, 'description', p_description, 'status', p_status)))::text) -> 0;
EXCEPTION WHEN SQLSTATE 'SS001' THEN
  GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
  RAISE EXCEPTION USING ERRCODE = 'SS001', DETAIL = v_detail,
    MESSAGE = regexp_replace(v_message, '^Item 1 \(index 0\)', p_label);
END $$;

-- The BEFORE ROW rules trigger on post_section (plain-SQL INSERT / UPDATE of the synced
-- columns; only called for a row that does not parse back, see fields_parse_back): the master
-- side's rules for the row's fields. Trimming is normalised as the parser trims; an empty or
-- blank heading is left empty here and named `Section <position>` by the rows -> master sync,
-- once its position is known; an empty status is 'draft' (or, for an UPDATE, the status it
-- had). Control characters and over-limit fields are refused with the parser's SS001.
CREATE OR REPLACE FUNCTION section_sync.on_row_rules()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_item jsonb := section_sync.parse_section_fields(
    coalesce(NEW.section_heading, ''), NEW.section_description, NEW.status,
    format('Section %s of post %s', NEW.id, NEW.post_id));
BEGIN
  NEW.section_heading := CASE WHEN btrim(coalesce(NEW.section_heading, ''), section_sync.trimmable()) = ''
    THEN '' ELSE v_item->>'heading' END;
  NEW.status := coalesce(v_item->>'status',
    CASE WHEN TG_OP = 'UPDATE' THEN nullif(btrim(OLD.status, section_sync.trimmable()), '') END,
    'draft');
  RETURN NEW;
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

-- A post's rows as the planner takes them: five arrays (ids, orders, headings, descriptions,
-- statuses) in (order, id) order, as plan() takes them: ties in order (possible inside a
-- transaction, the unique constraint being deferred) go by id. One sort for the five arrays:
-- aggregates over a sorted subquery take its order (an ORDER BY in each aggregate sorted five
-- times, ~3 ms of 1,000 rows); the differential tests' duplicate orders hold it to that.
CREATE OR REPLACE FUNCTION section_sync.post_rows(p_post_id bigint)
RETURNS TABLE (ids bigint[], orders integer[], headings text[], descriptions text[],
               statuses text[])
LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(r.id), '{}'), coalesce(array_agg(r.section_order), '{}'),
         coalesce(array_agg(r.heading), '{}'), coalesce(array_agg(r.description), '{}'),
         coalesce(array_agg(r.status), '{}')
  FROM (SELECT s.id, s.section_order, coalesce(s.section_heading, '') AS heading,
               coalesce(s.section_description, '') AS description,
               coalesce(s.status, 'draft') AS status
        FROM {{schema}}.post_section s WHERE s.post_id = p_post_id
        ORDER BY s.section_order, s.id) r
$$;

-- The plan of a post's rows to the desired items: plan_by_ids_of straight from the rows when
-- ids decide everything (the usual case: no jsonb built of the rows, one hash join), else the
-- five steps of plan() over the rows as jsonb.
CREATE OR REPLACE FUNCTION section_sync.plan_post(p_post_id bigint, p_items jsonb)
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    (SELECT section_sync.plan_by_ids_of(r.ids, r.orders, r.headings, r.descriptions, r.statuses,
       p_items)
     FROM section_sync.post_rows(p_post_id) r),
    section_sync.plan((
      SELECT coalesce(jsonb_agg(jsonb_build_object(
               'id', s.id, 'order', s.section_order, 'heading', coalesce(s.section_heading, ''),
               'description', coalesce(s.section_description, ''),
               'status', coalesce(s.status, 'draft')) ORDER BY s.section_order, s.id), '[]'::jsonb)
      FROM {{schema}}.post_section s
      WHERE s.post_id = p_post_id), p_items))
$$;


-- Syncs one post's rows to a master text: parse, plan against the rows, apply, log. The
-- master is not re-rendered (it stays as written). NULL or blank text means "no master data":
-- it never changes the rows (an empty master never wipes a post's sections; '[]' does); written
-- by a writer (the trigger path, p_bump false) on a post that has rows, the master is rendered
-- back from them at once, so the post stays consistent. Unparsable text raises SS001, unless
-- section_sync.on_invalid = 'warn': then the rows stay, and an 'invalid' entry is logged.
-- The caller holds the per-post lock. p_bump: bump the version when rows change (the trigger
-- path does not: the master write itself bumped it).
CREATE OR REPLACE FUNCTION section_sync.sync_master_text(
  p_post_id bigint, p_master_before text, p_master text, p_bump boolean
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_items jsonb;
  v_existing_ids bigint[];
  v_count bigint;
  v_plan jsonb;
  v_before jsonb;
  v_log_id bigint;
  v_message text;
BEGIN
  IF p_master IS NULL OR btrim(p_master, E' \t\n\r\f\v') = '' THEN
    SELECT count(*) INTO v_count FROM {{schema}}.post_section s WHERE s.post_id = p_post_id;
    IF v_count > 0 AND NOT p_bump THEN
      v_plan := section_sync.sync_rows(ARRAY[p_post_id], '{}', '{}', NULL)->(p_post_id::text);
      RETURN section_sync.finish(p_post_id, v_plan->'changes', (v_plan->>'logId')::bigint);
    END IF;
    RETURN section_sync.finish(p_post_id, section_sync.no_changes(v_count), NULL);
  END IF;

  IF section_sync.setting('section_sync.on_invalid', 'error') = 'warn' THEN
    BEGIN
      v_items := section_sync.parse_desired(p_master);
    EXCEPTION WHEN SQLSTATE 'SS001' THEN
      GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
      SELECT count(*) INTO v_count FROM {{schema}}.post_section s WHERE s.post_id = p_post_id;
      -- No section changed: the entry holds the two masters only.
      INSERT INTO section_sync.log
        (post_id, direction, origin, outcome, changes, before, after, message)
      VALUES (p_post_id, 'to_sections', section_sync.setting('section_sync.origin', 'trigger'),
        'invalid', section_sync.no_changes(v_count),
        jsonb_build_object('master', p_master_before, 'sections', '[]'::jsonb),
        jsonb_build_object('master', p_master, 'sections', '[]'::jsonb),
        v_message)
      RETURNING id INTO v_log_id;
      RETURN section_sync.finish(p_post_id, section_sync.no_changes(v_count), v_log_id);
    END;
    v_plan := section_sync.plan_post(p_post_id, v_items);
  ELSE
    v_plan := section_sync.plan_post(p_post_id, section_sync.parse_desired(p_master));
  END IF;

  IF jsonb_array_length(v_plan->'operations') = 0 THEN
    RETURN section_sync.finish(p_post_id, v_plan->'changes', NULL);
  END IF;
  -- Created sections are the ids not there before; only then are the ids worth reading.
  IF (v_plan->'changes'->>'created')::int > 0 THEN
    v_existing_ids := ARRAY(SELECT s.id FROM {{schema}}.post_section s WHERE s.post_id = p_post_id);
  END IF;

  -- The log's "before": the sections the plan touches, a deleted one whole (host columns too).
  SELECT coalesce(jsonb_agg(CASE WHEN o.type = 'delete' THEN to_jsonb(s)
           ELSE section_sync.log_section(s.id, s.section_order, s.section_heading,
                                         s.section_description, s.status) END
           ORDER BY s.section_order), '[]'::jsonb)
  INTO v_before
  FROM {{schema}}.post_section s
  JOIN jsonb_to_recordset(v_plan->'operations') AS o(type text, id bigint) ON o.id = s.id
  WHERE s.post_id = p_post_id;

  PERFORM section_sync.apply_operations(p_post_id, v_plan->'operations');
  IF p_bump THEN
    UPDATE {{schema}}.post_development d
    SET section_sync_version = d.section_sync_version + 1
    WHERE d.post_id = p_post_id;
  END IF;
  -- The log's "after": the updated and moved sections, and the created ones (ids not seen
  -- before), as they are now.
  INSERT INTO section_sync.log
    (post_id, direction, origin, outcome, changes, before, after)
  SELECT p_post_id, 'to_sections', section_sync.setting('section_sync.origin', 'trigger'),
    'applied', v_plan->'changes',
    jsonb_build_object('master', p_master_before, 'sections', v_before),
    jsonb_build_object('master', p_master, 'sections', coalesce(jsonb_agg(
      section_sync.log_section(s.id, s.section_order, s.section_heading, s.section_description,
                               s.status) ORDER BY s.section_order), '[]'::jsonb))
  FROM {{schema}}.post_section s
  WHERE s.post_id = p_post_id
    -- IN / NOT IN over subqueries: hashed once, not re-read per row as a joined function is.
    AND (s.id IN (SELECT o.id FROM jsonb_to_recordset(v_plan->'operations') AS o(id bigint))
         OR (v_existing_ids IS NOT NULL AND s.id NOT IN (SELECT unnest(v_existing_ids))))
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

-- The per-post version belongs to this trigger and only moves forward, by one per write: +1
-- when the master changes or a writer asks for a higher version (the syncs' own `version + 1`),
-- else it stays. Whatever a writer puts in the column (an ORM saving the whole row with the
-- version it read) cannot rewind it, so a stale If-Match never matches again.
CREATE OR REPLACE FUNCTION section_sync.on_master_version()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.section_sync_version := coalesce(OLD.section_sync_version, 0)
    + CASE WHEN OLD.section_headings IS DISTINCT FROM NEW.section_headings
             OR NEW.section_sync_version > OLD.section_sync_version THEN 1 ELSE 0 END;
  RETURN NEW;
END $$;

-- ---- rows -> master -------------------------------------------------------------------------

-- sync_rows for the commonest plain-SQL write: an UPDATE of the content of some rows of one
-- post (heading, description, status), no order, post, insert or delete. When the post's rows
-- already hold orders 1..n and no empty heading, renumbering and naming have nothing to do and
-- every other row is as it was: the master is the rows' rendering, the changes are the touched
-- rows, and the log needs only the statement's OLD rows, so the windows and the pairing of
-- every row against its before image are skipped (12 -> 4 ms of 1,000 sections). Same master,
-- log entry, counts and answer as the full statement, which runs whenever this returns NULL.
-- The setting section_sync.content_fast_path = 'off' always takes the full statement (for the
-- differential test and for diagnosis). The caller holds the lock and the recursion guard.
CREATE OR REPLACE FUNCTION section_sync.sync_content_only(
  p_post_id bigint, p_master_before text, p_new_ids bigint[], p_old_rows jsonb,
  p_direction text
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_master text;
  v_count bigint;
  v_plain boolean;
  v_old int;
  v_same_rows boolean;
  v_updated bigint;
  v_sections_before jsonb;
  v_sections_after jsonb;
  v_written boolean;
  v_log_id bigint;
  v_changes jsonb;
BEGIN
  IF section_sync.setting('section_sync.content_fast_path', 'on') = 'off' THEN
    RETURN NULL;
  END IF;
  -- The statement's rows: each one still in the post, at the order it had (so it claims
  -- nothing), and the same set before and after.
  SELECT count(*),
         count(DISTINCT o.id) = count(*)
           AND coalesce(bool_and(s.id IS NOT NULL AND o.post_id = p_post_id
                             AND s.post_id = p_post_id AND s.section_order = o.section_order
                             AND o.id = ANY (p_new_ids)), false),
         count(*) FILTER (WHERE c.changed),
         coalesce(jsonb_agg(section_sync.log_section(o.id, o.section_order, o.section_heading,
                    coalesce(o.section_description, ''), coalesce(o.status, 'draft'))
                  ORDER BY o.section_order) FILTER (WHERE c.changed), '[]'::jsonb),
         coalesce(jsonb_agg(section_sync.log_section(s.id, s.section_order,
                    coalesce(s.section_heading, ''), coalesce(s.section_description, ''),
                    coalesce(s.status, 'draft'))
                  ORDER BY s.section_order) FILTER (WHERE c.changed), '[]'::jsonb)
  INTO v_old, v_same_rows, v_updated, v_sections_before, v_sections_after
  FROM jsonb_to_recordset(p_old_rows) AS o(post_id bigint, id bigint, section_order int,
    section_heading text, section_description text, status text)
  LEFT JOIN {{schema}}.post_section s ON s.id = o.id
  CROSS JOIN LATERAL (SELECT (coalesce(s.section_heading, ''), coalesce(s.section_description, ''),
      coalesce(s.status, 'draft'))
    IS DISTINCT FROM (o.section_heading, coalesce(o.section_description, ''),
      coalesce(o.status, 'draft')) AS changed) c;
  IF NOT v_same_rows OR v_old <> cardinality(p_new_ids) THEN
    RETURN NULL;
  END IF;

  SELECT '[' || string_agg(section_sync.render_section(r.id, r.position, r.heading,
           r.description, r.status), ',' ORDER BY r.position) || ']',
         count(*), bool_and(r.section_order = r.position AND r.heading <> '')
  INTO v_master, v_count, v_plain
  FROM (
    SELECT s.id, s.section_order, coalesce(s.section_heading, '') AS heading,
           coalesce(s.section_description, '') AS description, coalesce(s.status, 'draft') AS status,
           row_number() OVER (ORDER BY s.section_order, s.id)::int AS position
    FROM {{schema}}.post_section s
    WHERE s.post_id = p_post_id
  ) r;
  IF v_count = 0 OR NOT v_plain THEN
    RETURN NULL;
  END IF;

  UPDATE {{schema}}.post_development d
  SET section_headings = v_master
  WHERE d.post_id = p_post_id AND d.section_headings IS DISTINCT FROM v_master;
  v_written := FOUND;
  v_changes := jsonb_build_object('created', 0, 'updated', v_updated, 'moved', 0, 'deleted', 0,
                                  'unchanged', v_count - v_updated);
  IF v_written OR v_updated > 0 THEN
    INSERT INTO section_sync.log (post_id, direction, origin, outcome, changes, before, after)
    VALUES (p_post_id, p_direction, section_sync.setting('section_sync.origin', 'trigger'),
      'applied', v_changes,
      jsonb_build_object('master', p_master_before, 'sections', v_sections_before),
      jsonb_build_object('master', v_master, 'sections', v_sections_after))
    RETURNING id INTO v_log_id;
  END IF;
  RETURN jsonb_build_object(p_post_id::text, jsonb_build_object(
    'changes', v_changes, 'logId', v_log_id, 'masterWritten', v_written));
END $$;

-- Re-renders the masters of the posts one statement (or call) touched, for all of them at
-- once: lock the posts in post_id order (creating a missing post_development row for a post that
-- has rows), then ONE statement that reads the touched posts' rows once, renumbers them to 1..n,
-- renders, writes the masters that differ, and logs one entry per post that changed (the two
-- masters, the touched sections before and after, the counts). Returns {postId: {changes, logId}}.
--
-- Orders: rows in p_claimers (inserted, or whose order or post the statement changed) take the
-- position they were written at (clamped to 1..n; claimers at the same order keep (order, id)
-- order and take the next free places); every other row keeps its relative order and fills the
-- remaining positions. So a direct delete closes its gap, an insert at an occupied order goes
-- there and shifts the rest down, and a row moved from 1 to 3 ends up third.
--
-- The rows before the write (for the log and the counts) are the current rows minus p_new_ids
-- plus p_old_rows (rows as jsonb, at least post_id and the sync columns; whole, host columns
-- included, for rows that may have left the post, which the log keeps whole): what a statement
-- trigger knows from its transition tables. A caller that changed the rows itself (rollback)
-- passes every current id and its own snapshot.
CREATE OR REPLACE FUNCTION section_sync.sync_rows(
  p_posts bigint[],
  p_claimers bigint[],
  p_new_ids bigint[],
  p_old_rows jsonb,
  p_direction text DEFAULT 'to_development',
  p_rollback_of bigint DEFAULT NULL
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_guard text := current_setting('section_sync.applying', true);
  -- The locked posts and their masters before, as arrays: a master kept in jsonb would be
  -- copied and escaped whole (100 KB at 1,000 sections).
  v_locked bigint[];
  v_masters text[];
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
  SELECT coalesce(array_agg(l.post_id ORDER BY l.post_id), '{}'),
         coalesce(array_agg(l.section_headings ORDER BY l.post_id), '{}')
  INTO v_locked, v_masters
  FROM (
    SELECT d.post_id, d.section_headings
    FROM {{schema}}.post_development d
    WHERE d.post_id IN (SELECT unnest(p_posts))
    ORDER BY d.post_id
    FOR UPDATE
  ) l;

  IF p_rollback_of IS NULL AND cardinality(v_locked) = 1 AND cardinality(p_claimers) = 0
     AND cardinality(p_new_ids) > 0 THEN
    v_result := section_sync.sync_content_only(v_locked[1], v_masters[1], p_new_ids, p_old_rows,
                                               p_direction);
  END IF;

  IF v_result IS NULL THEN
    WITH cur AS MATERIALIZED (
      SELECT s.id, s.post_id, s.section_order, coalesce(s.section_heading, '') AS section_heading,
             coalesce(s.section_description, '') AS description, coalesce(s.status, 'draft') AS status,
             s.id IN (SELECT unnest(p_claimers)) AS claims,
             s.id IN (SELECT unnest(p_new_ids)) AS is_new
      FROM {{schema}}.post_section s
      WHERE s.post_id IN (SELECT unnest(p_posts))
        AND s.post_id = ANY (v_locked)
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
    -- An empty heading (a plain-SQL writer's; the rules trigger trimmed a blank one to empty) is
    -- named after its position, as an empty heading in a master is.
    after AS MATERIALIZED (
      SELECT x.id, x.post_id, x.section_order,
             CASE WHEN x.section_heading = '' THEN 'Section ' || x.position
               ELSE x.section_heading END AS section_heading,
             x.description, x.status, x.position,
             x.position IS DISTINCT FROM x.section_order AS renumbered,
             x.section_heading = '' AS named
      FROM (
        SELECT t.id, t.post_id, t.section_order, t.section_heading, t.description, t.status,
               row_number() OVER (PARTITION BY t.post_id
                 ORDER BY CASE WHEN t.claims THEN t.slot ELSE t.k END, t.claims, t.k)::int
                 AS position
        FROM slotted t
      ) x
    ),
    renumber AS (
      UPDATE {{schema}}.post_section s
      SET section_order = a.position, section_heading = a.section_heading, updated_at = now()
      FROM after a
      WHERE s.id = a.id AND (a.renumbered OR a.named)
    ),
    -- A row of the statement's OLD table keeps its whole image: logged if it turns out deleted.
    before AS MATERIALIZED (
      SELECT c.post_id, c.id, c.section_order, c.section_heading, c.description, c.status,
             NULL::jsonb AS row
      FROM cur c
      WHERE NOT c.is_new
      UNION ALL
      SELECT r.post_id, r.id, r.section_order, r.section_heading,
             coalesce(r.section_description, ''), coalesce(r.status, 'draft'), o.row
      FROM jsonb_array_elements(coalesce(p_old_rows, '[]'::jsonb)) AS o(row)
      CROSS JOIN LATERAL jsonb_to_record(o.row) AS r(post_id bigint, id bigint, section_order int,
        section_heading text, section_description text, status text)
      WHERE r.post_id = ANY (v_locked)
    ),
    -- render() of the rows, built as text (a jsonb of the items first costs three times more).
    after_agg AS (
      SELECT a.post_id,
             '[' || string_agg(section_sync.render_section(a.id, a.position, a.section_heading,
               a.description, a.status), ',' ORDER BY a.position) || ']' AS master
      FROM after a
      GROUP BY a.post_id
    ),
    posts AS MATERIALIZED (
      SELECT p.post_id, p.master_before, coalesce(a.master, '[]') AS master_after
      FROM unnest(v_locked, v_masters) AS p(post_id, master_before)
      LEFT JOIN after_agg a USING (post_id)
    ),
    -- Section by section, matched by id within the post.
    pairs AS (
      SELECT coalesce(a.post_id, b.post_id) AS post_id,
             a.id AS aid, a.position AS aord, b.id AS bid, b.section_order AS bord,
             a.id IS NOT NULL AND b.id IS NOT NULL
               AND (a.section_heading, a.description, a.status)
                   IS DISTINCT FROM (b.section_heading, b.description, b.status) AS content_changed,
             a.section_heading AS heading, a.description, a.status,
             b.row AS deleted_row, b.section_heading AS heading_before,
             b.description AS description_before, b.status AS status_before,
             m.post_id AS moved_from
      FROM after a
      FULL JOIN before b ON a.id = b.id AND a.post_id = b.post_id
      -- A row the statement moved here from another post: its log image says from where, so a
      -- rollback of this post never deletes it (see rollback).
      LEFT JOIN before m ON m.id = a.id AND m.post_id <> a.post_id
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
             -- The compact log: only touched sections, before and after.
             coalesce(jsonb_agg(CASE WHEN x.aid IS NULL THEN x.deleted_row
                 ELSE section_sync.log_section(x.bid, x.bord, x.heading_before,
                                               x.description_before, x.status_before) END
               ORDER BY x.bord)
               FILTER (WHERE x.bid IS NOT NULL AND (x.aid IS NULL OR x.content_changed
                 OR x.aord IS DISTINCT FROM x.bord)), '[]'::jsonb) AS sections_before,
             coalesce(jsonb_agg(section_sync.log_section(x.aid, x.aord, x.heading, x.description,
                                                         x.status)
                   || CASE WHEN x.moved_from IS NULL THEN '{}'::jsonb
                        ELSE jsonb_build_object('moved_from', x.moved_from) END ORDER BY x.aord)
               FILTER (WHERE x.aid IS NOT NULL AND (x.bid IS NULL OR x.content_changed
                 OR x.aord IS DISTINCT FROM x.bord)), '[]'::jsonb) AS sections_after
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
      INSERT INTO section_sync.log
        (post_id, direction, origin, outcome, changes, before, after, rollback_of)
      SELECT p.post_id, p_direction, section_sync.setting('section_sync.origin', 'trigger'),
        'applied', c.changes,
        jsonb_build_object('master', p.master_before, 'sections', x.sections_before),
        jsonb_build_object('master', p.master_after, 'sections', x.sections_after),
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
  END IF;

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

-- One statement can run several writes on post_section (a writable CTE that deletes one row and
-- updates another, INSERT ... ON CONFLICT DO UPDATE): their AFTER STATEMENT triggers fire one
-- after the other once all of them have written, so the first would see rows the others wrote
-- but not their transition tables, and log changes that do not match its masters. So a BEFORE
-- STATEMENT trigger counts the writes of the statement (section_sync.pending_writes), and each
-- AFTER STATEMENT trigger but the last stashes its transition data (section_sync.pending_rows);
-- the last syncs them all at once: one log entry per post and statement, whose before is the
-- rows as they were before the statement. Both settings are transaction-local, so an error
-- (or a rolled-back subtransaction) resets them with the writes they counted.
CREATE OR REPLACE FUNCTION section_sync.on_rows_statement()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('section_sync.pending_writes',
    (coalesce(nullif(current_setting('section_sync.pending_writes', true), ''), '0')::int + 1)::text,
    true);
  RETURN NULL;
END $$;

-- What an AFTER STATEMENT trigger hands over (see sync_rows for the arguments): stashed while
-- other writes of the statement are still to report, else synced with what they stashed. A
-- statement that adds sections past the limit (max_sections) is refused with the parser's
-- SS001 too_many_sections, as a master with that many sections would be.
CREATE OR REPLACE FUNCTION section_sync.rows_changed(
  p_posts bigint[], p_claimers bigint[], p_new_ids bigint[], p_old_rows jsonb
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_pending int := coalesce(nullif(current_setting('section_sync.pending_writes', true), ''),
                            '1')::int - 1;
  v_stash jsonb := nullif(current_setting('section_sync.pending_rows', true), '')::jsonb;
  v_posts bigint[] := p_posts;
  v_claimers bigint[] := p_claimers;
  v_new_ids bigint[] := p_new_ids;
  v_old_rows jsonb := p_old_rows;
  v_result jsonb;
  v_limit int;
  v_over record;
BEGIN
  PERFORM set_config('section_sync.pending_writes', greatest(v_pending, 0)::text, true);
  IF v_stash IS NOT NULL THEN
    v_posts := v_posts || ARRAY(SELECT jsonb_array_elements_text(v_stash->'posts')::bigint);
    v_claimers := v_claimers
      || ARRAY(SELECT jsonb_array_elements_text(v_stash->'claimers')::bigint);
    v_new_ids := v_new_ids || ARRAY(SELECT jsonb_array_elements_text(v_stash->'new_ids')::bigint);
    v_old_rows := coalesce(v_old_rows, '[]'::jsonb) || coalesce(v_stash->'old_rows', '[]'::jsonb);
  END IF;
  IF v_pending > 0 THEN
    PERFORM set_config('section_sync.pending_rows', jsonb_build_object(
      'posts', to_jsonb(v_posts), 'claimers', to_jsonb(v_claimers),
      'new_ids', to_jsonb(v_new_ids), 'old_rows', v_old_rows)::text, true);
    RETURN;
  END IF;
  IF v_stash IS NOT NULL THEN
    PERFORM set_config('section_sync.pending_rows', '', true);
  END IF;
  IF cardinality(v_posts) = 0 THEN
    RETURN;
  END IF;
  v_result := section_sync.sync_rows(ARRAY(SELECT DISTINCT p FROM unnest(v_posts) p ORDER BY 1),
                                     v_claimers, v_new_ids, v_old_rows);
  v_limit := section_sync.limit_value(NULL, 'maxSections', 'section_sync.max_sections', 500);
  SELECT r.key AS post_id, c.total INTO v_over
  FROM jsonb_each(v_result) r
  CROSS JOIN LATERAL (SELECT (r.value->'changes'->>'created')::int AS created,
    (r.value->'changes'->>'created')::int + (r.value->'changes'->>'updated')::int
      + (r.value->'changes'->>'moved')::int + (r.value->'changes'->>'unchanged')::int AS total) c
  WHERE c.created > 0 AND c.total > v_limit
  ORDER BY r.key::bigint
  LIMIT 1;
  IF FOUND THEN
    PERFORM section_sync.raise_format_error('too_many_sections',
      format('Too many sections: %s, the limit is %s (post %s)', v_over.total, v_limit,
             v_over.post_id),
      p_index => v_limit);
  END IF;
END $$;

-- The three AFTER STATEMENT triggers: each hands its transition tables to rows_changed.
CREATE OR REPLACE FUNCTION section_sync.on_rows_insert()
RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_ids bigint[];
BEGIN
  IF current_setting('section_sync.applying', true) = 'on' THEN
    RETURN NULL;
  END IF;
  v_ids := ARRAY(SELECT n.id FROM section_sync_new n);
  PERFORM section_sync.rows_changed(
    ARRAY(SELECT DISTINCT n.post_id FROM section_sync_new n ORDER BY 1), v_ids, v_ids, NULL);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION section_sync.on_rows_delete()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('section_sync.applying', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM section_sync.rows_changed(
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
    PERFORM section_sync.rows_changed('{}', '{}', '{}', NULL);
    RETURN NULL;
  END IF;
  PERFORM section_sync.rows_changed(
    ARRAY(SELECT n.post_id FROM section_sync_new n UNION SELECT o.post_id FROM section_sync_old o
          ORDER BY 1),
    -- Rows whose order (or post) this statement wrote claim that position.
    ARRAY(SELECT n.id FROM section_sync_new n LEFT JOIN section_sync_old o ON o.id = n.id
          WHERE o.id IS NULL OR o.section_order IS DISTINCT FROM n.section_order
             OR o.post_id IS DISTINCT FROM n.post_id),
    ARRAY(SELECT n.id FROM section_sync_new n),
    -- Only a row that left its post can end up logged as deleted: only it is copied whole.
    (SELECT jsonb_agg(CASE WHEN n.post_id IS DISTINCT FROM o.post_id THEN to_jsonb(o)
              ELSE section_sync.log_section(o.id, o.section_order, o.section_heading,
                     o.section_description, o.status) || jsonb_build_object('post_id', o.post_id)
              END)
     FROM section_sync_old o LEFT JOIN section_sync_new n ON n.id = o.id));
  RETURN NULL;
END $$;

-- ---- the functions the store calls ----------------------------------------------------------

-- master -> rows for one post, as the API asks for it: {"changes": {...}, "logId": n | null}.
--   SELECT section_sync.sync_to_sections(7);
CREATE OR REPLACE FUNCTION section_sync.sync_to_sections(p_post_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_master text := section_sync.lock_post_master(p_post_id);
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
  PERFORM section_sync.lock_post_master(p_post_id);
  v_result := section_sync.sync_rows(ARRAY[p_post_id], '{}', '{}', NULL)->(p_post_id::text);
  RETURN section_sync.finish(p_post_id, v_result->'changes', (v_result->>'logId')::bigint);
END $$;

-- SS404 for a log entry this post does not have; DETAIL says whether retention pruned it (its id
-- is at or below the post's pruned-up-to mark) rather than it never existing.
CREATE OR REPLACE FUNCTION section_sync.raise_log_entry_not_found(p_post_id bigint, p_entry_id bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_pruned boolean := EXISTS (
    SELECT 1 FROM section_sync.log_pruned m
    WHERE m.post_id = p_post_id AND m.up_to >= p_entry_id);
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'SS404',
    MESSAGE = CASE WHEN v_pruned
      THEN format('Sync log entry %s of post %s was pruned by the retention policy', p_entry_id, p_post_id)
      ELSE format('Sync log entry %s does not exist', p_entry_id) END,
    DETAIL = jsonb_build_object('entity', 'log_entry', 'postId', p_post_id,
                                'entryId', p_entry_id, 'pruned', v_pruned)::text;
END $$;

-- The post's sections as they were before log entry p_entry_id, as jsonb rows. Entries are
-- compact (only the sections each sync touched), so: a section no entry from p_entry_id on
-- touched is as it is now; a touched one is as the first of those entries found it (absent if
-- that entry created it). A section that is gone now comes back whole: its sync columns from
-- that first image, its host columns from the last whole row logged when it was deleted.
-- Exact as long as every change went through the log (not after TRUNCATE or writes with the
-- triggers off).
CREATE OR REPLACE FUNCTION section_sync.sections_before(p_post_id bigint, p_entry_id bigint)
RETURNS jsonb LANGUAGE sql STABLE AS $$
  WITH later AS (
    SELECT l.id, l.before, l.after
    FROM section_sync.log l
    WHERE l.post_id = p_post_id AND l.id >= p_entry_id
  ),
  images AS (
    SELECT (r->>'id')::bigint AS id, l.id AS log_id, 0 AS side, r AS image
    FROM later l, jsonb_array_elements(coalesce(l.before->'sections', '[]')) r
    UNION ALL
    SELECT (r->>'id')::bigint, l.id, 1, NULL::jsonb
    FROM later l, jsonb_array_elements(coalesce(l.after->'sections', '[]')) r
  ),
  first_image AS (
    SELECT DISTINCT ON (i.id) i.id, i.image FROM images i ORDER BY i.id, i.log_id, i.side
  ),
  last_whole AS (
    SELECT DISTINCT ON (i.id) i.id, i.image FROM images i
    WHERE i.side = 0 ORDER BY i.id, i.log_id DESC
  )
  SELECT coalesce(jsonb_agg(t.row ORDER BY (t.row->>'section_order')::int, t.id), '[]'::jsonb)
  FROM (
    SELECT s.id, section_sync.log_section(s.id, s.section_order, s.section_heading,
                                          s.section_description, s.status) AS row
    FROM {{schema}}.post_section s
    WHERE s.post_id = p_post_id AND NOT EXISTS (SELECT 1 FROM first_image f WHERE f.id = s.id)
    UNION ALL
    SELECT f.id, CASE
        WHEN EXISTS (SELECT 1 FROM {{schema}}.post_section s WHERE s.id = f.id) THEN f.image
        ELSE coalesce(w.image, '{}'::jsonb) || f.image
             || jsonb_build_object('post_id', p_post_id) END
    FROM first_image f
    LEFT JOIN last_whole w ON w.id = f.id
    WHERE f.image IS NOT NULL
  ) t
$$;

-- Restores the post as it was before a log entry, as a new logged sync (direction 'rollback'):
-- that entry and every later one of the post are undone (see sections_before). Sections still
-- there get their order, heading, description and status back (host columns stay as they are);
-- sections deleted since come back with their id and host columns; sections created since are
-- deleted; the master is re-rendered. SS404 unknown (or pruned) entry; SS400 an entry of another
-- post. A rollback never takes a section from another post: SS400 with DETAIL code
-- rollback_conflict (an HTTP 409) names the sections, when one to bring back now belongs to
-- another post, or one to delete was moved here from another post (deleting it would lose it).
--   SELECT section_sync.rollback(7, 42);
CREATE OR REPLACE FUNCTION section_sync.rollback(p_post_id bigint, p_entry_id bigint)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_entry_post bigint;
  v_target jsonb;
  v_before jsonb;
  v_operations jsonb;
  v_restore jsonb;
  v_taken text;
  v_conflicts jsonb;
  v_result jsonb;
BEGIN
  PERFORM section_sync.lock_post_master(p_post_id);
  SELECT l.post_id INTO v_entry_post FROM section_sync.log l WHERE l.id = p_entry_id;
  IF NOT FOUND THEN
    PERFORM section_sync.raise_log_entry_not_found(p_post_id, p_entry_id);
  END IF;
  IF v_entry_post <> p_post_id THEN
    RAISE EXCEPTION USING ERRCODE = 'SS400',
      MESSAGE = format('Sync log entry %s belongs to post %s, not to post %s',
                       p_entry_id, v_entry_post, p_post_id);
  END IF;
  v_target := section_sync.sections_before(p_post_id, p_entry_id);
  v_before := section_sync.snapshot_rows(p_post_id);

  SELECT string_agg(format('section %s now belongs to post %s', s.id, s.post_id), '; '
                    ORDER BY s.id),
         jsonb_agg(jsonb_build_object('sectionId', s.id::text, 'postId', s.post_id) ORDER BY s.id)
  INTO v_taken, v_conflicts
  FROM {{schema}}.post_section s
  JOIN jsonb_array_elements(v_target) t ON (t->>'id')::bigint = s.id
  WHERE s.post_id <> p_post_id;
  IF v_taken IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'SS400',
      MESSAGE = format('Cannot roll back entry %s of post %s: %s (move it back first)',
                       p_entry_id, p_post_id, v_taken),
      DETAIL = jsonb_build_object('code', 'rollback_conflict', 'sections', v_conflicts)::text;
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
    coalesce(jsonb_agg(t.r ORDER BY t.ord) FILTER (WHERE c.id IS NULL), '[]'::jsonb)
  INTO v_operations, v_restore
  FROM t FULL JOIN c ON t.id = c.id;

  -- A section to delete that an entry from p_entry_id on moved here from another post.
  SELECT string_agg(format('section %s was moved here from post %s', m.id, m.from_post), '; '
                    ORDER BY m.id),
         jsonb_agg(jsonb_build_object('sectionId', m.id::text, 'movedFrom', m.from_post) ORDER BY m.id)
  INTO v_taken, v_conflicts
  FROM (
    SELECT DISTINCT ON ((r->>'id')::bigint) (r->>'id')::bigint AS id,
           (r->>'moved_from')::bigint AS from_post
    FROM section_sync.log l, jsonb_array_elements(l.after->'sections') r
    WHERE l.post_id = p_post_id AND l.id >= p_entry_id AND r ? 'moved_from'
    ORDER BY (r->>'id')::bigint, l.id
  ) m
  WHERE m.id IN (SELECT (o->>'id')::bigint FROM jsonb_array_elements(v_operations) o
                 WHERE o->>'type' = 'delete');
  IF v_taken IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'SS400',
      MESSAGE = format('Cannot roll back entry %s of post %s: it would delete %s (move it back first)',
                       p_entry_id, p_post_id, v_taken),
      DETAIL = jsonb_build_object('code', 'rollback_conflict', 'sections', v_conflicts)::text;
  END IF;

  PERFORM section_sync.apply_operations(p_post_id, v_operations, v_restore);
  -- Every current row replaces a row of v_before: the log's "before" is exactly v_before.
  v_result := section_sync.sync_rows(ARRAY[p_post_id], '{}',
    ARRAY(SELECT s.id FROM {{schema}}.post_section s WHERE s.post_id = p_post_id), v_before,
    'rollback', p_entry_id)->(p_post_id::text);
  RETURN section_sync.finish(p_post_id, v_result->'changes', (v_result->>'logId')::bigint);
END $$;

-- ---- the triggers ---------------------------------------------------------------------------

DROP TRIGGER IF EXISTS section_sync_version ON {{schema}}.post_development;
CREATE TRIGGER section_sync_version
  BEFORE UPDATE ON {{schema}}.post_development
  FOR EACH ROW
  WHEN (OLD.section_headings IS DISTINCT FROM NEW.section_headings
        OR OLD.section_sync_version IS DISTINCT FROM NEW.section_sync_version)
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

-- Rows side, before the write: the post's lock (once per post and transaction, see
-- section_sync.locked_posts; our own writes skip it: they hold the lock), then the master
-- side's rules for rows that do not already parse back, then the count of the statement's
-- writes.
DROP TRIGGER IF EXISTS section_sync_lock_insert ON {{schema}}.post_section;
CREATE TRIGGER section_sync_lock_insert
  BEFORE INSERT ON {{schema}}.post_section
  FOR EACH ROW
  WHEN (current_setting('section_sync.applying', true) IS DISTINCT FROM 'on'
        AND NOT section_sync.is_locked(NEW.post_id))
  EXECUTE FUNCTION section_sync.on_row_lock();

DROP TRIGGER IF EXISTS section_sync_lock_update ON {{schema}}.post_section;
CREATE TRIGGER section_sync_lock_update
  BEFORE UPDATE ON {{schema}}.post_section
  FOR EACH ROW
  WHEN (current_setting('section_sync.applying', true) IS DISTINCT FROM 'on'
        AND NOT (section_sync.is_locked(NEW.post_id) AND section_sync.is_locked(OLD.post_id)))
  EXECUTE FUNCTION section_sync.on_row_lock();

DROP TRIGGER IF EXISTS section_sync_lock_delete ON {{schema}}.post_section;
CREATE TRIGGER section_sync_lock_delete
  BEFORE DELETE ON {{schema}}.post_section
  FOR EACH ROW
  WHEN (current_setting('section_sync.applying', true) IS DISTINCT FROM 'on'
        AND NOT section_sync.is_locked(OLD.post_id))
  EXECUTE FUNCTION section_sync.on_row_lock();

DROP TRIGGER IF EXISTS section_sync_row_rules ON {{schema}}.post_section;
CREATE TRIGGER section_sync_row_rules
  BEFORE INSERT OR UPDATE OF section_heading, section_description, status
  ON {{schema}}.post_section
  FOR EACH ROW
  WHEN (current_setting('section_sync.applying', true) IS DISTINCT FROM 'on'
        AND NOT coalesce(section_sync.fields_parse_back(
          NEW.section_heading, NEW.section_description, NEW.status), false))
  EXECUTE FUNCTION section_sync.on_row_rules();

DROP TRIGGER IF EXISTS section_sync_rows_statement ON {{schema}}.post_section;
CREATE TRIGGER section_sync_rows_statement
  BEFORE INSERT OR UPDATE OR DELETE ON {{schema}}.post_section
  FOR EACH STATEMENT
  WHEN (current_setting('section_sync.applying', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION section_sync.on_rows_statement();

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

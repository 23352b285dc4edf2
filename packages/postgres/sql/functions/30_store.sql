-- Repeatable (re-applied by migrate whenever a function file changes): the store's set-based SQL. Every API write is one call of section_sync.store_write
-- (settings, per-post lock, version check, the write, read-back: one round trip); the
-- consistency check, bulk sync and the sync log reader are one statement each. The functions
-- name the tables with {{schema}}, so the TypeScript store never needs to know the schema.
--
-- Errors raised here (besides SS001 from parse and the triggers):
--   SS404 post / section / log entry not found; DETAIL {"entity": "post" | "section" | "log_entry", ...}
--   SS409 version conflict; DETAIL {"expected": n, "actual": n}
--   SS400 an operation that cannot apply; DETAIL {"code": "invalid_position", position, max} or
--         {"code": "invalid_reorder", duplicated?, missing?, foreign?} (arrays of section ids)

-- ---- reading ------------------------------------------------------------------------------

-- A post's sections in order, as the wire shows them (updatedAt in UTC, ISO 8601, or null when
-- the row has no time; ids as decimal strings, which JavaScript reads without rounding). A
-- host's updated_at may be timestamp without time zone: the cast reads it in the session's
-- zone, the one now() wrote it in, so it comes out as the same instant.
-- Built as json, not jsonb: the answer goes straight out as text, and jsonb_agg plus its output
-- took twice as long (712 against 342 µs for 100 sections). PL/pgSQL, not SQL: a SQL function
-- whose body cannot be inlined is planned again on every call, a PL/pgSQL one keeps its plan
-- for the session (store_read 509 against 255 µs). They returned jsonb before, and CREATE OR
-- REPLACE cannot change a return type: dropped first.
DROP FUNCTION IF EXISTS section_sync.store_read(bigint);
DROP FUNCTION IF EXISTS section_sync.store_sections(bigint);
CREATE FUNCTION section_sync.store_sections(p_post_id bigint)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT coalesce(json_agg(json_build_object(
        'id', s.id::text,
        'order', s.section_order,
        'heading', coalesce(s.section_heading, ''),
        'description', coalesce(s.section_description, ''),
        'status', coalesce(s.status, 'draft'),
        'updatedAt', to_char(s.updated_at::timestamptz AT TIME ZONE 'UTC',
                             'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      ) ORDER BY s.section_order, s.id), '[]'::json)
    FROM {{schema}}.post_section s
    WHERE s.post_id = p_post_id);
END $$;

-- {postId, version, master, sections}, or NULL when the post has no post_development row.
CREATE FUNCTION section_sync.store_read(p_post_id bigint)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT json_build_object(
      'postId', d.post_id,
      'version', d.section_sync_version,
      'master', d.section_headings,
      'sections', section_sync.store_sections(d.post_id))
    FROM {{schema}}.post_development d
    WHERE d.post_id = p_post_id);
END $$;

-- ---- the parts of a write -----------------------------------------------------------------

-- Sets the caller's section_sync.* settings (origin, limits) for the rest of the transaction.
CREATE OR REPLACE FUNCTION section_sync.store_apply_settings(p_settings jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_key text;
  v_value text;
BEGIN
  FOR v_key, v_value IN SELECT key, value FROM jsonb_each_text(coalesce(p_settings, '{}')) LOOP
    IF v_key NOT IN ('origin', 'on_invalid', 'max_sections', 'max_heading_length',
                     'max_description_length', 'max_status_length') THEN
      RAISE EXCEPTION 'unknown section_sync setting %', v_key;
    END IF;
    PERFORM set_config('section_sync.' || v_key, v_value, true);
  END LOOP;
END $$;

-- Applies the caller's transaction-local settings (origin, limits), takes the per-post lock
-- (the lock the triggers take) and checks the expected version. Returns the version.
CREATE OR REPLACE FUNCTION section_sync.store_begin(
  p_post_id bigint, p_expected_version bigint, p_settings jsonb
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_version bigint;
BEGIN
  PERFORM section_sync.store_apply_settings(p_settings);

  -- Held from here on: the row triggers of this write's statements need not take it again.
  v_version := (section_sync.lock_post_row(p_post_id)).section_sync_version;
  IF p_expected_version IS NOT NULL AND p_expected_version <> v_version THEN
    RAISE EXCEPTION USING ERRCODE = 'SS409',
      MESSAGE = format('Post %s is at version %s, not %s', p_post_id, v_version, p_expected_version),
      DETAIL = jsonb_build_object('expected', p_expected_version, 'actual', v_version)::text;
  END IF;
  -- What the triggers of this write's statements report, and nothing older.
  PERFORM set_config('section_sync.last_result', '', true);
  RETURN v_version;
END $$;

-- What the triggers of the last statement did ({changes, logId}), or NULL when no sync ran.
CREATE OR REPLACE FUNCTION section_sync.store_take_result()
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_text text := nullif(current_setting('section_sync.last_result', true), '');
BEGIN
  PERFORM set_config('section_sync.last_result', '', true);
  RETURN v_text::jsonb;
END $$;

-- Adds up the results of two syncs of one write. created/updated/moved/deleted add up;
-- `unchanged` is the smaller of the two (sections neither step touched, when one step is a no-op).
CREATE OR REPLACE FUNCTION section_sync.store_add_results(a jsonb, b jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN a IS NULL THEN b
    WHEN b IS NULL THEN a
    ELSE jsonb_build_object(
      'changes', jsonb_build_object(
        'created', (a->'changes'->>'created')::int + (b->'changes'->>'created')::int,
        'updated', (a->'changes'->>'updated')::int + (b->'changes'->>'updated')::int,
        'moved', (a->'changes'->>'moved')::int + (b->'changes'->>'moved')::int,
        'deleted', (a->'changes'->>'deleted')::int + (b->'changes'->>'deleted')::int,
        'unchanged', least((a->'changes'->>'unchanged')::int, (b->'changes'->>'unchanged')::int)),
      'logId', coalesce(nullif(b->'logId', 'null'), a->'logId'))
  END
$$;

-- The answer of a write: {postId, version, changes, logId, sectionId, sections} as json (see
-- store_sections; store_write returns it, so it changed from jsonb with them). A write that ran
-- no sync reports every section unchanged. The version is the one the sync functions bumped; should a
-- change have left it where it was, it is bumped here, so a changed post never keeps its version.
DROP FUNCTION IF EXISTS section_sync.store_write(bigint, text, jsonb, bigint, jsonb);
DROP FUNCTION IF EXISTS section_sync.store_outcome(bigint, bigint, jsonb);
CREATE FUNCTION section_sync.store_outcome(
  p_post_id bigint, p_version_before bigint, p_result jsonb
) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  v_sections json := section_sync.store_sections(p_post_id);
  v_changes jsonb := coalesce(p_result->'changes', jsonb_build_object(
    'created', 0, 'updated', 0, 'moved', 0, 'deleted', 0,
    'unchanged', json_array_length(v_sections)));
  v_changed boolean := (v_changes->>'created')::int + (v_changes->>'updated')::int
    + (v_changes->>'moved')::int + (v_changes->>'deleted')::int > 0;
  v_version bigint;
BEGIN
  SELECT d.section_sync_version INTO v_version
  FROM {{schema}}.post_development d WHERE d.post_id = p_post_id;
  IF v_changed AND v_version = p_version_before THEN
    UPDATE {{schema}}.post_development d
    SET section_sync_version = d.section_sync_version + 1
    WHERE d.post_id = p_post_id
    RETURNING d.section_sync_version INTO v_version;
  END IF;
  RETURN json_build_object(
    'postId', p_post_id,
    'version', v_version,
    'changes', v_changes,
    'logId', p_result->'logId',
    'sectionId', p_result->'sectionId',
    'sections', v_sections);
END $$;

-- Validates and normalises the fields of one API-written section with the parser's own rules
-- and limits (a one-item JSON master), so no rule is written twice. Returns the parsed item:
-- heading trimmed, description verbatim, status trimmed (absent when empty). A NULL heading is
-- not validated (patches without one). An empty heading becomes `Section <p_order>`, as an empty
-- heading at that position of a master would.
CREATE OR REPLACE FUNCTION section_sync.store_section_item(
  p_heading text, p_description text, p_status text, p_order int
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_item jsonb := section_sync.parse_section_fields(
    coalesce(p_heading, 'x'), p_description, p_status, 'The section');
BEGIN
  IF p_heading IS NULL THEN
    RETURN v_item - 'heading';
  END IF;
  -- parse named it after its position in the one-item list ('Section 1').
  IF btrim(p_heading, section_sync.trimmable()) = '' THEN
    v_item := jsonb_set(v_item, '{heading}', to_jsonb('Section ' || p_order));
  END IF;
  RETURN v_item;
END $$;

-- '3, 4' from the JSON array [3, 4], for messages.
CREATE OR REPLACE FUNCTION section_sync.store_id_list(p_ids jsonb)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(e, ', ') FROM jsonb_array_elements_text(p_ids) e
$$;

CREATE OR REPLACE FUNCTION section_sync.store_raise_section_not_found(
  p_post_id bigint, p_section_id bigint
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'SS404',
    MESSAGE = format('Section %s does not exist in post %s', p_section_id, p_post_id),
    DETAIL = jsonb_build_object('entity', 'section', 'postId', p_post_id,
                                'sectionId', p_section_id::text)::text;
END $$;

-- ---- the writes (called by store_write with the lock held) --------------------------------

-- Whether parse() of a row's canonical rendering gives the row back unchanged: rules 6-8
-- already hold (heading trimmed and non-empty, status trimmed and non-empty or NULL, no control
-- characters, within the limits; every bigint id parses back exactly). Inlined into the
-- queries that use it.
CREATE OR REPLACE FUNCTION section_sync.row_parses_back(
  p_id bigint, p_heading text, p_description text, p_status text
) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
RETURN section_sync.fields_parse_back(p_heading, p_description, p_status);

-- row_parses_back for a row whose rendering holds no backslash and whose post's rendering
-- holds no U+007F-U+009F: JSON escapes every other control character (\n, \t, \u0007, ...), so
-- such a row holds none, and the only white space its heading or status can start or end with
-- is the space. The regular expressions are left to the rows that need them.
CREATE OR REPLACE FUNCTION section_sync.plain_row_parses_back(
  p_id bigint, p_heading text, p_description text, p_status text,
  p_max_heading int, p_max_description int, p_max_status int
) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN p_heading <> '' AND p_heading NOT LIKE ' %' AND p_heading NOT LIKE '% '
  AND length(p_heading) <= p_max_heading
  AND (p_status IS NULL OR (p_status <> '' AND p_status NOT LIKE ' %' AND p_status NOT LIKE '% '
    AND length(p_status) <= p_max_status))
  AND (p_description IS NULL OR length(p_description) <= p_max_description);

-- The sections of many posts as the in-sync test needs them: per post, the canonical rendering
-- of its rows, their number, and whether every row parses back at its position 1..n. Rows
-- without a backslash in their rendering take the cheap test (plain_row_parses_back), the
-- others the whole of row_parses_back.
CREATE OR REPLACE FUNCTION section_sync.rendered_posts(p_after bigint, p_upto bigint)
RETURNS TABLE (post_id bigint, master text, sections int, parses_back boolean)
LANGUAGE sql STABLE AS $$
  SELECT g.post_id, g.master, g.sections,
         g.plain AND g.escaped AND g.master !~ '[\u007f-\u009f]'
  FROM (
    SELECT r.post_id,
           '[' || string_agg(r.rendered, ',' ORDER BY r.section_order, r.id) || ']' AS master,
           count(*)::int AS sections,
           bool_and(r.section_order = r.position AND section_sync.plain_row_parses_back(r.id,
                    r.section_heading, r.section_description, r.status, l.heading, l.description,
                    l.status)) AS plain,
           coalesce(bool_and(section_sync.row_parses_back(r.id, r.section_heading,
                    r.section_description, r.status))
                    FILTER (WHERE strpos(r.rendered, '\') > 0), true) AS escaped
    FROM (
      SELECT s.id, s.post_id, s.section_order, s.section_heading, s.section_description, s.status,
             section_sync.render_section(s.id, s.section_order, s.section_heading,
               s.section_description, s.status) AS rendered,
             row_number() OVER (PARTITION BY s.post_id ORDER BY s.section_order, s.id) AS position
      FROM {{schema}}.post_section s
      WHERE s.post_id > p_after AND s.post_id <= p_upto
    ) r
    CROSS JOIN (
      SELECT section_sync.limit_value(NULL, 'maxHeadingLength', 'section_sync.max_heading_length',
               1000) AS heading,
             section_sync.limit_value(NULL, 'maxDescriptionLength',
               'section_sync.max_description_length', 10000) AS description,
             section_sync.limit_value(NULL, 'maxStatusLength', 'section_sync.max_status_length',
               100) AS status
    ) l
    GROUP BY r.post_id
  ) g
$$;

-- Whether a post with this master and these rendered rows (NULLs: no rows) needs no sync in any
-- direction: its master is the canonical rendering of its rows, which parse back unchanged, so
-- the plan would be empty, a re-render would write the same text, and the consistency check
-- would find nothing. The SQL port of TypeScript `isInSync`, without parsing; a differential
-- test holds the two equal on random rows.
CREATE OR REPLACE FUNCTION section_sync.master_in_sync(
  p_master text, p_rendered text, p_sections int, p_parses_back boolean
) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN p_sections IS NULL THEN p_master = '[]'
  ELSE p_master = p_rendered AND p_parses_back AND p_sections <= section_sync.limit_value(NULL,
    'maxSections', 'section_sync.max_sections', 500) END;

-- The number of sections of one post that needs no sync (see master_in_sync), else NULL.
-- Bulk sync answers such posts without syncing them.
CREATE OR REPLACE FUNCTION section_sync.in_sync_count(p_post_id bigint, p_master text)
RETURNS int LANGUAGE sql STABLE AS $$
  SELECT coalesce(r.sections, 0)
  FROM (SELECT 1) one
  LEFT JOIN section_sync.rendered_posts(p_post_id - 1, p_post_id) r ON true
  WHERE coalesce(section_sync.master_in_sync(p_master, r.master, r.sections, r.parses_back), false)
$$;

-- `both` syncs master -> sections only when the master holds at least one section (an empty
-- master never clears a post's sections as a side effect), then sections -> master.
CREATE OR REPLACE FUNCTION section_sync.store_sync(p_post_id bigint, p_direction text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_result jsonb;
  v_master text;
BEGIN
  IF p_direction NOT IN ('to_sections', 'to_development', 'both') THEN
    RAISE EXCEPTION USING ERRCODE = 'SS400', MESSAGE = format('Unknown direction %L', p_direction);
  END IF;
  IF p_direction = 'to_sections' THEN
    RETURN section_sync.sync_to_sections(p_post_id);
  END IF;
  IF p_direction = 'both' THEN
    SELECT d.section_headings INTO v_master
    FROM {{schema}}.post_development d WHERE d.post_id = p_post_id;
    IF jsonb_array_length(section_sync.parse_desired(v_master)) > 0 THEN
      v_result := section_sync.sync_to_sections(p_post_id);
    END IF;
  END IF;
  RETURN section_sync.store_add_results(v_result, section_sync.sync_to_master(p_post_id));
END $$;

-- Writes the master (the trigger syncs the sections). Writing the text the master already
-- holds fires no trigger, so the sections are synced to it explicitly: a PUT always leaves the
-- sections equal to the master it sent.
CREATE OR REPLACE FUNCTION section_sync.store_write_master(p_post_id bigint, p_master text)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  UPDATE {{schema}}.post_development d
  SET section_headings = p_master
  WHERE d.post_id = p_post_id AND d.section_headings IS DISTINCT FROM p_master;
  IF NOT FOUND THEN
    RETURN section_sync.sync_to_sections(p_post_id);
  END IF;
  RETURN section_sync.store_take_result();
END $$;

-- One INSERT at the target position: the rows -> master trigger shifts the sections at and
-- after it down and re-renders the master once.
CREATE OR REPLACE FUNCTION section_sync.store_create_section(p_post_id bigint, p_args jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_count int;
  v_position int;
  v_item jsonb;
  v_id bigint;
BEGIN
  SELECT count(*) INTO v_count FROM {{schema}}.post_section s WHERE s.post_id = p_post_id;
  v_position := coalesce((p_args->>'position')::int, v_count + 1);
  IF v_position < 1 OR v_position > v_count + 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'SS400',
      MESSAGE = format('Position %s is out of range: post %s has %s sections, so a new one goes at 1 to %s',
                       v_position, p_post_id, v_count, v_count + 1),
      DETAIL = jsonb_build_object('code', 'invalid_position', 'position', v_position,
                                  'max', v_count + 1)::text;
  END IF;
  v_item := section_sync.store_section_item(
    p_args->>'heading', p_args->>'description', p_args->>'status', v_position);
  INSERT INTO {{schema}}.post_section
    (post_id, section_order, section_heading, section_description, status)
  VALUES (p_post_id, v_position, v_item->>'heading', coalesce(v_item->>'description', ''),
          coalesce(v_item->>'status', 'draft'))
  RETURNING id INTO v_id;
  RETURN coalesce(section_sync.store_take_result(), '{}'::jsonb)
    || jsonb_build_object('sectionId', v_id::text);
END $$;

-- Edits heading / description / status of a section of THIS post; a patch equal to the
-- section writes nothing.
CREATE OR REPLACE FUNCTION section_sync.store_update_section(p_post_id bigint, p_args jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_section_id bigint := (p_args->>'sectionId')::bigint;
  v_row record;
  v_item jsonb;
BEGIN
  SELECT s.section_order, s.section_heading, s.section_description, s.status INTO v_row
  FROM {{schema}}.post_section s
  WHERE s.id = v_section_id AND s.post_id = p_post_id;
  IF NOT FOUND THEN
    PERFORM section_sync.store_raise_section_not_found(p_post_id, v_section_id);
  END IF;
  v_item := section_sync.store_section_item(
    p_args->>'heading', p_args->>'description', p_args->>'status', v_row.section_order);
  UPDATE {{schema}}.post_section s
  SET section_heading = coalesce(v_item->>'heading', v_row.section_heading),
      section_description = coalesce(v_item->>'description', v_row.section_description),
      status = coalesce(v_item->>'status', v_row.status),
      updated_at = now()
  WHERE s.id = v_section_id
    AND (s.section_heading, s.section_description, s.status) IS DISTINCT FROM
        (coalesce(v_item->>'heading', v_row.section_heading),
         coalesce(v_item->>'description', v_row.section_description),
         coalesce(v_item->>'status', v_row.status));
  RETURN section_sync.store_take_result();
END $$;

-- Deletes a section of THIS post; the trigger closes the gap and re-renders the master.
CREATE OR REPLACE FUNCTION section_sync.store_delete_section(p_post_id bigint, p_args jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_section_id bigint := (p_args->>'sectionId')::bigint;
BEGIN
  DELETE FROM {{schema}}.post_section s WHERE s.id = v_section_id AND s.post_id = p_post_id;
  IF NOT FOUND THEN
    PERFORM section_sync.store_raise_section_not_found(p_post_id, v_section_id);
  END IF;
  RETURN section_sync.store_take_result();
END $$;

-- Puts the post's sections in the given order: the ids must be a permutation of the post's
-- section ids (the message names the duplicated, missing and foreign ids). One UPDATE.
CREATE OR REPLACE FUNCTION section_sync.store_reorder_sections(p_post_id bigint, p_args jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_ids bigint[] := ARRAY(SELECT jsonb_array_elements_text(p_args->'sectionIds')::bigint);
  v_duplicated jsonb;
  v_missing jsonb;
  v_foreign jsonb;
BEGIN
  SELECT jsonb_agg(d.id::text ORDER BY d.id) INTO v_duplicated
  FROM (SELECT u.id FROM unnest(v_ids) AS u(id) GROUP BY u.id HAVING count(*) > 1) d;
  SELECT jsonb_agg(s.id::text ORDER BY s.id) INTO v_missing
  FROM {{schema}}.post_section s
  WHERE s.post_id = p_post_id AND s.id <> ALL (v_ids);
  SELECT jsonb_agg(DISTINCT u.id::text) INTO v_foreign
  FROM unnest(v_ids) AS u(id)
  WHERE NOT EXISTS (
    SELECT 1 FROM {{schema}}.post_section s WHERE s.id = u.id AND s.post_id = p_post_id);
  IF v_duplicated IS NOT NULL OR v_missing IS NOT NULL OR v_foreign IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'SS400',
      MESSAGE = format('sectionIds must list every section of post %s exactly once: %s',
        p_post_id, concat_ws('; ',
          'duplicated ' || section_sync.store_id_list(v_duplicated),
          'missing ' || section_sync.store_id_list(v_missing),
          'not sections of this post ' || section_sync.store_id_list(v_foreign))),
      DETAIL = jsonb_strip_nulls(jsonb_build_object('code', 'invalid_reorder',
        'duplicated', v_duplicated, 'missing', v_missing, 'foreign', v_foreign))::text;
  END IF;
  UPDATE {{schema}}.post_section s
  SET section_order = u.position
  FROM unnest(v_ids) WITH ORDINALITY AS u(id, position)
  WHERE s.id = u.id AND s.post_id = p_post_id AND s.section_order <> u.position;
  RETURN section_sync.store_take_result();
END $$;

-- Restores a log entry of THIS post (an entry of another post is not found here).
CREATE OR REPLACE FUNCTION section_sync.store_rollback(p_post_id bigint, p_args jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_entry_id bigint := (p_args->>'entryId')::bigint;
BEGIN
  PERFORM 1 FROM section_sync.log l WHERE l.id = v_entry_id AND l.post_id = p_post_id;
  IF NOT FOUND THEN
    PERFORM section_sync.raise_log_entry_not_found(p_post_id, v_entry_id);
  END IF;
  RETURN section_sync.rollback(p_post_id, v_entry_id);
END $$;

-- One API write in one round trip: settings, lock, version check, the write, the read-back.
-- p_op: sync {direction} | write_master {master} | create_section {heading, description?,
-- status?, position?} | update_section {sectionId, heading?, description?, status?} |
-- delete_section {sectionId} | reorder_sections {sectionIds} | rollback {entryId}.
-- Returns {postId, version, changes, logId, sections} (+ sectionId for create_section).
CREATE FUNCTION section_sync.store_write(
  p_post_id bigint, p_op text, p_args jsonb, p_expected_version bigint, p_settings jsonb
) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  v_version bigint := section_sync.store_begin(p_post_id, p_expected_version, p_settings);
  v_result jsonb;
BEGIN
  v_result := CASE p_op
    WHEN 'sync' THEN section_sync.store_sync(p_post_id, p_args->>'direction')
    WHEN 'write_master' THEN section_sync.store_write_master(p_post_id, p_args->>'master')
    WHEN 'create_section' THEN section_sync.store_create_section(p_post_id, p_args)
    WHEN 'update_section' THEN section_sync.store_update_section(p_post_id, p_args)
    WHEN 'delete_section' THEN section_sync.store_delete_section(p_post_id, p_args)
    WHEN 'reorder_sections' THEN section_sync.store_reorder_sections(p_post_id, p_args)
    WHEN 'rollback' THEN section_sync.store_rollback(p_post_id, p_args)
  END;
  IF v_result IS NULL AND p_op NOT IN ('sync', 'write_master', 'create_section', 'update_section',
      'delete_section', 'reorder_sections', 'rollback') THEN
    RAISE EXCEPTION 'unknown store operation %', p_op;
  END IF;
  RETURN section_sync.store_outcome(p_post_id, v_version, v_result);
END $$;

-- ---- bulk sync ----------------------------------------------------------------------------

-- Syncs many posts in one transaction: all their locks first, in post_id order (the order
-- every multi-post writer uses), then each post in its own subtransaction so one unparsable
-- master fails that post only. A loop over posts, never over sections. Deadlocks and
-- serialization failures are re-raised: the caller retries the whole batch.
-- p_post_ids: a JSON array of post ids. Returns [{postId, status: 'success', version,
-- changes} | {postId, status: 'error', sqlstate, message, detail}] in post_id order.
CREATE OR REPLACE FUNCTION section_sync.store_bulk_sync(
  p_post_ids jsonb, p_direction text, p_settings jsonb
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_post_ids bigint[] := ARRAY(SELECT DISTINCT e::bigint
                               FROM jsonb_array_elements_text(p_post_ids) e ORDER BY 1);
  v_post_id bigint;
  v_version bigint;
  v_outcome json;
  v_in_sync int;
  v_results jsonb := '[]';
  v_state text;
  v_message text;
  v_detail text;
BEGIN
  PERFORM section_sync.store_apply_settings(p_settings);
  PERFORM 1 FROM {{schema}}.post_development d
  WHERE d.post_id = ANY (v_post_ids)
  ORDER BY d.post_id
  FOR UPDATE;

  FOREACH v_post_id IN ARRAY v_post_ids LOOP
    -- Most posts of a bulk sync are usually in sync already (see in_sync_count): one read each.
    SELECT d.section_sync_version, section_sync.in_sync_count(d.post_id, d.section_headings)
    INTO v_version, v_in_sync
    FROM {{schema}}.post_development d
    WHERE d.post_id = v_post_id AND p_direction IN ('to_sections', 'to_development', 'both');
    IF v_in_sync IS NOT NULL THEN
      v_results := v_results || jsonb_build_object(
        'postId', v_post_id, 'status', 'success', 'version', v_version,
        'changes', section_sync.no_changes(v_in_sync));
      CONTINUE;
    END IF;
    BEGIN
      v_version := section_sync.store_begin(v_post_id, NULL, NULL);
      v_outcome := section_sync.store_outcome(
        v_post_id, v_version, section_sync.store_sync(v_post_id, p_direction));
      v_results := v_results || jsonb_build_object(
        'postId', v_post_id, 'status', 'success',
        'version', v_outcome->'version', 'changes', v_outcome->'changes');
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                              v_detail = PG_EXCEPTION_DETAIL;
      IF v_state IN ('40P01', '40001') THEN
        RAISE;
      END IF;
      v_results := v_results || jsonb_build_object(
        'postId', v_post_id, 'status', 'error',
        'sqlstate', v_state, 'message', v_message, 'detail', nullif(v_detail, ''));
    END;
  END LOOP;
  RETURN v_results;
END $$;

-- After the first batch of a bulk sync: when post_section has rows but its statistics were
-- never gathered (or say it is empty), gather them, so the plans of the next batches (and the
-- triggers' cached plans, invalidated by it) stop assuming an empty table: a first sync of
-- 10,000 posts ran at 92 posts/s instead of 410 without it. Returns whether it analysed.
CREATE OR REPLACE FUNCTION section_sync.analyze_first_fill()
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT c.reltuples FROM pg_class c WHERE c.oid = '{{schema}}.post_section'::regclass) > 0
     OR NOT EXISTS (SELECT 1 FROM {{schema}}.post_section) THEN
    RETURN false;
  END IF;
  ANALYZE {{schema}}.post_section;
  RETURN true;
END $$;

-- Every post id (post_development rows), in order: what `bulkSync` without ids syncs.
CREATE OR REPLACE FUNCTION section_sync.store_post_ids()
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(d.post_id ORDER BY d.post_id), '[]'::jsonb)
  FROM {{schema}}.post_development d
$$;

-- ---- consistency check --------------------------------------------------------------------

-- parse() that reports an unparsable master instead of raising: {"items": [...]} or
-- {"error": message}.
CREATE OR REPLACE FUNCTION section_sync.try_parse(p_text text)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN jsonb_build_object('items', section_sync.parse(p_text));
EXCEPTION WHEN SQLSTATE 'SS001' THEN
  RETURN jsonb_build_object('error', SQLERRM);
END $$;

-- The consistency of a post, the long way: the parsed master against the rows, position by position
-- (master item k against the row at section_order k): heading always, description and status
-- where the master gives them, id where the master gives one that the plan would match; a
-- position only one side has is
-- missing_in_master / missing_in_sections (so gaps and duplicate orders show too).
CREATE OR REPLACE FUNCTION section_sync.compare_post_state(
  p_post_id bigint, p_has_row boolean, p_master text
) RETURNS TABLE (
  status text, master_count int, section_count int, differences jsonb
) LANGUAGE sql STABLE AS $$
  WITH parsed AS (
    SELECT CASE WHEN p_has_row THEN section_sync.try_parse(p_master)
                ELSE '{"items": []}'::jsonb END AS p
  ),
  master AS (
    SELECT m.position::int AS position, m.item
    FROM parsed, jsonb_array_elements(coalesce(parsed.p->'items', '[]')) WITH ORDINALITY
      AS m(item, position)
  ),
  sections AS (
    SELECT s.id, s.section_order, s.section_heading,
           coalesce(s.section_description, '') AS description, coalesce(s.status, 'draft') AS status
    FROM {{schema}}.post_section s
    WHERE s.post_id = p_post_id
  ),
  diffs AS (
    SELECT d.*
    FROM master m
    FULL JOIN sections s ON s.section_order = m.position
    CROSS JOIN LATERAL (VALUES
      (1, 'missing_in_master', NULL::jsonb, to_jsonb(s.section_heading),
        m.item IS NULL),
      (2, 'missing_in_sections', m.item->'heading', NULL::jsonb,
        s.id IS NULL),
      -- As the plan reads ids: only the first item naming a section of this post claims it;
      -- any other id (a deleted section, another post's) was ignored by the sync, so is no
      -- difference.
      (3, 'id', m.item->'id', to_jsonb(s.id::text),
        m.item ? 'id' AND s.id IS NOT NULL AND (m.item->>'id')::bigint <> s.id
        AND EXISTS (SELECT 1 FROM sections x WHERE x.id = (m.item->>'id')::bigint)
        AND NOT EXISTS (SELECT 1 FROM master e
                        WHERE e.position < m.position AND e.item->'id' = m.item->'id')),
      (4, 'heading', m.item->'heading', to_jsonb(s.section_heading),
        m.item IS NOT NULL AND s.id IS NOT NULL
        AND m.item->>'heading' IS DISTINCT FROM s.section_heading),
      (5, 'description', m.item->'description', to_jsonb(s.description),
        m.item ? 'description' AND s.id IS NOT NULL AND m.item->>'description' <> s.description),
      (6, 'status', m.item->'status', to_jsonb(s.status),
        m.item ? 'status' AND s.id IS NOT NULL AND m.item->>'status' <> s.status)
    ) AS v(rank, field, master_value, section_value, differs)
    CROSS JOIN LATERAL (SELECT coalesce(m.position, s.section_order) AS position, v.rank,
      jsonb_build_object('order', coalesce(m.position, s.section_order), 'field', v.field,
                         'master', v.master_value, 'section', v.section_value) AS difference) d
    WHERE v.differs
  ),
  counts AS (
    SELECT (SELECT count(*) FROM master)::int AS master_count,
           (SELECT count(*) FROM sections)::int AS section_count,
           (SELECT coalesce(jsonb_agg(difference ORDER BY position, rank), '[]') FROM diffs)
             AS differences
  )
  SELECT CASE
      WHEN parsed.p ? 'error' THEN 'Invalid master'
      WHEN c.master_count = 0 AND c.section_count = 0 THEN 'OK'
      WHEN c.master_count = 0 THEN 'No master data'
      WHEN c.section_count = 0 THEN 'No sections'
      WHEN c.master_count <> c.section_count THEN 'Count mismatch'
      WHEN jsonb_array_length(c.differences) > 0 THEN 'Content mismatch'
      ELSE 'OK'
    END,
    c.master_count,
    c.section_count,
    CASE WHEN parsed.p ? 'error' THEN '[]'::jsonb ELSE c.differences END
  FROM parsed, counts c
$$;

-- The consistency of every post with an id in (p_after, p_upto]: the post_development rows and
-- the post ids that have sections but no such row ('No master data'). Posts in sync (most) are
-- OK from the rendering of their rows alone; only the others are parsed and compared.
--   SELECT * FROM section_sync.check_range(41, 42);   -- post 42
CREATE OR REPLACE FUNCTION section_sync.check_range(p_after bigint, p_upto bigint)
RETURNS TABLE (
  post_id bigint, status text, version bigint, master_count int, section_count int,
  differences jsonb
) LANGUAGE sql STABLE AS $$
  -- Posts in sync come out of one join; only the others reach compare_post_state, one by one
  -- (a lateral per post, even one that returns at once, cost as much as the whole comparison).
  WITH posts AS MATERIALIZED (
    SELECT ids.post_id, d.post_id IS NOT NULL AS has_row, d.section_headings AS master,
           coalesce(d.section_sync_version, 0) AS version, coalesce(r.sections, 0) AS sections,
           d.post_id IS NOT NULL AND coalesce(section_sync.master_in_sync(
             d.section_headings, r.master, r.sections, r.parses_back), false) AS in_sync
    FROM (
      SELECT pd.post_id FROM {{schema}}.post_development pd
      WHERE pd.post_id > p_after AND pd.post_id <= p_upto
      UNION
      SELECT ps.post_id FROM {{schema}}.post_section ps
      WHERE ps.post_id > p_after AND ps.post_id <= p_upto
        AND NOT EXISTS (SELECT 1 FROM {{schema}}.post_development x WHERE x.post_id = ps.post_id)
    ) ids
    LEFT JOIN {{schema}}.post_development d ON d.post_id = ids.post_id
    LEFT JOIN section_sync.rendered_posts(p_after, p_upto) r ON r.post_id = ids.post_id
  )
  SELECT p.post_id, 'OK'::text, p.version, p.sections, p.sections, '[]'::jsonb
  FROM posts p
  WHERE p.in_sync
  UNION ALL
  SELECT p.post_id, c.status, p.version, c.master_count, c.section_count, c.differences
  FROM posts p
  CROSS JOIN LATERAL section_sync.compare_post_state(p.post_id, p.has_row, p.master) c
  WHERE NOT p.in_sync
$$;

-- The consistency of the posts after p_after (post_id order), p_limit of them, optionally
-- only one status or only the inconsistent ones. A page costs what it covers, not the whole
-- table: it checks ranges of post ids taken from the post_development index (p_limit of them
-- without a filter; with one, growing ranges until the page is full); the last range runs to
-- the end, for orphan sections after the last post_development row.
CREATE OR REPLACE FUNCTION section_sync.check_posts(
  p_after bigint, p_limit int, p_status text DEFAULT NULL, p_inconsistent boolean DEFAULT false
) RETURNS TABLE (
  post_id bigint, status text, version bigint, master_count int, section_count int,
  differences jsonb
) LANGUAGE plpgsql STABLE
-- Each range is planned for its bounds: a generic plan would not know how many posts it covers.
-- No JIT: a range of 10,000 posts is estimated far above jit_above_cost, and compiling the
-- query took longer than running it (840 of 1,600 ms for 100,000 sections on PostgreSQL 15).
SET plan_cache_mode = force_custom_plan
SET jit = off AS $$
DECLARE
  v_filtered boolean := p_status IS NOT NULL OR coalesce(p_inconsistent, false);
  v_after bigint := p_after;
  v_range int := greatest(p_limit, 1);
  v_upto bigint;
  v_last boolean;
  v_ids int;
  v_found int := 0;
  v_rows int;
BEGIN
  WHILE v_found < p_limit LOOP
    SELECT max(r.post_id), count(*) INTO v_upto, v_ids
    FROM (SELECT pd.post_id FROM {{schema}}.post_development pd
          WHERE pd.post_id > v_after ORDER BY pd.post_id LIMIT v_range) r;
    v_last := v_ids < v_range;
    IF v_last THEN v_upto := 9223372036854775807; END IF;

    RETURN QUERY
    SELECT c.* FROM section_sync.check_range(v_after, v_upto) c
    WHERE (p_status IS NULL OR c.status = p_status)
      AND (NOT coalesce(p_inconsistent, false) OR c.status <> 'OK')
    ORDER BY c.post_id
    LIMIT p_limit - v_found;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    v_found := v_found + v_rows;
    EXIT WHEN v_last;
    v_after := v_upto;
    IF v_filtered THEN v_range := least(v_range * 2, 1000); END IF;
  END LOOP;
END $$;

-- check_range and check_posts under a caller's limits (the settings store_apply_settings takes),
-- for a store whose limits are not the defaults: the check parses with the limits the writes
-- used, so a raised limit does not make a post look invalid.
CREATE OR REPLACE FUNCTION section_sync.check_range_with(
  p_settings jsonb, p_after bigint, p_upto bigint
) RETURNS TABLE (
  post_id bigint, status text, version bigint, master_count int, section_count int,
  differences jsonb
) LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  PERFORM section_sync.store_apply_settings(p_settings);
  RETURN QUERY SELECT * FROM section_sync.check_range(p_after, p_upto);
END $$;

CREATE OR REPLACE FUNCTION section_sync.check_posts_with(
  p_settings jsonb, p_after bigint, p_limit int, p_status text DEFAULT NULL,
  p_inconsistent boolean DEFAULT false
) RETURNS TABLE (
  post_id bigint, status text, version bigint, master_count int, section_count int,
  differences jsonb
) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM section_sync.store_apply_settings(p_settings);
  RETURN QUERY SELECT * FROM section_sync.check_posts(p_after, p_limit, p_status, p_inconsistent);
END $$;

-- ---- sync log -----------------------------------------------------------------------------

-- {exists, entries}: whether the post exists, and its log entries newest first, before an id.
CREATE OR REPLACE FUNCTION section_sync.store_sync_log(
  p_post_id bigint, p_limit int, p_before bigint
) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'exists', EXISTS (SELECT 1 FROM {{schema}}.post_development d WHERE d.post_id = p_post_id),
    'entries', coalesce((
      SELECT jsonb_agg(jsonb_build_object(
          'id', l.id,
          'postId', l.post_id,
          'direction', l.direction,
          'origin', l.origin,
          'outcome', l.outcome,
          'changes', l.changes,
          'message', l.message,
          'rollbackOf', l.rollback_of,
          'createdAt', to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        ) ORDER BY l.id DESC)
      FROM (
        SELECT * FROM section_sync.log l
        WHERE l.post_id = p_post_id AND (p_before IS NULL OR l.id < p_before)
        ORDER BY l.id DESC
        LIMIT p_limit
      ) l), '[]'::jsonb))
$$;

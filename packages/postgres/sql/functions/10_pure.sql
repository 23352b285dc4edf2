-- Repeatable (re-applied by migrate whenever a function file changes): the PL/pgSQL port of the pure core: parse, plan, render (README "The rules, exactly").
-- The TypeScript functions are the specification; test/sql-conformance.test.ts and
-- test/sql-differential.test.ts hold these to them. Everything here is set-based: one query
-- over the lines or items, never a loop of statements per section.
--
-- Postgres is not JavaScript, and these are the places where that matters:
-- * jsonb rejects the escapes \u0000 and lone UTF-16 surrogates (\ud800) that JSON.parse keeps.
--   Both are control characters by rule 8, so they are rewritten to other control characters
--   (U+0080, U+0081) before the cast: the error code and position stay the same, and messages
--   name them back (jsonb_safe_escapes, code_point_name).
-- * lower() and \s depend on the locale; the rules want ASCII only, so classes are spelled out
--   and case folding is lower() under the "C" collation (A-Z only, in every locale).
-- * length() counts code points, as the rules do. Columns are code points too.
-- * JSON numbers are doubles in JavaScript, exact decimals in jsonb. `order` is compared as
--   float8 (the same double JavaScript reads); `id` is read exactly, from the decimal, in both
--   (TypeScript keeps the literal of a long number). Ids leave the parser as decimal strings.

-- Trimmable white space of rule 6 (space, tab, \n, \r, \v, \f), for btrim/ltrim/rtrim.
CREATE OR REPLACE FUNCTION section_sync.trimmable() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN E' \t\n\r\x0b\f';

-- The step-3 matching key: runs of ASCII white space (space, tab, \n, \r, \v, \f) collapsed to
-- one space, trimmed, A-Z folded to a-z. lower() under the "C" collation folds exactly A-Z in
-- every database locale (other letters compare as written), and costs a tenth of translate().
-- Not STRICT (NULL gives NULL anyway), so it is inlined into the plan's query.
-- Example: section_sync.heading_key(E'  The\t INTRO ') = 'the intro'
CREATE OR REPLACE FUNCTION section_sync.heading_key(p_heading text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN lower(btrim(regexp_replace(p_heading, '[ \t\n\r\v\f]+', ' ', 'g'), ' ') COLLATE "C");

-- `U+0007`: how messages name a character that cannot be shown as itself. With p_rewritten
-- (jsonb_safe_escapes changed the text), U+0080 and U+0081 stand for \u0000 and a lone surrogate.
CREATE OR REPLACE FUNCTION section_sync.code_point_name(p_char text, p_rewritten boolean DEFAULT false)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
  WHEN p_rewritten AND p_char = U&'\0080' THEN 'U+0000'
  WHEN p_rewritten AND p_char = U&'\0081' THEN 'U+D800-U+DFFF (a lone surrogate)'
  ELSE 'U+' || lpad(upper(to_hex(ascii(p_char))), 4, '0')
END;

-- A JSON number as JavaScript reads it (a double), or NULL where that double would be
-- +-Infinity or a non-zero number read as 0 (1e400, 1e-400): the rules refuse those as an
-- order. Only called for such extreme values.
CREATE OR REPLACE FUNCTION section_sync.json_double(p_number numeric) RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN p_number::float8;
EXCEPTION WHEN numeric_value_out_of_range THEN
  RETURN NULL;
END $$;

-- A master item's id as its canonical decimal string, or NULL when it is not one: a JSON
-- number whose exact value is a whole number in the bigint range (7, 7.0, 7e0, -3), or a JSON
-- string of exactly those digits ("7"; not "07", " 7", "7e0", "+7"). Never through float8.
-- Example: SELECT section_sync.json_id('9007199254740993'), section_sync.json_id('"7"');
--   9007199254740993 | 7
CREATE OR REPLACE FUNCTION section_sync.json_id(p_value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE jsonb_typeof(p_value)
  WHEN 'number' THEN CASE
    WHEN p_value::numeric = trunc(p_value::numeric)
      AND p_value::numeric BETWEEN -9223372036854775808 AND 9223372036854775807
    THEN p_value::numeric::bigint::text END
  WHEN 'string' THEN CASE
    WHEN p_value #>> '{}' ~ '^(0|-?[1-9][0-9]{0,18})$'
      AND (p_value #>> '{}')::numeric BETWEEN -9223372036854775808 AND 9223372036854775807
    THEN p_value #>> '{}' END
END;

-- The nesting limit of JSON masters (TypeScript MAX_JSON_DEPTH): deeper is invalid_json.
CREATE OR REPLACE FUNCTION section_sync.max_json_depth() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 64;

-- The number of [ and { in a text (replace is a byte loop; translate walks characters and
-- took twice as long on a 137 KB master).
CREATE OR REPLACE FUNCTION section_sync.json_openers(p_json text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN octet_length(p_json) - octet_length(replace(replace(p_json, '[', ''), '{', ''));

-- Whether casting this text to jsonb is safe for the server's stack whatever its nesting:
-- PostgreSQL checks its stack depth while it parses (a recoverable error, 54001); PGlite's
-- WebAssembly stack does not recover, but took 2,000 nested objects-in-arrays (4,000 brackets)
-- without trouble, so there a text with at most 2,000 brackets is safe. Other texts have their
-- depth measured on the text before any cast (json_too_deep).
CREATE OR REPLACE FUNCTION section_sync.json_cast_safe(p_json text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN strpos(version(), 'wasm') = 0 OR section_sync.json_openers(p_json) <= 2000;

-- Raises the invalid_json error of a text nested deeper than max_json_depth().
CREATE OR REPLACE FUNCTION section_sync.raise_too_deep(p_line integer) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM section_sync.raise_format_error(
    'invalid_json',
    format('Invalid JSON at line %s: arrays and objects are nested deeper than %s levels (or their brackets do not match)',
      p_line, section_sync.max_json_depth()),
    p_line => p_line);
END $$;

-- Whether JSON text nests arrays and objects deeper than max_json_depth() (or, when it is not
-- JSON, has brackets that do not pair up), found before any JSON parser sees it. Text with
-- fewer brackets than the limit is not looked at; otherwise strings are cut out and
-- innermost pairs removed, one level per pass: a master of sections takes two passes.
-- Example: SELECT section_sync.json_too_deep(repeat('[', 65) || repeat(']', 65));  -- true
CREATE OR REPLACE FUNCTION section_sync.json_too_deep(p_json text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  v_brackets text;
  v_before text;
BEGIN
  IF section_sync.json_openers(p_json) <= section_sync.max_json_depth() THEN
    RETURN false;
  END IF;
  v_brackets := regexp_replace(
    regexp_replace(p_json, '"(?:[^"\\]|\\.)*"', '', 'g'), '[^][{}]', '', 'g');
  FOR i IN 1..section_sync.max_json_depth() LOOP
    EXIT WHEN v_brackets = '';
    v_before := v_brackets;
    v_brackets := regexp_replace(v_brackets, '\[\]|\{\}', '', 'g');
    EXIT WHEN v_brackets = v_before;
  END LOOP;
  RETURN v_brackets <> '';
END $$;

-- Messages quote numbers as jsonb writes them: the double layout of JavaScript is not needed.
DROP FUNCTION IF EXISTS section_sync.js_number_text(float8);

-- Rewrites the escapes jsonb cannot hold but JSON.parse accepts to other control characters, so
-- the cast succeeds and rule 8 reports the same error at the same place: \u0000 becomes U+0080
-- and a lone surrogate (\ud800 not followed by a low one, or \udc00 not after a high one)
-- U+0081; code_point_name names them back in messages. Escaped backslashes become \u005c first
-- so that `\\u0000` (a backslash, then "u0000") is never taken for an escape. Texts without
-- such escapes are returned unchanged (the caller compares to know whether any was rewritten).
CREATE OR REPLACE FUNCTION section_sync.jsonb_safe_escapes(p_json text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
  WHEN p_json !~ '\\u(0000|[dD][89a-fA-F])' THEN p_json
  ELSE regexp_replace(
    regexp_replace(
      regexp_replace(
        regexp_replace(p_json, '\\\\', '\\u005c', 'g'),
        '\\u0000', '\\u0080', 'g'),
      '\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})', '\\u0081', 'g'),
    '(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}', '\\u0081', 'g')
END;

-- Raises the SectionFormatError of the contract: SQLSTATE SS001, DETAIL {code, line, column,
-- index, field} (absent positions left out).
CREATE OR REPLACE FUNCTION section_sync.raise_format_error(
  p_code text, p_message text, p_line integer DEFAULT NULL, p_column integer DEFAULT NULL,
  p_index integer DEFAULT NULL, p_field text DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = 'SS001',
    MESSAGE = p_message,
    DETAIL = jsonb_strip_nulls(jsonb_build_object(
      'code', p_code, 'line', p_line, 'column', p_column, 'index', p_index, 'field', p_field
    ))::text;
END $$;

-- Rule 5 over `p_region` (which starts at a line start; its first line is `p_first_line`): one
-- section per non-blank line, one leading marker stripped. Counts first (too_many_sections wins),
-- then the first line with a control character or a too long heading, in line order.
CREATE OR REPLACE FUNCTION section_sync.parse_lines(
  p_region text, p_first_line integer, p_max_sections integer, p_max_heading integer,
  p_label text DEFAULT '', p_rewritten boolean DEFAULT false
) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  v_total bigint;
  v_past_line integer;
  v_error jsonb;
  v_items jsonb;
  v_line integer;
  v_heading text;
  v_column integer;
  v_before text;
BEGIN
  SELECT
    count(*),
    min(l.line) FILTER (WHERE l.k = p_max_sections + 1),
    (array_agg(jsonb_build_object(
        'problem', l.problem, 'line', l.line, 'heading', l.heading,
        -- Columns count code points from the line start; the heading ends the trimmed line.
        'column', length(l.rtrimmed) - length(l.heading) + 1)
      ORDER BY l.k) FILTER (WHERE l.problem IS NOT NULL AND l.k <= p_max_sections))[1],
    jsonb_agg(jsonb_build_object('order', l.k, 'heading', l.heading) ORDER BY l.k)
      FILTER (WHERE l.k <= p_max_sections)
  INTO v_total, v_past_line, v_error, v_items
  FROM (
    SELECT
      h.line, h.k, h.heading, h.rtrimmed,
      CASE
        WHEN h.heading ~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' THEN 'control_character'
        WHEN length(h.heading) > p_max_heading THEN 'heading_too_long'
      END AS problem
    FROM (
      SELECT
        n.line, n.k, rtrim(n.raw, section_sync.trimmable()) AS rtrimmed,
        ltrim(
          regexp_replace(n.trimmed, '^(?:[0-9]+[.)]|\([0-9]+\)|[-*•]|#{1,6})[ \t]', ''),
          section_sync.trimmable()
        ) AS heading
      FROM (
        SELECT
          (x.n + p_first_line - 1)::integer AS line, x.raw, x.trimmed,
          row_number() OVER (ORDER BY x.n) AS k
        FROM (
          SELECT s.raw, s.n, btrim(s.raw, section_sync.trimmable()) AS trimmed
          FROM string_to_table(p_region, E'\n') WITH ORDINALITY AS s(raw, n)
        ) x
        WHERE x.trimmed <> ''
      ) n
    ) h
  ) l;

  IF v_total > p_max_sections THEN
    PERFORM section_sync.raise_format_error(
      'too_many_sections',
      format('Too many sections: %s, the limit is %s (section %s is on line %s%s)',
        v_total, p_max_sections, p_max_sections + 1, v_past_line, p_label),
      p_line => v_past_line);
  END IF;
  IF v_error IS NULL THEN
    RETURN coalesce(v_items, '[]'::jsonb);
  END IF;
  v_line := (v_error ->> 'line')::integer;
  v_heading := v_error ->> 'heading';
  v_column := (v_error ->> 'column')::integer;
  IF v_error ->> 'problem' = 'control_character' THEN
    v_before := substring(v_heading FROM '^[^\u0001-\u0008\u000a-\u001f\u007f-\u009f]*');
    v_column := v_column + length(v_before);
    PERFORM section_sync.raise_format_error(
      'control_character',
      format('Line %s%s, column %s: control character %s is not allowed in a heading',
        v_line, p_label, v_column,
        section_sync.code_point_name(substr(v_heading, length(v_before) + 1, 1), p_rewritten)),
      p_line => v_line, p_column => v_column);
  END IF;
  PERFORM section_sync.raise_format_error(
    'heading_too_long',
    format('Line %s%s, column %s: the heading has %s characters, the limit is %s',
      v_line, p_label, v_column, length(v_heading), p_max_heading),
    p_line => v_line, p_column => v_column);
  RETURN NULL;
END $$;

-- Rule 3 after the cast: the root, then one pass over the items. The first error wins: items in
-- array order; within an item heading (or title), description, status, id, order; within a
-- field its type, then control characters, then its length. too_many_sections comes first.
CREATE OR REPLACE FUNCTION section_sync.parse_json_items(
  p_root jsonb, p_max_sections integer, p_max_heading integer, p_max_description integer,
  p_max_status integer, p_rewritten boolean DEFAULT false
) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  v_items jsonb;
  v_count integer;
  v_error jsonb;
  v_result jsonb;
  v_index integer;
  v_problem text;
  v_field text;
  v_item text;
  v_value jsonb;
  v_text text;
  v_before text;
BEGIN
  IF jsonb_typeof(p_root) = 'array' THEN
    v_items := p_root;
  ELSIF jsonb_typeof(p_root) = 'object' AND jsonb_typeof(p_root -> 'sections') = 'array' THEN
    v_items := p_root -> 'sections';
  ELSE
    PERFORM section_sync.raise_format_error(
      'invalid_root',
      'The JSON must be an array of sections or an object with a "sections" array, got '
        || CASE
          WHEN jsonb_typeof(p_root) <> 'object' THEN 'a ' || jsonb_typeof(p_root)
          WHEN NOT p_root ? 'sections' THEN 'an object without a "sections" key'
          ELSE format('an object whose "sections" is %s %s, not an array',
            CASE WHEN jsonb_typeof(p_root -> 'sections') = 'object' THEN 'an' ELSE 'a' END,
            jsonb_typeof(p_root -> 'sections'))
        END);
  END IF;

  v_count := jsonb_array_length(v_items);
  IF v_count > p_max_sections THEN
    PERFORM section_sync.raise_format_error(
      'too_many_sections',
      format('Too many sections: %s, the limit is %s (the first one past it is item %s, index %s)',
        v_count, p_max_sections, p_max_sections + 1, p_max_sections),
      p_index => p_max_sections);
  END IF;

  -- Each level computes its columns once (OFFSET 0 keeps the planner from copying a column's
  -- expression into every place the next level uses it). The result is built as JSON text and
  -- cast once: far cheaper than a jsonb value per item.
  SELECT
    (array_agg(jsonb_build_object(
        'index', v.idx, 'problem', v.problem, 'field', v.field, 'kind', v.kind)
      ORDER BY v.idx) FILTER (WHERE v.problem IS NOT NULL))[1],
    ('[' || string_agg(
      '{"order":' || v.position
        || ',"heading":' || CASE WHEN coalesce(v.heading, '') = '' THEN '"Section ' || v.position || '"'
          ELSE to_json(v.heading)::text END
        || CASE WHEN v.description_json IS NULL THEN '' ELSE ',"description":' || v.description_json::text END
        || CASE WHEN coalesce(v.status, '') = '' THEN '' ELSE ',"status":' || to_json(v.status)::text END
        || CASE WHEN v.id IS NULL THEN '' ELSE ',"id":"' || v.id || '"' END
        || '}',
      ',' ORDER BY v.position) || ']')::jsonb
  INTO v_error, v_result
  FROM (
    SELECT
      f.*,
      -- Sorting by order applies only when every item is an object with a numeric order.
      row_number() OVER (ORDER BY CASE WHEN f.sortable THEN f.order_value END, f.idx) AS position
    FROM (
      SELECT
        e.idx, e.kind, e.heading, e.description_json, e.status, e.id, e.order_value,
        bool_and(e.order_value IS NOT NULL) OVER () AS sortable,
        CASE WHEN e.kind NOT IN ('string', 'object') THEN 'invalid_item'
          ELSE coalesce(e.heading_problem, e.description_problem, e.status_problem, e.id_problem,
            e.order_problem)
        END AS problem,
        CASE WHEN e.kind NOT IN ('string', 'object') THEN NULL
          WHEN e.heading_problem IS NOT NULL THEN e.heading_field
          WHEN e.description_problem IS NOT NULL THEN 'description'
          WHEN e.status_problem IS NOT NULL THEN 'status'
          WHEN e.id_problem IS NOT NULL THEN 'id'
          ELSE 'order'
        END AS field
      FROM (
        SELECT
          t.*,
          CASE
            WHEN jsonb_typeof(t.heading_json) <> 'string' THEN 'invalid_item'
            WHEN t.heading ~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' THEN 'control_character'
            WHEN length(t.heading) > p_max_heading THEN 'heading_too_long'
          END AS heading_problem,
          CASE
            WHEN jsonb_typeof(t.description_json) <> 'string' THEN 'invalid_item'
            WHEN t.description ~ '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]'
              THEN 'control_character'
            WHEN length(t.description) > p_max_description THEN 'description_too_long'
          END AS description_problem,
          CASE
            WHEN jsonb_typeof(t.status_json) <> 'string' THEN 'invalid_item'
            WHEN t.status ~ '[\u0001-\u0008\u000a-\u001f\u007f-\u009f]' THEN 'control_character'
            WHEN length(t.status) > p_max_status THEN 'status_too_long'
          END AS status_problem,
          CASE WHEN t.id_json IS NOT NULL AND t.id IS NULL THEN 'invalid_item' END AS id_problem,
          CASE WHEN t.order_json IS NOT NULL
              AND (jsonb_typeof(t.order_json) <> 'number' OR t.order_value IS NULL)
            THEN 'invalid_item' END AS order_problem
        FROM (
          SELECT
            r.idx, r.kind, r.heading_field, r.heading_json, r.description_json, r.status_json,
            r.id_json, r.order_json,
            CASE WHEN jsonb_typeof(r.heading_json) = 'string'
              THEN btrim(r.heading_json #>> '{}', section_sync.trimmable()) END AS heading,
            CASE WHEN jsonb_typeof(r.description_json) = 'string'
              THEN r.description_json #>> '{}' END AS description,
            CASE WHEN jsonb_typeof(r.status_json) = 'string'
              THEN btrim(r.status_json #>> '{}', section_sync.trimmable()) END AS status,
            section_sync.json_id(r.id_json) AS id,
            CASE WHEN r.kind = 'object' AND jsonb_typeof(r.order_json) = 'number' THEN
              CASE WHEN abs((r.order_json)::numeric) BETWEEN 1e-300 AND 1e300
                  OR (r.order_json)::numeric = 0
                THEN (r.order_json)::float8
                ELSE section_sync.json_double((r.order_json)::numeric)
              END
            END AS order_value
          FROM (
            SELECT
              q.idx, q.kind,
              CASE WHEN q.kind = 'string' THEN 'heading'
                WHEN nullif(q.item -> 'heading', 'null') IS NOT NULL THEN 'heading'
                WHEN nullif(q.item -> 'title', 'null') IS NOT NULL THEN 'title'
              END AS heading_field,
              CASE WHEN q.kind = 'string' THEN q.item
                ELSE coalesce(nullif(q.item -> 'heading', 'null'), nullif(q.item -> 'title', 'null'))
              END AS heading_json,
              nullif(q.item -> 'description', 'null') AS description_json,
              nullif(q.item -> 'status', 'null') AS status_json,
              nullif(q.item -> 'id', 'null') AS id_json,
              nullif(q.item -> 'order', 'null') AS order_json
            FROM (
              SELECT e.value AS item, (e.ordinality - 1)::integer AS idx, jsonb_typeof(e.value) AS kind
              FROM jsonb_array_elements(v_items) WITH ORDINALITY AS e
            ) q
            OFFSET 0
          ) r
          OFFSET 0
        ) t
        OFFSET 0
      ) e
    ) f
  ) v;

  IF v_error IS NULL THEN
    RETURN coalesce(v_result, '[]'::jsonb);
  END IF;
  v_index := (v_error ->> 'index')::integer;
  v_problem := v_error ->> 'problem';
  v_field := v_error ->> 'field';
  v_item := format('Item %s (index %s)', v_index + 1, v_index);
  IF v_field IS NULL THEN
    PERFORM section_sync.raise_format_error(
      'invalid_item',
      format('%s must be a string or an object, got %s', v_item, v_error ->> 'kind'),
      p_index => v_index);
  END IF;
  -- The offending value again (error path only), for a message as precise as TypeScript's.
  v_value := CASE WHEN v_error ->> 'kind' = 'string' THEN v_items -> v_index
    ELSE v_items -> v_index -> v_field END;
  IF v_problem = 'invalid_item' THEN
    PERFORM section_sync.raise_format_error(
      'invalid_item',
      format('%s: "%s" must be %s, got %s', v_item, v_field,
        CASE v_field
          WHEN 'id' THEN 'a whole number from -9223372036854775808 to 9223372036854775807 (a JSON number or a string of its digits)'
          WHEN 'order' THEN 'a number between -1.7976931348623157e308 and 1.7976931348623157e308 (0 or at least 5e-324 in size)'
          ELSE 'a string'
        END,
        jsonb_typeof(v_value)),
      p_index => v_index, p_field => v_field);
  END IF;
  v_text := v_value #>> '{}';
  IF v_field <> 'description' THEN
    v_text := btrim(v_text, section_sync.trimmable());
  END IF;
  IF v_problem = 'control_character' THEN
    v_before := substring(v_text FROM CASE WHEN v_field = 'description'
      THEN '^[^\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*'
      ELSE '^[^\u0001-\u0008\u000a-\u001f\u007f-\u009f]*' END);
    PERFORM section_sync.raise_format_error(
      'control_character',
      format('%s: control character %s is not allowed in %s (character %s)', v_item,
        section_sync.code_point_name(substr(v_text, length(v_before) + 1, 1), p_rewritten),
        CASE WHEN v_field = 'description' THEN 'a description' ELSE format('"%s"', v_field) END,
        length(v_before) + 1),
      p_index => v_index, p_field => v_field);
  END IF;
  PERFORM section_sync.raise_format_error(
    v_problem,
    format('%s: "%s" has %s characters, the limit is %s', v_item, v_field, length(v_text),
      CASE v_problem
        WHEN 'heading_too_long' THEN p_max_heading
        WHEN 'description_too_long' THEN p_max_description
        ELSE p_max_status
      END),
    p_index => v_index, p_field => v_field);
  RETURN NULL;
END $$;

-- parse with explicit limits (no settings read, so IMMUTABLE). See section_sync.parse.
-- parse_master, for the planner when p_text_ids is false: a canonical master's items come back
-- as its own JSON (ids as JSON numbers), without rewriting the ids to strings and casting the
-- text a second time (4.4 ms + 4.6 ms of a 137 KB master); every id reader (json_id) takes both.
CREATE OR REPLACE FUNCTION section_sync.parse_master_items(
  p_text text, p_max_sections integer, p_max_heading integer, p_max_description integer,
  p_max_status integer, p_text_ids boolean
) RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  v_depth_checked boolean := false;
  v_trimmed text;
  v_lead integer;
  v_lines_before integer;
  v_region text;
  v_first_line integer;
  v_content text;
  v_content_lines_before integer;
  v_open text;
  v_last_newline integer;
  v_json jsonb;
  v_failed boolean := false;
  v_context text;
  v_problem text;
  v_line integer;
  v_code text;
  v_safe text;
  v_state text;
BEGIN
  -- Rule 1.
  IF p_text IS NULL THEN RETURN '[]'::jsonb; END IF;
  v_trimmed := btrim(p_text, section_sync.trimmable());
  IF v_trimmed = '' THEN RETURN '[]'::jsonb; END IF;
  -- Everything before the first character of v_trimmed is white space, so strpos finds it.
  v_lead := strpos(p_text, left(v_trimmed, 1)) - 1;
  v_lines_before := v_lead - length(replace(left(p_text, v_lead), E'\n', ''));

  -- Rule 2: one surrounding code fence (first line ``` plus a tag without a backtick, last
  -- line ```). Line numbers keep referring to the original text.
  v_region := p_text;
  v_first_line := 1;
  v_content := v_trimmed;
  v_content_lines_before := v_lines_before;
  IF left(v_trimmed, 3) = '```' AND strpos(v_trimmed, E'\n') > 0 THEN
    v_open := split_part(v_trimmed, E'\n', 1);
    v_last_newline := length(v_trimmed) - strpos(reverse(v_trimmed), E'\n') + 1;
    IF strpos(substr(v_open, 4), '`') = 0
      AND ltrim(substr(v_trimmed, v_last_newline + 1), section_sync.trimmable()) = '```'
    THEN
      v_region := substr(v_trimmed, length(v_open) + 2, greatest(v_last_newline - length(v_open) - 2, 0));
      v_first_line := v_lines_before + 2;
      v_content := btrim(v_region, section_sync.trimmable());
      IF v_content = '' THEN RETURN '[]'::jsonb; END IF;
      v_lead := strpos(v_region, left(v_content, 1)) - 1;
      v_content_lines_before := v_lines_before + 1
        + v_lead - length(replace(left(v_region, v_lead), E'\n', ''));
    END IF;
  END IF;

  IF left(v_content, 1) NOT IN ('[', '{', '"') THEN
    -- Rule 5.
    RETURN section_sync.parse_lines(v_region, v_first_line, p_max_sections, p_max_heading);
  END IF;

  -- Rules 3 and 4: JSON. The nesting limit wins over every other error, as in TypeScript. It is
  -- measured on the text (json_too_deep, ~10 ms for 137 KB) only when it can matter: before the
  -- cast when the cast itself could exhaust the stack (json_cast_safe), else after a failed
  -- cast, or before the per-item parse of a master that is not canonical (a canonical one is an
  -- array of flat objects: two levels).
  IF NOT section_sync.json_cast_safe(v_content) THEN
    IF section_sync.json_too_deep(v_content) THEN
      PERFORM section_sync.raise_too_deep(v_content_lines_before + 1);
    END IF;
    v_depth_checked := true;
  END IF;
  v_safe := section_sync.jsonb_safe_escapes(v_content);
  BEGIN
    v_json := v_safe::jsonb;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_context = PG_EXCEPTION_CONTEXT, v_problem = PG_EXCEPTION_DETAIL,
      v_state = RETURNED_SQLSTATE;
    -- numeric's own range (1e200000): the rules make it invalid JSON, as TypeScript does.
    IF v_state = '22003' THEN
      v_problem := 'a number is out of range (at most 131072 digits before the decimal point and 16383 after it)';
    END IF;
    v_failed := true;
  END;
  IF v_failed AND NOT v_depth_checked AND section_sync.json_too_deep(v_content) THEN
    PERFORM section_sync.raise_too_deep(v_content_lines_before + 1);
  END IF;
  IF v_failed OR (left(v_content, 1) = '"' AND jsonb_typeof(v_json) <> 'string') THEN
    v_code := CASE WHEN left(v_content, 1) = '"' THEN 'invalid_string_literal' ELSE 'invalid_json' END;
    v_line := v_content_lines_before
      + coalesce((regexp_match(v_context, '^JSON data, line ([0-9]+)'))[1]::integer, 1);
    PERFORM section_sync.raise_format_error(
      v_code,
      format('%s at line %s: %s',
        CASE v_code WHEN 'invalid_json' THEN 'Invalid JSON' ELSE 'Invalid JSON string literal' END,
        v_line, coalesce(nullif(v_problem, ''), 'the text is not valid JSON')),
      p_line => v_line);
  END IF;

  IF left(v_content, 1) = '"' THEN
    RETURN section_sync.parse_lines(v_json #>> '{}', 1, p_max_sections, p_max_heading,
      ' of the decoded JSON string', v_safe <> v_content);
  END IF;
  IF v_safe = v_content AND left(v_content, 1) = '['
    AND jsonb_array_length(v_json) <= p_max_sections
    AND section_sync.canonical_items(v_json, v_content, p_max_heading, p_max_description,
                                     p_max_status)
  THEN
    IF NOT p_text_ids THEN RETURN v_json; END IF;
    -- Ids leave parse as decimal strings: in a canonical text each item starts {"id":<digits>,
    -- and no string can hold that unescaped.
    RETURN regexp_replace(v_content, '\{"id":(-?[0-9]+),"order"', '{"id":"\1","order"', 'g')::jsonb;
  END IF;
  IF NOT v_depth_checked AND section_sync.json_too_deep(v_content) THEN
    PERFORM section_sync.raise_too_deep(v_content_lines_before + 1);
  END IF;
  RETURN section_sync.parse_json_items(
    v_json, p_max_sections, p_max_heading, p_max_description, p_max_status, v_safe <> v_content);
END $$;

-- parse() with its limits given: the items with ids as decimal strings.
CREATE OR REPLACE FUNCTION section_sync.parse_master(
  p_text text, p_max_sections integer, p_max_heading integer, p_max_description integer,
  p_max_status integer
) RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN section_sync.parse_master_items(
    p_text, p_max_sections, p_max_heading, p_max_description, p_max_status, true);
END $$;

-- A limit: the p_limits key, else the setting, else the default.
CREATE OR REPLACE FUNCTION section_sync.limit_value(
  p_limits jsonb, p_key text, p_setting text, p_default integer
) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(
  (nullif(p_limits -> p_key, 'null'))::integer,
  nullif(current_setting(p_setting, true), '')::integer,
  p_default
);

-- parse(text, limits?): the desired sections of a master text, exactly as TypeScript `parse`
-- returns them ([{order, heading, description?, status?, id?}]), or SQLSTATE SS001 with DETAIL
-- {code, line?, column?, index?, field?}. Limits: p_limits keys maxSections, maxHeadingLength,
-- maxDescriptionLength, maxStatusLength; else settings section_sync.max_sections,
-- max_heading_length, max_description_length, max_status_length; else 500/1000/10000/100.
-- Example: SELECT section_sync.parse(E'1. Intro\n2) Setup');
--   [{"order": 1, "heading": "Intro"}, {"order": 2, "heading": "Setup"}]
CREATE OR REPLACE FUNCTION section_sync.parse(p_text text, p_limits jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
RETURN section_sync.parse_master(
  p_text,
  section_sync.limit_value(p_limits, 'maxSections', 'section_sync.max_sections', 500),
  section_sync.limit_value(p_limits, 'maxHeadingLength', 'section_sync.max_heading_length', 1000),
  section_sync.limit_value(p_limits, 'maxDescriptionLength', 'section_sync.max_description_length', 10000),
  section_sync.limit_value(p_limits, 'maxStatusLength', 'section_sync.max_status_length', 100)
);

-- parse() for the planner (the sync paths): the same items, except that a canonical master's
-- ids stay JSON numbers (see parse_master_items).
CREATE OR REPLACE FUNCTION section_sync.parse_desired(p_text text)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
RETURN section_sync.parse_master_items(
  p_text,
  section_sync.limit_value(NULL, 'maxSections', 'section_sync.max_sections', 500),
  section_sync.limit_value(NULL, 'maxHeadingLength', 'section_sync.max_heading_length', 1000),
  section_sync.limit_value(NULL, 'maxDescriptionLength', 'section_sync.max_description_length', 10000),
  section_sync.limit_value(NULL, 'maxStatusLength', 'section_sync.max_status_length', 100),
  false
);

-- parse_result(text, limits?): parse without raising: {"items": [...]} or {"error": {"code",
-- "message", "line"?, "column"?, "index"?, "field"?}} (for callers that keep going on an
-- unparsable master, e.g. section_sync.on_invalid = 'warn', and for batch checks).
-- Example: SELECT section_sync.parse_result('[1]');
--   {"error": {"code": "invalid_item", "index": 0, "message": "Item 1 (index 0) must be ..."}}
CREATE OR REPLACE FUNCTION section_sync.parse_result(p_text text, p_limits jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  v_detail text;
  v_message text;
BEGIN
  RETURN jsonb_build_object('items', section_sync.parse(p_text, p_limits));
EXCEPTION WHEN SQLSTATE 'SS001' THEN
  GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL, v_message = MESSAGE_TEXT;
  RETURN jsonb_build_object('error', v_detail::jsonb || jsonb_build_object('message', v_message));
END $$;

-- plan(existing, desired): the identity-preserving sync plan, exactly as TypeScript `plan`:
-- {"operations": [...canonical order...], "changes": {created, updated, moved, deleted,
-- unchanged}}. Five matching steps, each among what is still unmatched: 1 id; 2 identical
-- heading, k-th to k-th; 3 heading_key, k-th to k-th; 4 leftovers in order; 5 creates and
-- deletes. `existing` is taken in section order (stable), desired item k goes to order k.
--
-- Both sides go into one relation of small rows (side 0 desired, side 1 existing; position,
-- index in the input, heading) and every step is a pair of windows over what is still
-- unmatched: the k-th unmatched row of each side with the same key share a (key, k)
-- partition, and a partition holding both sides is a pair. Matched rows bypass the later
-- steps, so a master whose items all carry ids costs two sorts. No joins and no loops, only
-- sorts, so the cost grows as n log n whatever the planner guesses about
-- jsonb_array_elements; the documents are fetched at the end by index (jsonb -> n).
-- Example: SELECT section_sync.plan('[{"id":7,"order":1,"heading":"Intro","description":"","status":"draft"}]',
--                                   '[{"order":1,"heading":"intro"}]');
--   {"operations": [{"type": "update", "id": 7, "from": 1, "order": 1, "heading": "intro", ...}], ...}
CREATE OR REPLACE FUNCTION section_sync.plan(p_existing jsonb, p_desired jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
-- The cost estimate of this query (jsonb_array_elements is guessed at 100 rows, and sorts
-- follow) crosses jit_above_cost: JIT compiling it costs ~10 ms per call, far more than running
-- it. PL/pgSQL keeps the plan across calls, where a SQL function would plan it every time.
SET jit = off AS $$
DECLARE
  v_by_ids jsonb := section_sync.plan_by_ids(p_existing, p_desired);
BEGIN
  IF v_by_ids IS NOT NULL THEN
    RETURN v_by_ids;
  END IF;
  RETURN (WITH sides AS (
    -- Ids are bigint decimal strings (as parse returns them) or numbers (rows as jsonb), compared
    -- as exact decimals.
    SELECT 0 AS side, x.ordinality::integer AS pos, x.ordinality::integer AS src,
      section_sync.json_id(x.value -> 'id')::numeric AS id,
      x.value ->> 'heading' AS heading
    FROM jsonb_array_elements(p_desired) WITH ORDINALITY AS x
    UNION ALL
    SELECT 1, row_number() OVER (ORDER BY (x.value -> 'order')::numeric, x.ordinality)::integer,
      x.ordinality::integer,
      section_sync.json_id(x.value -> 'id')::numeric,
      x.value ->> 'heading'
    FROM jsonb_array_elements(p_existing) WITH ORDINALITY AS x
  ),
  -- Step 1: the first desired item (in desired order) carrying an existing id takes it; with
  -- duplicate ids among existing, the last section holds it (as a Map would).
  step1 AS (
    SELECT s.side, s.pos, s.src, s.heading, NULL::integer AS partner FROM sides s WHERE s.id IS NULL
    UNION ALL
    SELECT w.side, w.pos, w.src, w.heading,
      CASE
        WHEN w.side = 0 AND w.pos = min(w.pos) FILTER (WHERE w.side = 0) OVER ids
          THEN max(w.pos) FILTER (WHERE w.side = 1) OVER ids
        WHEN w.side = 1 AND w.pos = max(w.pos) FILTER (WHERE w.side = 1) OVER ids
          THEN min(w.pos) FILTER (WHERE w.side = 0) OVER ids
      END
    FROM sides w WHERE w.id IS NOT NULL
    WINDOW ids AS (PARTITION BY w.id)
  ),
  -- Step 2: identical headings, k-th unmatched occurrence to k-th unmatched occurrence.
  step2 AS (
    SELECT u.side, u.pos, u.src, u.heading, u.partner FROM step1 u WHERE u.partner IS NOT NULL
    UNION ALL
    SELECT k.side, k.pos, k.src, k.heading, CASE WHEN k.side = 0
        THEN max(k.pos) FILTER (WHERE k.side = 1) OVER pair
        ELSE max(k.pos) FILTER (WHERE k.side = 0) OVER pair END
    FROM (
      SELECT u.*, row_number() OVER (PARTITION BY u.heading COLLATE "C", u.side ORDER BY u.pos) AS k
      FROM step1 u WHERE u.partner IS NULL
    ) k
    WINDOW pair AS (PARTITION BY k.heading COLLATE "C", k.k)
  ),
  -- Step 3: the same on the normalised key (white space collapsed, trimmed, A-Z folded).
  step3 AS (
    SELECT u.side, u.pos, u.src, u.partner FROM step2 u WHERE u.partner IS NOT NULL
    UNION ALL
    SELECT k.side, k.pos, k.src, CASE WHEN k.side = 0
        THEN max(k.pos) FILTER (WHERE k.side = 1) OVER pair
        ELSE max(k.pos) FILTER (WHERE k.side = 0) OVER pair END
    FROM (
      SELECT u.*, row_number() OVER (PARTITION BY u.key COLLATE "C", u.side ORDER BY u.pos) AS k
      FROM (
        SELECT u.side, u.pos, u.src, section_sync.heading_key(u.heading) AS key
        FROM step2 u WHERE u.partner IS NULL
      ) u
    ) k
    WINDOW pair AS (PARTITION BY k.key COLLATE "C", k.k)
  ),
  -- Step 4: the leftovers of both sides in order (renames, possibly moved). What stays without
  -- a partner is step 5: desired items are created, existing sections deleted.
  matched AS (
    SELECT u.side, u.pos, u.src, u.partner FROM step3 u WHERE u.partner IS NOT NULL
    UNION ALL
    SELECT k.side, k.pos, k.src, CASE WHEN k.side = 0
        THEN max(k.pos) FILTER (WHERE k.side = 1) OVER pair
        ELSE max(k.pos) FILTER (WHERE k.side = 0) OVER pair END
    FROM (
      SELECT u.*, row_number() OVER (PARTITION BY u.side ORDER BY u.pos) AS k
      FROM step3 u WHERE u.partner IS NULL
    ) k
    WINDOW pair AS (PARTITION BY k.k)
  ),
  -- Each desired item (target order d) with the section it keeps, if any.
  kept AS (
    SELECT
      g.d, g.item, g.section,
      coalesce(nullif(g.item -> 'description', 'null'),
        CASE WHEN g.section IS NULL THEN '""'::jsonb ELSE g.section -> 'description' END) AS description,
      coalesce(nullif(g.item -> 'status', 'null'),
        CASE WHEN g.section IS NULL THEN '"draft"'::jsonb ELSE g.section -> 'status' END) AS status
    FROM (
      SELECT p.d, p_desired -> (p.d - 1) AS item, p_existing -> (p.e_src - 1) AS section
      FROM (
        SELECT CASE WHEN m.side = 0 THEN m.pos ELSE m.partner END AS d,
          max(m.src) FILTER (WHERE m.side = 1) AS e_src
        FROM matched m
        WHERE m.side = 0 OR m.partner IS NOT NULL
        GROUP BY 1
      ) p
    ) g
  ),
  classified AS (
    SELECT
      k.*,
      k.section IS NOT NULL AS matched,
      k.section IS NOT NULL AND (k.section ->> 'order')::numeric <> k.d AS moved,
      k.section IS NOT NULL AND (
        k.item -> 'heading' IS DISTINCT FROM k.section -> 'heading'
        OR k.description IS DISTINCT FROM k.section -> 'description'
        OR k.status IS DISTINCT FROM k.section -> 'status'
      ) AS changed
    FROM kept k
  ),
  -- Operations as JSON text, cast to jsonb once at the end (far cheaper than a jsonb value per
  -- operation). A missing value is written as null, as jsonb_build_object would.
  operations AS (
    SELECT
      0 AS part, c.d AS position,
      CASE
        WHEN NOT c.matched THEN
          '{"type":"create","order":' || c.d
            || ',"heading":' || coalesce((c.item -> 'heading')::text, 'null')
            || ',"description":' || coalesce(c.description::text, 'null')
            || ',"status":' || coalesce(c.status::text, 'null') || '}'
        WHEN c.changed THEN
          '{"type":"update","id":' || coalesce(to_json(c.section ->> 'id')::text, 'null')
            || ',"from":' || coalesce((c.section -> 'order')::text, 'null')
            || ',"order":' || c.d
            || ',"heading":' || coalesce((c.item -> 'heading')::text, 'null')
            || ',"description":' || coalesce(c.description::text, 'null')
            || ',"status":' || coalesce(c.status::text, 'null') || '}'
        WHEN c.moved THEN
          '{"type":"move","id":' || coalesce(to_json(c.section ->> 'id')::text, 'null')
            || ',"from":' || coalesce((c.section -> 'order')::text, 'null')
            || ',"order":' || c.d || '}'
      END AS operation,
      NOT c.matched AS created, c.changed AS updated, c.moved AS moved, false AS deleted,
      c.matched AND NOT c.changed AND NOT c.moved AS unchanged
    FROM classified c
    UNION ALL
    SELECT
      1, m.pos,
      '{"type":"delete","id":' || coalesce(to_json(s.section ->> 'id')::text, 'null')
        || ',"from":' || coalesce((s.section -> 'order')::text, 'null') || '}',
      false, false, false, true, false
    FROM matched m
    CROSS JOIN LATERAL (SELECT p_existing -> (m.src - 1) AS section) s
    WHERE m.side = 1 AND m.partner IS NULL
  )
  SELECT (
    '{"operations":['
      || coalesce(string_agg(o.operation, ',' ORDER BY o.part, o.position), '')
      || '],"changes":{"created":' || count(*) FILTER (WHERE o.created)
      || ',"updated":' || count(*) FILTER (WHERE o.updated)
      || ',"moved":' || count(*) FILTER (WHERE o.moved)
      || ',"deleted":' || count(*) FILTER (WHERE o.deleted)
      || ',"unchanged":' || count(*) FILTER (WHERE o.unchanged) || '}}'
  )::jsonb
  FROM operations o
  );
END
$$;

-- One section of the canonical master, for callers that render rows without building jsonb:
-- '[' || string_agg(section_sync.render_section(id, section_order, ...), ',' ORDER BY
-- section_order) || ']' is render() of those rows. NULL description -> "", NULL status -> "draft".
-- Example: SELECT section_sync.render_section(7, 1, 'Intro', NULL, NULL);
--   {"id":7,"order":1,"heading":"Intro","description":"","status":"draft"}
-- STABLE, not IMMUTABLE, though it is pure: to_json is STABLE, and PostgreSQL inlines an
-- IMMUTABLE SQL function only when its body is immutable too. Inlined, it renders ~3x faster
-- (what whole-database checks spend their time on).
CREATE OR REPLACE FUNCTION section_sync.render_section(
  p_id bigint, p_order bigint, p_heading text, p_description text, p_status text
) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN '{"id":' || coalesce(p_id::text, 'null')
  || ',"order":' || p_order::text
  || ',"heading":' || to_json(p_heading)::text
  || ',"description":' || CASE WHEN p_description IS NULL OR p_description = '' THEN '""'
    ELSE to_json(p_description)::text END
  || ',"status":' || coalesce(to_json(p_status)::text, '"draft"')
  || '}';

-- render(sections): the canonical master text, byte-identical to TypeScript `render`: compact
-- JSON, one object per section in the given order, keys id, order, heading, description,
-- status, strings escaped as JSON.stringify does.
-- Example: SELECT section_sync.render('[{"id":7,"order":1,"heading":"Intro"}]');
--   [{"id":7,"order":1,"heading":"Intro","description":"","status":"draft"}]
CREATE OR REPLACE FUNCTION section_sync.render(p_sections jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT '[' || coalesce(string_agg(
  '{"id":' || coalesce(section_sync.json_id(s.value -> 'id'), 'null')
    || ',"order":' || (s.value -> 'order')::text
    || ',"heading":' || (s.value -> 'heading')::text
    || ',"description":' || CASE
      WHEN nullif(s.value -> 'description', 'null') IS NULL OR s.value -> 'description' = '""'
        THEN '""'
      ELSE (s.value -> 'description')::text END
    || ',"status":' || coalesce(nullif(s.value -> 'status', 'null')::text, '"draft"')
    || '}',
  ',' ORDER BY s.ordinality), '') || ']'
FROM jsonb_array_elements(p_sections) WITH ORDINALITY AS s
$$;

-- Whether parse() of this JSON array returns it unchanged: every item is an object with
-- exactly id, order, heading, description and status, every order is its position, every id a
-- bigint written as its plain digits (a JSON number, or a string of them: what a master
-- written from the wire's items holds), heading and status non-empty and trimmed, and no value breaks rule 6 or a
-- limit. That is what render writes, so a master the API or a rows -> master sync wrote parses
-- without the per-field work of parse_json_items. Control characters are ruled out for the whole
-- text at once: JSON text can hold them only escaped (\n, \u0007, ...) or, for U+007F-U+009F,
-- as themselves; a text with no such escape and none of those holds none, and then the only
-- trimmable character a value can hold is the space.
CREATE OR REPLACE FUNCTION section_sync.canonical_items(
  p_items jsonb, p_text text, p_max_heading integer, p_max_description integer,
  p_max_status integer
) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT p_text !~ '\\[bfnrtu]|[\u007f-\u009f]' AND (
    -- CASE, not AND: only an object can lose keys, only a number be cast. An absent field
    -- makes a test NULL, which bool_and would skip: each item's answer is coalesced to false.
    SELECT coalesce(bool_and(coalesce(CASE WHEN jsonb_typeof(e.value) = 'object'
          AND jsonb_typeof(e.value -> 'id') IN ('number', 'string') THEN
        e.value - '{id,order,heading,description,status}'::text[] = '{}'::jsonb
        AND section_sync.json_id(e.value -> 'id') = e.value ->> 'id'
        AND e.value ->> 'order' = e.ordinality::text
        AND jsonb_typeof(e.value -> 'heading') = 'string'
        AND jsonb_typeof(e.value -> 'description') = 'string'
        AND jsonb_typeof(e.value -> 'status') = 'string'
        AND e.value ->> 'heading' <> ''
        AND e.value ->> 'heading' NOT LIKE ' %' AND e.value ->> 'heading' NOT LIKE '% '
        AND length(e.value ->> 'heading') <= p_max_heading
        AND length(e.value ->> 'description') <= p_max_description
        AND e.value ->> 'status' <> ''
        AND e.value ->> 'status' NOT LIKE ' %' AND e.value ->> 'status' NOT LIKE '% '
        AND length(e.value ->> 'status') <= p_max_status
      END, false)), true)
    FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e)
$$;

-- The plan when step 1 decides everything: ids are unique on each side, and after matching by
-- id nothing is left over on one of the two sides (every desired item names an existing
-- section, or every existing section is named), so steps 2-4 find no pair and what is left is
-- created or deleted. That is the usual edit of a master the API or a sync rendered (it carries
-- every id), and here it costs one hash join instead of the windows of the five steps. NULL
-- when the shortcut does not apply; plan() then runs all five. Same output as plan(), operation
-- for operation. The existing sections come as arrays (ids, orders, headings, descriptions,
-- statuses, in any order), so rows read from a table need not be built into jsonb first.
CREATE OR REPLACE FUNCTION section_sync.plan_by_ids_of(
  p_ids bigint[], p_orders integer[], p_headings text[], p_descriptions text[],
  p_statuses text[], p_desired jsonb
) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH desired AS (
    -- Fields as text; an absent (or null) description or status keeps the section's.
    SELECT x.ordinality::integer AS d,
      section_sync.json_id(x.value -> 'id')::numeric AS id,
      x.value ->> 'heading' AS heading,
      x.value -> 'description' AS description_json,
      x.value -> 'status' AS status_json,
      jsonb_typeof(x.value -> 'heading') = 'string'
        AND coalesce(jsonb_typeof(nullif(x.value -> 'description', 'null')), 'string') = 'string'
        AND coalesce(jsonb_typeof(nullif(x.value -> 'status', 'null')), 'string') = 'string'
        AS strings
    FROM jsonb_array_elements(p_desired) WITH ORDINALITY AS x
  ),
  existing AS (
    SELECT row_number() OVER (ORDER BY e.ord, e.n)::integer AS pos, e.*
    FROM unnest(p_ids, p_orders, p_headings, p_descriptions, p_statuses) WITH ORDINALITY
      AS e(id, ord, heading, description, status, n)
  ),
  pairs AS MATERIALIZED (
    SELECT d.d, d.d IS NOT NULL AS wanted, d.strings, e.pos, e.id AS section_id, e.ord,
      e.id IS NOT NULL AS matched, d.heading, e.heading AS heading_before,
      coalesce(nullif(d.description_json, 'null') #>> '{}',
               CASE WHEN e.id IS NULL THEN '' ELSE e.description END) AS description,
      coalesce(nullif(d.status_json, 'null') #>> '{}',
               CASE WHEN e.id IS NULL THEN 'draft' ELSE e.status END) AS status,
      e.description AS description_before, e.status AS status_before
    FROM desired d
    FULL JOIN existing e ON e.id = d.id
  ),
  -- A section two items name, or an item naming two sections (duplicate ids), is step 1's
  -- business (first item, last section): the five steps decide those.
  applies AS (
    SELECT coalesce(bool_and(p.strings) FILTER (WHERE p.wanted), true)
      AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.wanted AND p.matched
                      GROUP BY p.section_id HAVING count(*) > 1)
      AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.wanted AND p.matched
                      GROUP BY p.d HAVING count(*) > 1)
      AND (bool_and(p.matched) FILTER (WHERE p.wanted) IS NOT FALSE
           OR bool_and(p.wanted) FILTER (WHERE p.matched) IS NOT FALSE) AS yes
    FROM pairs p
  ),
  classified AS (
    SELECT p.*,
      p.wanted AND p.matched AND p.ord <> p.d AS moved,
      p.wanted AND p.matched AND (p.heading IS DISTINCT FROM p.heading_before
        OR p.description IS DISTINCT FROM p.description_before
        OR p.status IS DISTINCT FROM p.status_before) AS changed
    FROM pairs p
  ),
  operations AS (
    SELECT
      CASE WHEN c.wanted THEN 0 ELSE 1 END AS part,
      CASE WHEN c.wanted THEN c.d ELSE c.pos END AS position,
      CASE
        WHEN NOT c.wanted THEN
          '{"type":"delete","id":"' || c.section_id || '","from":' || c.ord || '}'
        WHEN NOT c.matched THEN
          '{"type":"create","order":' || c.d
            || ',"heading":' || to_json(c.heading)::text
            || ',"description":' || to_json(c.description)::text
            || ',"status":' || to_json(c.status)::text || '}'
        WHEN c.changed THEN
          '{"type":"update","id":"' || c.section_id || '","from":' || c.ord
            || ',"order":' || c.d
            || ',"heading":' || to_json(c.heading)::text
            || ',"description":' || coalesce(to_json(c.description)::text, 'null')
            || ',"status":' || coalesce(to_json(c.status)::text, 'null') || '}'
        WHEN c.moved THEN
          '{"type":"move","id":"' || c.section_id || '","from":' || c.ord
            || ',"order":' || c.d || '}'
      END AS operation,
      NOT c.matched AS created, c.changed AS updated, c.moved AS moved,
      NOT c.wanted AS deleted,
      c.wanted AND c.matched AND NOT c.changed AND NOT c.moved AS unchanged
    FROM classified c
  )
  SELECT CASE WHEN a.yes THEN (
    SELECT (
      '{"operations":['
        || coalesce(string_agg(o.operation, ',' ORDER BY o.part, o.position), '')
        || '],"changes":{"created":' || count(*) FILTER (WHERE o.created)
        || ',"updated":' || count(*) FILTER (WHERE o.updated)
        || ',"moved":' || count(*) FILTER (WHERE o.moved)
        || ',"deleted":' || count(*) FILTER (WHERE o.deleted)
        || ',"unchanged":' || count(*) FILTER (WHERE o.unchanged) || '}}'
    )::jsonb
    FROM operations o) END
  FROM applies a
$$;

-- plan_by_ids_of for existing sections given as jsonb (as plan() takes them): NULL, so the five
-- steps decide, unless every section has an integer id and order and string fields.
CREATE OR REPLACE FUNCTION section_sync.plan_by_ids(p_existing jsonb, p_desired jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN coalesce(bool_and(coalesce(
      jsonb_typeof(x.value -> 'id') IN ('number', 'string')
      AND jsonb_typeof(x.value -> 'order') = 'number'
      AND x.value ->> 'id' ~ '^-?[0-9]{1,18}$' AND x.value ->> 'order' ~ '^-?[0-9]{1,9}$'
      AND jsonb_typeof(x.value -> 'heading') = 'string'
      AND jsonb_typeof(x.value -> 'description') = 'string'
      AND jsonb_typeof(x.value -> 'status') = 'string', false)), true)
    THEN section_sync.plan_by_ids_of(
      -- Cast only what passed the test: the aggregates run whatever CASE decides.
      coalesce(array_agg(CASE WHEN x.value ->> 'id' ~ '^-?[0-9]{1,18}$'
        THEN (x.value ->> 'id')::bigint END ORDER BY x.ordinality), '{}'),
      coalesce(array_agg(CASE WHEN x.value ->> 'order' ~ '^-?[0-9]{1,9}$'
        THEN (x.value ->> 'order')::integer END ORDER BY x.ordinality), '{}'),
      coalesce(array_agg(x.value ->> 'heading' ORDER BY x.ordinality), '{}'),
      coalesce(array_agg(x.value ->> 'description' ORDER BY x.ordinality), '{}'),
      coalesce(array_agg(x.value ->> 'status' ORDER BY x.ordinality), '{}'),
      p_desired) END
  FROM jsonb_array_elements(p_existing) WITH ORDINALITY AS x
$$;

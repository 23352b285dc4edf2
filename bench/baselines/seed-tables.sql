-- The original design's two tables, as its code uses them, in a schema of their own
-- ({{schema}}) so the baselines never touch section-sync's tables or triggers. Columns are the
-- ones the seed's SQL and Python read and write, plus the same 1,200-character host column
-- (draft_body) the benchmarks give our rows, so both sides move rows of the same width. The
-- index is the one the seed's "Performance Issues" section adds; the seed declares no unique
-- (post_id, section_order) constraint.
CREATE SCHEMA IF NOT EXISTS {{schema}};

CREATE TABLE {{schema}}.post_development (
  post_id bigint PRIMARY KEY,
  section_headings text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.post_section (
  id serial PRIMARY KEY,
  post_id bigint NOT NULL,
  section_order integer NOT NULL,
  section_heading text,
  section_description text,
  status text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  draft_body text
);

CREATE INDEX idx_post_section_post_order ON {{schema}}.post_section (post_id, section_order);

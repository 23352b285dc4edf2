-- 0007: section-sync's own tables leave the host's schema for the product's: the sync log and
-- the small tables of retention, metrics and checks become section_sync.log, log_pruned,
-- log_uncounted, totals and state. Only post_development and post_section stay in the host's
-- schema. Existing installs keep every row: SET SCHEMA moves a table with its rows, indexes,
-- identity sequence, constraints and triggers, and takes a brief ACCESS EXCLUSIVE lock on each
-- of these five tables only (never on the host's).
-- Renamed tables are section-sync's own, read only by its functions (re-applied in the same run)
-- and by its TypeScript, shipped together: no client of the old names is left to break.
-- squawk-ignore-file renaming-table
ALTER TABLE {{schema}}.section_sync_log SET SCHEMA section_sync;
ALTER TABLE section_sync.section_sync_log RENAME TO log;
ALTER INDEX section_sync.section_sync_log_post_id_id_idx RENAME TO log_post_id_id_idx;
ALTER SEQUENCE section_sync.section_sync_log_id_seq RENAME TO log_id_seq;

ALTER TABLE {{schema}}.section_sync_log_pruned SET SCHEMA section_sync;
ALTER TABLE section_sync.section_sync_log_pruned RENAME TO log_pruned;

ALTER TABLE {{schema}}.section_sync_log_uncounted SET SCHEMA section_sync;
ALTER TABLE section_sync.section_sync_log_uncounted RENAME TO log_uncounted;

ALTER TABLE {{schema}}.section_sync_totals SET SCHEMA section_sync;
ALTER TABLE section_sync.section_sync_totals RENAME TO totals;

ALTER TABLE {{schema}}.section_sync_state SET SCHEMA section_sync;
ALTER TABLE section_sync.section_sync_state RENAME TO state;

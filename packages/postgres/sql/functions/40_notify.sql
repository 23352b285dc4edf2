-- Repeatable (re-applied by migrate whenever a function file changes): announce every logged sync on the channel 'section_sync', so servers can push live updates
-- (Server-Sent Events) to pages. Every effective sync, whoever wrote (API, CLI, a trigger fired by
-- plain SQL, a rollback), appends one section_sync.log row, so one trigger on the log covers all.
-- NOTIFY is transactional: listeners hear of the change only when it commits, and never of a
-- rolled-back one. The payload is small (ids only): listeners read the post's state themselves.
-- `schema` is the host tables' schema (the log lives in section_sync whatever it is).

CREATE OR REPLACE FUNCTION section_sync.notify_log_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(
    'section_sync',
    json_build_object(
      'postId', NEW.post_id,
      'logId', NEW.id,
      'direction', NEW.direction,
      'origin', NEW.origin,
      'schema', {{schema_literal}}
    )::text
  );
  RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS section_sync_log_notify ON section_sync.log;
CREATE TRIGGER section_sync_log_notify
  AFTER INSERT ON section_sync.log
  FOR EACH ROW EXECUTE FUNCTION section_sync.notify_log_entry();

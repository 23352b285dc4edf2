-- The original design's secondary triggers (post_section -> post_development), copied from
-- "Secondary Sync Trigger (Optional)" with two changes only:
--   1. table names carry {{schema}};
--   2. `#variable_conflict use_variable`: as written, `SET section_headings =
--      section_headings::TEXT` is ambiguous between the variable and the column of
--      post_development, and PostgreSQL rejects it (42702) at the first row written. The pragma
--      makes it mean what the author meant (the variable).
-- Everything else is the seed's: FOR EACH ROW, so one statement touching n rows re-reads and
-- re-renders the whole post n times, each render growing a jsonb array one element at a time.
CREATE OR REPLACE FUNCTION {{schema}}.sync_sections_to_section_headings()
RETURNS TRIGGER AS $$
#variable_conflict use_variable
DECLARE
    section_headings JSONB;
    section_record RECORD;
BEGIN
    -- Build JSON array from current sections
    section_headings := '[]'::JSONB;

    FOR section_record IN
        SELECT section_order, section_heading, section_description, status
        FROM {{schema}}.post_section
        WHERE post_id = COALESCE(NEW.post_id, OLD.post_id)
        ORDER BY section_order
    LOOP
        section_headings := section_headings || jsonb_build_object(
            'order', section_record.section_order,
            'heading', section_record.section_heading,
            'description', COALESCE(section_record.section_description, ''),
            'status', COALESCE(section_record.status, 'draft')
        );
    END LOOP;

    -- Update post_development
    UPDATE {{schema}}.post_development
    SET section_headings = section_headings::TEXT,
        updated_at = CURRENT_TIMESTAMP
    WHERE post_id = COALESCE(NEW.post_id, OLD.post_id);

    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trigger_sync_sections_to_headings_insert
    AFTER INSERT ON {{schema}}.post_section
    FOR EACH ROW
    EXECUTE FUNCTION {{schema}}.sync_sections_to_section_headings();

CREATE TRIGGER trigger_sync_sections_to_headings_update
    AFTER UPDATE ON {{schema}}.post_section
    FOR EACH ROW
    EXECUTE FUNCTION {{schema}}.sync_sections_to_section_headings();

CREATE TRIGGER trigger_sections_to_headings_delete
    AFTER DELETE ON {{schema}}.post_section
    FOR EACH ROW
    EXECUTE FUNCTION {{schema}}.sync_sections_to_section_headings();

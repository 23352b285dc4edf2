-- The original design's primary trigger (post_development -> post_section), copied from
-- "Primary Sync Trigger" with two changes only:
--   1. table names carry {{schema}} (its own tables, next to ours);
--   2. `#variable_conflict use_variable`: as written, `SET status = status` is ambiguous
--      between the PL/pgSQL variable and the column, and PostgreSQL rejects the function body
--      the first time an existing section is updated (42702). The pragma makes it mean what the
--      author meant (the variable); nothing else changes.
-- Everything else is the seed's: a loop over the JSON items, one SELECT and one UPDATE or
-- INSERT per item, matched by POSITION (so a reorder or insert moves headings between rows,
-- and a row's id and host columns end up under another heading), JSON strings stored with
-- their quotes, invalid JSON accepted with a warning.
CREATE OR REPLACE FUNCTION {{schema}}.sync_section_headings_to_sections()
RETURNS TRIGGER AS $$
#variable_conflict use_variable
DECLARE
    section_data JSONB;
    section_item JSONB;
    section_id INTEGER;
    i INTEGER := 0;
BEGIN
    -- Only proceed if section_headings was updated
    IF OLD.section_headings IS NOT DISTINCT FROM NEW.section_headings THEN
        RETURN NEW;
    END IF;

    -- Parse the section_headings JSON
    IF NEW.section_headings IS NULL OR NEW.section_headings = '' THEN
        -- Clear all sections for this post
        DELETE FROM {{schema}}.post_section WHERE post_id = NEW.post_id;
        RETURN NEW;
    END IF;

    BEGIN
        section_data := NEW.section_headings::JSONB;
    EXCEPTION WHEN OTHERS THEN
        -- Handle invalid JSON - log error but don't fail
        RAISE WARNING 'Invalid JSON in section_headings for post %: %', NEW.post_id, NEW.section_headings;
        RETURN NEW;
    END;

    -- Process each section in the array
    FOR section_item IN SELECT * FROM jsonb_array_elements(section_data)
    LOOP
        i := i + 1;

        -- Extract section data
        DECLARE
            heading TEXT;
            description TEXT;
            status TEXT;
        BEGIN
            -- Handle different JSON formats
            IF jsonb_typeof(section_item) = 'string' THEN
                heading := section_item::TEXT;
                description := '';
                status := 'draft';
            ELSE
                heading := COALESCE(section_item->>'heading', section_item->>'title', 'Section ' || i);
                description := COALESCE(section_item->>'description', '');
                status := COALESCE(section_item->>'status', 'draft');
            END IF;

            -- Find existing section or create new one
            SELECT id INTO section_id
            FROM {{schema}}.post_section
            WHERE post_id = NEW.post_id AND section_order = i;

            IF section_id IS NULL THEN
                -- Create new section
                INSERT INTO {{schema}}.post_section (
                    post_id, section_order, section_heading,
                    section_description, status
                ) VALUES (
                    NEW.post_id, i, heading, description, status
                );
            ELSE
                -- Update existing section
                UPDATE {{schema}}.post_section
                SET section_heading = heading,
                    section_description = description,
                    status = status,
                    updated_at = CURRENT_TIMESTAMP
                WHERE id = section_id;
            END IF;
        END;
    END LOOP;

    -- Remove sections that are no longer in the list
    DELETE FROM {{schema}}.post_section
    WHERE post_id = NEW.post_id AND section_order > i;

    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trigger_sync_section_headings
    AFTER UPDATE OF section_headings ON {{schema}}.post_development
    FOR EACH ROW
    EXECUTE FUNCTION {{schema}}.sync_section_headings_to_sections();

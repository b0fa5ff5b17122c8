-- Movement reports (docs/design/statistics.md). Each span keeps why it began and ended, as
-- domain::stats::span_causes classifies them (codes of FlowKind), so that the in-memory index
-- answers a period's movements without re-reading events. Rows written before this migration
-- have NULL causes; opening the store re-derives those members once.
ALTER TABLE membership_spans ADD COLUMN entered TEXT;
ALTER TABLE membership_spans ADD COLUMN left_by TEXT;

-- Periods of temporary party activity away from the home chi bộ (History::temporary), derived
-- with the spans and replaced with them.
CREATE TABLE temporary_spans (
    member_id INTEGER NOT NULL REFERENCES members (id),
    unit_id INTEGER REFERENCES units (id),
    external_unit TEXT,
    valid_from DATE NOT NULL,
    valid_to DATE
);
CREATE INDEX temporary_spans_member ON temporary_spans (member_id);

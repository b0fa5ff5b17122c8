-- Tasks a chi bộ assigns to its members (domain::member_tasks): what, from which day, by when,
-- and for each member named the day they reported it done and what they reported.
CREATE TABLE member_tasks (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    title TEXT NOT NULL,
    details TEXT,
    assigned_on DATE NOT NULL,
    due_on DATE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX member_tasks_unit ON member_tasks (unit_id, assigned_on);

CREATE TABLE member_task_assignees (
    task_id INTEGER NOT NULL REFERENCES member_tasks (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    done_on DATE,
    report TEXT,
    reported_at TEXT,
    PRIMARY KEY (task_id, member_id)
);
CREATE INDEX member_task_assignees_member ON member_task_assignees (member_id);

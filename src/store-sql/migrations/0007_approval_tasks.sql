-- 0007_approval_tasks: human approval tasks opened by runs (src/engine/run-approvals.ts).
-- Applied migrations are never edited; add a new numbered file instead.
--
-- A run's `ctx.approval` opens one task per (run, step) and waits for its decision (a wait on
-- the correlation key `approval:<id>`, 0006). Deciding a task records who and why and signals the
-- run; a task nobody decides by `due_at` is escalated (new assignee and deadline, `escalations`
-- counted) or expires. `state` mirrors APPROVAL_STATES in src/store/approval-task-params.ts.
create table approval_tasks (
  tenant_id   text   not null,
  id          bigserial not null,
  run_id      bigint not null,
  step_name   text   not null,
  title       text   not null,
  subject     jsonb  not null,
  assignee    text   not null,
  state       text   not null
    constraint approval_tasks_state_check check (state in ('open', 'approved', 'rejected', 'expired')),
  escalations integer not null default 0,
  created_at  bigint not null,
  due_at      bigint not null,
  decided_at  bigint,
  decided_by  text,
  reason      text,
  primary key (tenant_id, id),
  constraint approval_tasks_step_key unique (tenant_id, run_id, step_name),
  foreign key (tenant_id, run_id) references flow_runs (tenant_id, id)
);

-- The operator's list: open tasks, newest first, optionally by assignee.
create index approval_tasks_state_idx on approval_tasks (tenant_id, state, id);

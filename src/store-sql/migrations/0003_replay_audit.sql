-- 0003_replay_audit: self-contained dead letters, replay scopes and the audit log.
-- Applied migrations are never edited; add a new numbered file instead.

-- A dead letter carries what an operator triages by, copied when the run dies: it must outlive
-- the inbox message it came from (a DLQ is kept longer than its source, the SQS lesson).
alter table dead_letters
  add column enqueued_at    bigint,
  add column correlation_id text,
  add column error_class    text;

update dead_letters d
set enqueued_at = m.received_at,
    correlation_id = m.source_message_id,
    error_class = coalesce(d.error ->> 'type', 'internal')
from flow_runs r
join inbox_messages m on m.tenant_id = r.tenant_id and m.id = r.inbox_id
where r.tenant_id = d.tenant_id and r.id = d.run_id;

alter table dead_letters
  alter column enqueued_at set not null,
  alter column correlation_id set not null,
  alter column error_class set not null;

-- A forced replay is a new run of a completed run's message in a fresh idempotency scope:
-- the original run and its steps stay as they were (terminal states never regress).
alter table flow_runs
  add column replay_scope text,
  add column replay_of    bigint,
  add constraint flow_runs_replay_of_fkey
    foreign key (tenant_id, replay_of) references flow_runs (tenant_id, id);

-- Replay by time window selects runs by when they were created (their event's arrival).
create index flow_runs_created_idx on flow_runs (tenant_id, created_at, id);

-- Who did what, when, to what, with which outcome. The hub only ever inserts here; the trigger
-- refuses updates and deletes so that a bug (or an injected statement) cannot rewrite history.
create table audit_log (
  tenant_id      text      not null,
  id             bigserial not null,
  at             bigint    not null,
  actor          text      not null,
  action         text      not null,
  subject        jsonb     not null,
  outcome        text      not null,
  details        jsonb     not null default '{}'::jsonb,
  interaction_id text,
  primary key (tenant_id, id)
);

create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op;
end
$$;

create trigger audit_log_append_only
  before update or delete on audit_log
  for each row execute function audit_log_refuse_change();

create trigger audit_log_no_truncate
  before truncate on audit_log
  for each statement execute function audit_log_refuse_change();

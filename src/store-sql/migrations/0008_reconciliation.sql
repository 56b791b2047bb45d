-- 0008_reconciliation: reconciliation runs and the breaks they find (src/reconciliation).
-- Applied migrations are never edited; add a new numbered file instead.
--
-- A run compares a golden source (e.g. the 3PL's on-hand) with one target (NetSuite, Shopify) and
-- records each break once per (run, key). A break moves open -> healing -> healed, or to assigned
-- -> closed for a person; `state` and `break_class` mirror BREAK_STATES and BREAK_CLASSES in
-- src/store/reconciliation-params.ts. `heal_ref` is the engine run that repairs it.
create table reconciliation_runs (
  tenant_id   text   not null,
  id          bigserial not null,
  domain      text   not null,
  source      text   not null,
  target      text   not null,
  state       text   not null
    constraint reconciliation_runs_state_check check (state in ('running', 'finished', 'failed')),
  started_at  bigint not null,
  finished_at bigint,
  stats       jsonb  not null default '{}'::jsonb,
  primary key (tenant_id, id)
);

create table reconciliation_breaks (
  tenant_id    text   not null,
  id           bigserial not null,
  run_id       bigint not null,
  domain       text   not null,
  target       text   not null,
  entity_key   text   not null,
  break_class  text   not null
    constraint reconciliation_breaks_class_check
      check (break_class in ('missing_in_target', 'missing_in_source', 'field_mismatch', 'duplicate')),
  cause        text   not null,
  source_value jsonb,
  target_value jsonb,
  diff         double precision,
  state        text   not null
    constraint reconciliation_breaks_state_check
      check (state in ('open', 'healing', 'healed', 'assigned', 'closed')),
  assignee     text,
  heal_ref     text,
  note         text,
  opened_at    bigint not null,
  updated_at   bigint not null,
  closed_at    bigint,
  primary key (tenant_id, id),
  constraint reconciliation_breaks_run_key unique (tenant_id, run_id, entity_key),
  foreign key (tenant_id, run_id) references reconciliation_runs (tenant_id, id)
);

-- Work lists (healing to settle, assigned to a person) and the SLI window scan.
create index reconciliation_breaks_state_idx on reconciliation_breaks (tenant_id, state, id);
create index reconciliation_breaks_opened_idx on reconciliation_breaks (tenant_id, opened_at);

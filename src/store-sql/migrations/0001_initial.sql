-- 0001_initial: the hub's first schema. Applied migrations are never edited; add 0002_... instead.
--
-- Every table is scoped by tenant_id, and primary keys lead with it so that composite foreign keys
-- make it impossible for a row of one tenant to point at another tenant's row.
-- Times are bigint epoch milliseconds from the engine's clock (never the database's now()).
-- The CHECK lists mirror RUN_STATES, STEP_STATES and STEP_KINDS in src/store/store-contract.ts.

create table inbox_messages (
  tenant_id         text   not null,
  id                bigserial not null,
  source_system     text   not null,
  source_message_id text   not null,
  connection        text   not null,
  topic             text   not null,
  -- The body exactly as received: text, not jsonb, so int64 ids, key order and signatures survive.
  payload           text   not null,
  headers           jsonb  not null default '{}'::jsonb,
  received_at       bigint not null,
  triggered_at      bigint,
  primary key (tenant_id, id),
  constraint inbox_messages_source_key unique (tenant_id, source_system, source_message_id)
);

create table flow_runs (
  tenant_id        text    not null,
  id               bigserial not null,
  flow_name        text    not null,
  business_key     text    not null,
  state            text    not null
    constraint flow_runs_state_check
    check (state in ('pending', 'running', 'retrying', 'completed', 'dead')),
  attempt          integer not null default 0,
  next_run_at      bigint  not null,
  lease_owner      text,
  -- Bumped by every claim; every state change of a claimed run is fenced by it.
  lease_version    bigint  not null default 0,
  lease_expires_at bigint,
  output           jsonb,
  last_error       jsonb,
  inbox_id         bigint  not null,
  created_at       bigint  not null,
  updated_at       bigint  not null,
  completed_at     bigint,
  primary key (tenant_id, id),
  foreign key (tenant_id, inbox_id) references inbox_messages (tenant_id, id)
);

-- Claim: due pending/retrying runs in (next_run_at, id) order.
create index flow_runs_due_idx on flow_runs (tenant_id, next_run_at, id)
  where state in ('pending', 'retrying');
-- Claim: running runs whose worker stopped renewing its lease.
create index flow_runs_lease_expiry_idx on flow_runs (tenant_id, lease_expires_at)
  where state = 'running';
-- Claim: "is an earlier run of this business key still unfinished?" stays a tiny index probe.
create index flow_runs_active_key_idx on flow_runs (tenant_id, business_key, id)
  where state in ('pending', 'running', 'retrying');
-- Operators look runs up by business key, newest first.
create index flow_runs_business_key_idx on flow_runs (tenant_id, business_key, id);
create index flow_runs_inbox_idx on flow_runs (tenant_id, inbox_id);

create table flow_steps (
  tenant_id       text    not null,
  run_id          bigint  not null,
  name            text    not null,
  kind            text    not null
    constraint flow_steps_kind_check check (kind in ('local', 'delivery')),
  state           text    not null
    constraint flow_steps_state_check
    check (state in ('started', 'in_doubt', 'failed', 'completed')),
  attempts        integer not null default 0,
  output          jsonb,
  -- Created once by the first attempt and reused by every later attempt and replay.
  idempotency_key text,
  target          text,
  operation       text,
  started_at      bigint,
  finished_at     bigint,
  last_error      jsonb,
  primary key (tenant_id, run_id, name),
  foreign key (tenant_id, run_id) references flow_runs (tenant_id, id)
);

create index flow_steps_unresolved_idx on flow_steps (tenant_id, run_id)
  where state in ('started', 'in_doubt');

create table dead_letters (
  tenant_id   text    not null,
  id          bigserial not null,
  run_id      bigint  not null,
  reason      text    not null,
  error       jsonb   not null,
  attempts    integer not null,
  dead_at     bigint  not null,
  replayed_at bigint,
  primary key (tenant_id, id),
  foreign key (tenant_id, run_id) references flow_runs (tenant_id, id)
);

create index dead_letters_open_idx on dead_letters (tenant_id, id) where replayed_at is null;
create index dead_letters_run_idx on dead_letters (tenant_id, run_id);

create table sync_ledger (
  tenant_id     text   not null,
  entity_type   text   not null,
  business_key  text   not null,
  source_system text   not null,
  source_id     text   not null,
  target_system text   not null,
  target_id     text   not null,
  run_id        bigint not null,
  updated_at    bigint not null,
  constraint sync_ledger_pkey
    primary key (tenant_id, entity_type, source_system, source_id, target_system),
  foreign key (tenant_id, run_id) references flow_runs (tenant_id, id)
);

create index sync_ledger_business_key_idx on sync_ledger (tenant_id, business_key);
create index sync_ledger_target_idx on sync_ledger (tenant_id, target_system, target_id);

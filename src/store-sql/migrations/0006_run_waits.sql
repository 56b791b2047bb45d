-- 0006_run_waits: durable timers and waits for events (src/engine/run-waits.ts).
-- Applied migrations are never edited; add a new numbered file instead.
--
-- A run that sleeps or waits for an event gives its worker back: it is `waiting`, with no lease,
-- and `next_run_at` is its deadline. The wait itself is a step of kind `wait`, `started` while it
-- waits (its `correlation_key` says for what; the run's `next_run_at` until when) and `completed` with
-- the event or the timeout. A signal completes the waits of runs that are `waiting` and moves
-- their `next_run_at` to now, so the claim picks them up like any due run. `waiting` is not an
-- active state for the business key: the key's next run may go while this one waits for days.
alter table flow_runs drop constraint flow_runs_state_check;
alter table flow_runs add constraint flow_runs_state_check
  check (state in ('pending', 'running', 'retrying', 'waiting', 'completed', 'dead', 'compensated'));

-- Claim: waiting runs whose deadline passed or that a signal woke, in (next_run_at, id) order.
create index flow_runs_waiting_idx on flow_runs (tenant_id, next_run_at, id)
  where state = 'waiting';

alter table flow_steps drop constraint flow_steps_kind_check;
alter table flow_steps add constraint flow_steps_kind_check
  check (kind in ('local', 'delivery', 'wait'));
alter table flow_steps add column correlation_key text;

-- Signal: the open waits for one correlation key.
create index flow_steps_open_waits_idx on flow_steps (tenant_id, correlation_key)
  where kind = 'wait' and state = 'started';

-- Events signalled to waiting runs. One row per (tenant, event id): a repeated signal is a
-- duplicate. An event no run waits for yet is kept unconsumed, and the first wait on its key
-- takes it at once, so an event that overtakes the wait for it is not lost.
create table run_events (
  tenant_id       text   not null,
  id              bigserial not null,
  event_id        text   not null,
  correlation_key text   not null,
  name            text   not null,
  payload         jsonb  not null,
  received_at     bigint not null,
  consumed_at     bigint,
  consumed_by_run bigint,
  primary key (tenant_id, id),
  constraint run_events_event_id_key unique (tenant_id, event_id)
);

create index run_events_unconsumed_idx on run_events (tenant_id, correlation_key, id)
  where consumed_at is null;

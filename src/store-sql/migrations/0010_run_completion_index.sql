-- The policy alerts (store-sql/queries/flow-health-query.ts) count, every few seconds, the runs
-- that finished in a trailing window. Without this index that is a scan of every run ever made;
-- with it, a range read of the window. Only `completed_at` is keyed: it is written when a run
-- completes (or is compensated) and cleared by a replay, never by claims or heartbeats, so the
-- engine's frequent updates of a run still touch no indexed column here.
create index flow_runs_completed_idx on flow_runs (tenant_id, completed_at)
  where completed_at is not null;

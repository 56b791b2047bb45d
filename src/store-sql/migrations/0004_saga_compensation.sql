-- 0004_saga_compensation: a run can end `compensated` (saga compensation, src/engine/saga-compensation.ts).
-- Applied migrations are never edited; add a new numbered file instead.
--
-- A run that failed for good after some of its deliveries had applied, and whose flow registered
-- an undo for each of them, is not dead-lettered: the engine applies the undos (recorded as steps
-- `saga/undo/<step>`) and ends the run in this terminal state. The list mirrors RUN_STATES in
-- src/store/store-contract.ts. It is not one of the claimable or "active" states, so the partial
-- indexes of 0001 need no change and the next run of the same business key may go.
alter table flow_runs drop constraint flow_runs_state_check;
alter table flow_runs add constraint flow_runs_state_check
  check (state in ('pending', 'running', 'retrying', 'completed', 'dead', 'compensated'));

-- The newest source version applied to each business key at each target: the per-entity version
-- guard reads it before a delivery, and step completion raises it in the same transaction, so a
-- stale or repeated version is never applied over a newer one (reliability campaign, test 8).
create table entity_versions (
  tenant_id    text   not null,
  target       text   not null,
  business_key text   not null,
  version      bigint not null,
  run_id       bigint not null,
  updated_at   bigint not null,
  constraint entity_versions_pkey primary key (tenant_id, target, business_key),
  foreign key (tenant_id, run_id) references flow_runs (tenant_id, id)
);

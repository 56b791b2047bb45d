-- Echo suppression: what the hub itself last wrote to each system for each entity. An inbound
-- change whose values hash to what the hub wrote there is the hub's own write coming back (an
-- echo) and is dropped, so a two-way sync never loops. One row per (tenant, system, entity);
-- `fields` keeps a hash per field so a change event that carries only some of the written fields
-- is still recognised.
create table sync_watermarks (
  tenant_id      text   not null,
  system         text   not null,
  entity_key     text   not null,
  content_hash   text   not null,
  field_hashes   jsonb  not null,
  source_version bigint,
  written_at     bigint not null,
  constraint sync_watermarks_pkey primary key (tenant_id, system, entity_key)
);

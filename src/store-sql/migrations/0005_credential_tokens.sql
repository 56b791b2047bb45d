-- 0005_credential_tokens: the shared copy of each connector credential's access token (docs/credentials.md).
-- Applied migrations are never edited; add a new numbered file instead.
--
-- Hubs sharing this database refresh a credential's token one at a time (a PostgreSQL advisory
-- lock, src/store-postgres/advisory-credential-lock.ts) and leave the result here, so the others
-- take it instead of asking the vendor again. `sealed` is AES-256-GCM ciphertext under a key
-- derived from the credential's own secret, which the database never holds: a copy of this table
-- alone reveals no token. `expires_at` (epoch ms, the hub clock) lets a hub skip a stale copy
-- without unsealing it; `version` fences writes (compare-and-set) so a writer that lost its lock
-- cannot overwrite a newer token.
create table credential_tokens (
  tenant_id      text   not null,
  credential_key text   not null,
  sealed         text   not null,
  expires_at     bigint not null,
  version        bigint not null check (version >= 1),
  updated_at     bigint not null,
  constraint credential_tokens_pkey primary key (tenant_id, credential_key)
);

/** @module store-sql/queries/credential-token-get-query — the shared copy of a credential's token. */
import type { Kysely } from 'kysely'
import type { CredentialTokenKey, CredentialTokenRecord } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'

export async function credentialTokenGet(
  db: Kysely<Database>,
  params: CredentialTokenKey,
): Promise<CredentialTokenRecord | null> {
  const row = await db
    .selectFrom('credential_tokens')
    .select(['sealed', 'expires_at', 'version', 'updated_at'])
    .where('tenant_id', '=', params.tenantId)
    .where('credential_key', '=', params.credentialKey)
    .executeTakeFirst()
  if (row === undefined) return null
  return {
    sealed: row.sealed,
    expiresAt: Number(row.expires_at),
    version: Number(row.version),
    updatedAt: Number(row.updated_at),
  }
}

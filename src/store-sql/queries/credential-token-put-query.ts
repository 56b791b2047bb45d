/** @module store-sql/queries/credential-token-put-query — writes a credential's shared token copy, fenced by its version. */
import { sql, type Kysely } from 'kysely'
import type { CredentialTokenPutParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'

/**
 * Compare-and-set in one statement: the first copy is an insert that yields to a concurrent one,
 * every later copy an update of the version that was read. Either way a writer that lost the race
 * (or its lock) changes nothing and learns it from the null.
 */
export async function credentialTokenPut(
  db: Kysely<Database>,
  params: CredentialTokenPutParams,
): Promise<number | null> {
  if (params.expectedVersion === null) {
    const inserted = await db
      .insertInto('credential_tokens')
      .values({
        tenant_id: params.tenantId,
        credential_key: params.credentialKey,
        sealed: params.sealed,
        expires_at: params.expiresAt,
        version: 1,
        updated_at: params.now,
      })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'credential_key']).doNothing())
      .returning('version')
      .executeTakeFirst()
    return inserted === undefined ? null : Number(inserted.version)
  }
  const updated = await db
    .updateTable('credential_tokens')
    .set({
      sealed: params.sealed,
      expires_at: params.expiresAt,
      version: sql<string>`version + 1`,
      updated_at: params.now,
    })
    .where('tenant_id', '=', params.tenantId)
    .where('credential_key', '=', params.credentialKey)
    .where('version', '=', String(params.expectedVersion))
    .returning('version')
    .executeTakeFirst()
  return updated === undefined ? null : Number(updated.version)
}

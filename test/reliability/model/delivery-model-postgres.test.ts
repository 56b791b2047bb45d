// Proves (campaign test 24) on PostgreSQL, in a fresh schema, that the engine follows the pure delivery model after every command, as on the embedded store.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createPostgresStore } from '../../../src/store-postgres/postgres-store.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'
import { describeDeliveryModel } from './delivery-property.ts'

const SEEDS = [42] as const
const RUNS_PER_SEED = Number(process.env.MODEL_RUNS_POSTGRES ?? 50)

const url = await postgresForTests('delivery state machine model (campaign test 24)')

if (url !== undefined) {
  const databaseUrl = url
  describeDeliveryModel(
    'postgres',
    async () => {
      const schema = `model_${randomBytes(6).toString('hex')}`
      const store = createPostgresStore({ connectionString: databaseUrl, schema, poolSize: 4 })
      await store.migrate()
      return {
        store,
        async dispose() {
          await store.close()
          const admin = new pg.Client({ connectionString: databaseUrl })
          await admin.connect()
          try {
            await admin.query(`drop schema if exists "${schema}" cascade`)
          } finally {
            await admin.end()
          }
        },
      }
    },
    SEEDS,
    RUNS_PER_SEED,
  )
}

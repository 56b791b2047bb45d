// Campaign test 10, Salesforce variant: a hub process on PostgreSQL with the customer-master binding syncs the org's Accounts to NetSuite, is stopped, and comes back after 73 h on the org's clock (past the 72 h change-event retention) while some Accounts were edited. It must reconcile every Account once instead of replaying from its expired replay id: each edited Account reaches NetSuite exactly once, no unchanged Account is written.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { GAP_RECONCILE_PREFIX } from '../../../src/flows/customer-master/account-gap-intake.ts'
import {
  netsuiteConnectionFields,
  salesforceConnectionFields,
} from '../../../src/sandbox/sandbox-connections.ts'
import type { Sandbox } from '../../../src/sandbox/sandbox-host.ts'
import type { SalesforceSimulator } from '../../../src/sandbox/salesforce/salesforce-simulator.ts'
import { installCustomerMasterFields } from '../../../src/server/hub-customer-master.ts'
import { waitFor } from '../../support/hub-harness.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'
import {
  adminQuery,
  campaignSeed,
  progress,
  recordResult,
  seededRandom,
  sized,
  startCampaignEnv,
  waitForRunStates,
} from './campaign-kit.ts'

const pgUrl = await postgresForTests('reliability campaign test 10 (Salesforce)')
const SEED = campaignSeed(10)
const ACCOUNTS = sized(200, 1_000)
const EDITED = Math.round(ACCOUNTS / 10)
const OFFLINE_MS = 73 * 3_600_000
const key = (accountId: string) => `SALESFORCE-C-${accountId}`

describe.runIf(pgUrl)('campaign 10 (Salesforce): 73 h offline', () => {
  it('reconciles every Account once instead of replaying from the expired replay id', async () => {
    const started = Date.now()
    const env = await startCampaignEnv({
      pgUrl: pgUrl ?? '',
      sandbox: { seed: SEED, salesforce: {} },
      hubTopics: [],
      config: (sandbox: Sandbox) => ({
        connections: {
          salesforce: { crm: salesforceConnectionFields(salesforceOf(sandbox)) },
          netsuite: {
            erp: { ...netsuiteConnectionFields(sandbox.netsuite), requestTimeoutMs: 5_000 },
          },
        },
        flows: [
          {
            flow: 'customer-master',
            salesforceConnection: 'crm',
            erp: 'netsuite',
            erpConnection: 'erp',
          },
        ],
        policies: { customerMaster: { newRecords: { requireApproval: false } } },
      }),
    })
    try {
      const sf = salesforceOf(env.sandbox)
      const netsuite = env.sandbox.netsuite
      installCustomerMasterFields(sf)
      const subscribed = () =>
        sf.cdc
          .clients()
          .some((c) => c.connected && c.subscriptions.includes('/data/AccountChangeEvent'))
      expect(await waitFor(subscribed, 60_000, 100)).toBe(true)

      const ids: string[] = []
      for (let i = 0; i < ACCOUNTS; i++) {
        const account = sf.records.put('Account', {
          Name: `Account ${i}`,
          Phone: `+1 555 ${String(i).padStart(4, '0')}`,
        })
        ids.push(String(account.Id))
      }
      const customers = () => netsuite.ledger().effects.filter((e) => e.recordType === 'customer')
      const synced = await waitFor(() => customers().length === ACCOUNTS, 180_000, 250)
      expect(synced, `${customers().length} of ${ACCOUNTS} Accounts synced`).toBe(true)
      await settle(env.databaseUrl)
      progress('10s', `${ACCOUNTS} Accounts synced; stopping the hub`)
      await env.hub.stop()

      // 73 h on the org's clock: the hub's checkpoint falls out of the 72 h retention. The hub
      // needs no clock of its own moved: the org, not the hub, refuses the expired replay id.
      sf.clock.advance(OFFLINE_MS)
      const random = seededRandom(SEED)
      const edited = new Map<string, string>()
      while (edited.size < EDITED) {
        const id = ids[Math.floor(random() * ids.length)] ?? ''
        const phone = `+1 555 9${String(edited.size).padStart(3, '0')}`
        if (edited.has(id)) continue
        sf.records.put('Account', { Id: id, Phone: phone })
        edited.set(id, phone)
      }
      const restartedAt = Date.now()
      await env.hub.start()
      const phoneOf = (id: string) =>
        netsuite.records.get('customer', `eid:${key(id)}`)?.fields.phone
      const arrived = () => [...edited].every(([id, phone]) => phoneOf(id) === phone)
      const converged = await waitFor(arrived, 180_000, 250)
      const recoveryMs = Date.now() - restartedAt
      const queued = await gapMessages(env.databaseUrl)
      await settle(env.databaseUrl)
      progress('10s', `edits converged in ${recoveryMs} ms; ${queued.length} reconciliation(s)`)
      await env.hub.stop() // flushes its log

      const effects = new Map(customers().map((e) => [e.businessKey, e]))
      const lost = [...edited].filter(([id, phone]) => phoneOf(id) !== phone).map(([id]) => id)
      const editedWrites = [...edited.keys()].map((id) => effects.get(key(id))?.writes ?? 0)
      const duplicated = editedWrites.filter((w) => w > 2).length
      const unchanged = ids.filter((id) => !edited.has(id))
      const falseWrites = unchanged.filter((id) => (effects.get(key(id))?.writes ?? 0) !== 1)
      const replayed = await eventMessagesSince(env.databaseUrl, restartedAt)
      const logged = (await readFile(env.hubLog(env.hub.url), 'utf8'))
        .split('\n')
        .filter((line) => line.includes('full reconciliation'))
      const { byState } = await waitForRunStates(env.databaseUrl, () => true, 1_000)
      const stuck = Object.entries(byState)
        .filter(([state]) => state !== 'completed')
        .reduce((n, [, count]) => n + count, 0)
      const passed =
        converged &&
        lost.length === 0 &&
        duplicated === 0 &&
        editedWrites.every((w) => w === 2) &&
        falseWrites.length === 0 &&
        queued.length === 1 &&
        queued[0]?.accounts === ACCOUNTS &&
        replayed === 0 &&
        logged.length === 1 &&
        stuck === 0
      recordResult({
        test: '10s',
        file: 't10-salesforce-gap.test.ts',
        name: 'Reconciliation, Salesforce variant: subscriber offline 73 h (org clock) → full reconciliation, no replay from the expired replay id',
        seed: SEED,
        passed,
        events: ACCOUNTS + EDITED,
        faults: { offline73h: 1 },
        lost: lost.length,
        duplicated,
        stale: 0,
        stuck,
        regressions: 0,
        recoveryMs: { p50: recoveryMs, max: recoveryMs },
        peakRssMb: null,
        durationMs: Date.now() - started,
        notes: [
          `${ACCOUNTS} Accounts synced, hub stopped, org clock +73 h, ${EDITED} Accounts edited, hub restarted`,
          `full reconciliations queued: ${queued.length} (${queued.map((q) => q.accounts).join(', ')} Accounts re-read); logged: ${logged.length}`,
          `edited Accounts written to NetSuite after the gap: ${editedWrites.filter((w) => w === 2).length} of ${EDITED} exactly once`,
          `unchanged Accounts written (false writes): ${falseWrites.length}`,
          `change events ingested from a replay after the restart: ${replayed}`,
        ],
      })
      expect(converged).toBe(true)
      expect(lost).toEqual([])
      expect(editedWrites.every((w) => w === 2)).toBe(true)
      expect(falseWrites).toEqual([])
      expect(queued).toEqual([{ id: expect.any(String) as unknown, accounts: ACCOUNTS }])
      expect(replayed).toBe(0)
      expect(logged).toHaveLength(1)
      expect(stuck).toBe(0)
    } finally {
      await env.dispose()
    }
  }, 900_000)
})

function salesforceOf(sandbox: Sandbox): SalesforceSimulator {
  if (sandbox.salesforce === undefined) throw new Error('the sandbox has no Salesforce org')
  return sandbox.salesforce
}

/** Waits until no run is pending, running or waiting. */
async function settle(databaseUrl: string): Promise<void> {
  const { settled, byState } = await waitForRunStates(
    databaseUrl,
    (s) => Object.entries(s).every(([state, n]) => state === 'completed' || n === 0),
    180_000,
  )
  expect(settled, JSON.stringify(byState)).toBe(true)
}

/** The full reconciliations queued: one id each, with how many Accounts it re-reads. */
async function gapMessages(databaseUrl: string): Promise<Array<{ id: string; accounts: number }>> {
  const rows = await adminQuery(
    databaseUrl,
    `select split_part(source_message_id, ':', 2) as id, count(*)::int as accounts
       from inbox_messages where source_message_id like '${GAP_RECONCILE_PREFIX}:%' group by 1`,
  )
  return rows.rows as Array<{ id: string; accounts: number }>
}

/** Change events (not the reconciliation's re-reads) committed after `since` (the test's clock). */
async function eventMessagesSince(databaseUrl: string, since: number): Promise<number> {
  const rows = await adminQuery(
    databaseUrl,
    `select count(*)::int as n from inbox_messages
      where topic = 'AccountChangeEvent' and source_message_id not like '${GAP_RECONCILE_PREFIX}:%'
        and received_at >= ${since}`,
  )
  return (rows.rows[0] as { n: number } | undefined)?.n ?? 0
}

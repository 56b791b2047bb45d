// The customer master bound in the hub from config, on the Salesforce and NetSuite simulators over HTTP and PostgreSQL: one CRM edit is exactly one ERP write and none back; a restarted hub resumes from its stored checkpoint with nothing lost or repeated; a hub offline past the 72 h retention (the org's clock moved 73 h) reconciles every Account once instead of replaying a stale replay id, and the changes made meanwhile reach the ERP.
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { GAP_RECONCILE_PREFIX } from '../../src/flows/customer-master/account-gap-intake.ts'
import {
  netsuiteConnectionFields,
  salesforceConnectionFields,
} from '../../src/sandbox/sandbox-connections.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-host.ts'
import type { SalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { installCustomerMasterFields } from '../../src/server/hub-customer-master.ts'
import { startHub, type RunningHub } from '../../src/server/hub-main.ts'
import { adminQuery } from '../reliability/campaign/campaign-kit.ts'
import { dropSchema, waitFor } from '../support/hub-harness.ts'
import { postgresForTests } from '../support/postgres-availability.ts'

const pgUrl = await postgresForTests('customer master bound in the hub')
const HOUR = 3_600_000

describe.runIf(pgUrl)('customer master bound in the hub', () => {
  let sandbox: Sandbox
  let sf: SalesforceSimulator
  let dir: string
  let schema: string
  let hub: RunningHub | undefined

  beforeAll(async () => {
    sandbox = await startSandbox({ salesforce: {} })
    if (sandbox.salesforce === undefined) throw new Error('no Salesforce simulator')
    sf = sandbox.salesforce
  })
  afterAll(() => sandbox.stop())
  beforeEach(async () => {
    sf.reset()
    sandbox.netsuite.reset()
    installCustomerMasterFields(sf)
    dir = await mkdtemp(join(tmpdir(), 'syncline-cm-'))
    schema = `cm_${randomBytes(5).toString('hex')}`
  })
  afterEach(async () => {
    await hub?.stop()
    hub = undefined
    await dropSchema(pgUrl ?? '', schema)
    await rm(dir, { recursive: true, force: true })
  })

  const launch = async (): Promise<RunningHub> => {
    const netsuite = sandbox.simulators.find((s) => s.name === 'netsuite')
    if (netsuite?.name !== 'netsuite') throw new Error('no NetSuite simulator')
    return startHub({
      port: 0,
      host: '127.0.0.1',
      demo: false,
      sandbox: false,
      dataDir: join(dir, 'data'),
      logLevel: 'info',
      logFile: join(dir, 'hub.log'),
      allowUnsafeDurability: false,
      print: () => {},
      databaseUrl: pgUrl ?? '',
      schema,
      config: parseHubConfig({
        connections: {
          salesforce: { crm: salesforceConnectionFields(sf) },
          netsuite: { erp: netsuiteConnectionFields(netsuite) },
        },
        flows: [
          {
            flow: 'customer-master',
            salesforceConnection: 'crm',
            erp: 'netsuite',
            erpConnection: 'erp',
          },
        ],
        // New Accounts are created in the ERP without a steward here: the approval is tested elsewhere.
        policies: { customerMaster: { newRecords: { requireApproval: false } } },
        engine: { leaseMs: 5_000, heartbeatMs: 1_000, idlePollMs: 50 },
        summaryIntervalMs: 0,
      }),
    })
  }
  const subscribers = () =>
    sf.cdc
      .clients()
      .filter((c) => c.connected && c.subscriptions.includes('/data/AccountChangeEvent')).length
  const start = async (): Promise<RunningHub> => {
    hub = await launch()
    await until(() => subscribers() > 0, 'the hub subscribed to Account changes')
    return hub
  }

  const stop = async (): Promise<void> => {
    await hub?.stop()
    hub = undefined
  }

  const customerKey = (accountId: string) => `SALESFORCE-C-${accountId}`
  const erpCustomer = (accountId: string) =>
    sandbox.netsuite.records.get('customer', `eid:${customerKey(accountId)}`)?.fields
  const erpWrites = (accountId: string) =>
    sandbox.netsuite
      .ledger()
      .effects.find((e) => e.recordType === 'customer' && e.businessKey === customerKey(accountId))
      ?.writes ?? 0
  const salesforceWrites = (after: number) =>
    sf.requests(after).filter((r) => r.method !== 'GET' && r.path.startsWith('/services/data/'))
  const settled = () =>
    until(async () => {
      const rows = await adminQuery(
        pgUrl ?? '',
        `select count(*)::int as n from "${schema}".flow_runs where state not in ('completed', 'dead')`,
      )
      return rows.rows[0]?.n === 0
    }, 'every run finished')

  const createAccount = async (name: string, phone: string): Promise<string> => {
    const accountId = String(sf.records.put('Account', { Name: name, Phone: phone }).Id)
    await until(() => erpCustomer(accountId)?.phone === phone, `${name} in NetSuite`)
    return accountId
  }

  it('writes one CRM edit once to the ERP and nothing back, and resumes from its checkpoint after a restart', async () => {
    await start()
    const accountId = await createAccount('Globex', '+1 555 0100')
    const sfMark = sf.requests().at(-1)?.seq ?? 0

    sf.records.put('Account', { Id: accountId, Phone: '+1 555 0199' })
    await until(() => erpCustomer(accountId)?.phone === '+1 555 0199', 'the edit in NetSuite')
    await settled()
    expect(erpWrites(accountId)).toBe(2) // the creation and the edit, each once
    expect(salesforceWrites(sfMark)).toEqual([])

    // Down while the Account changes twice: the restarted hub replays from its checkpoint.
    await stop()
    sf.records.put('Account', { Id: accountId, Phone: '+1 555 0200' })
    sf.clock.advance(1_000)
    sf.records.put('Account', { Id: accountId, Name: 'Globex Corporation' })
    await start()
    await until(
      () => erpCustomer(accountId)?.companyName === 'Globex Corporation',
      'the changes made while the hub was down',
    )
    await settled()
    expect(erpCustomer(accountId)).toMatchObject({ phone: '+1 555 0200' })
    expect(erpWrites(accountId)).toBe(4) // nothing before the checkpoint was applied again
    expect(salesforceWrites(sfMark)).toEqual([])
    expect(await gapReconciliations()).toEqual([])
  })

  it('reconciles every Account once after 73 h offline, instead of replaying from the expired replay id', async () => {
    await start()
    const ids: string[] = []
    for (const name of ['Initech', 'Umbrella', 'Stark', 'Wayne']) {
      ids.push(await createAccount(name, '+1 555 0100'))
    }
    await settled()
    await stop()

    // 73 h pass on the org's clock: the stored replay id falls out of the 72 h retention.
    sf.clock.advance(73 * HOUR)
    const [edited1, edited2, untouched1, untouched2] = ids as [string, string, string, string]
    sf.records.put('Account', { Id: edited1, Phone: '+1 555 7301' })
    sf.records.put('Account', { Id: edited2, Website: 'https://umbrella.example' })
    await start()
    await until(
      () =>
        erpCustomer(edited1)?.phone === '+1 555 7301' &&
        erpCustomer(edited2)?.url === 'https://umbrella.example',
      'the changes made during the gap',
    )
    await settled()

    const reconciliations = await gapReconciliations()
    expect(reconciliations).toHaveLength(1)
    expect(reconciliations[0]?.accounts).toBe(4)
    expect([edited1, edited2].map(erpWrites)).toEqual([2, 2])
    expect([untouched1, untouched2].map(erpWrites)).toEqual([1, 1])

    // Subscribed from the tip: a change after the restart flows as an event again.
    sf.records.put('Account', { Id: untouched1, Phone: '+1 555 7302' })
    await until(() => erpCustomer(untouched1)?.phone === '+1 555 7302', 'a change after the gap')
    await settled()
    expect(erpWrites(untouched1)).toBe(2)
    expect(await gapReconciliations()).toHaveLength(1)
    await stop() // flushes the log
    expect(await hubLogLines('full reconciliation')).toHaveLength(1)
  })

  it('subscribes from one hub process at a time, and another takes over when it stops', async () => {
    await start()
    const second = await launch()
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      expect(subscribers()).toBe(1)
      const accountId = await createAccount('Soylent', '+1 555 0100')
      await settled()
      expect(erpWrites(accountId)).toBe(1)

      await stop() // gives its lease up: the second hub subscribes from the stored checkpoint
      sf.records.put('Account', { Id: accountId, Phone: '+1 555 0101' })
      await until(() => erpCustomer(accountId)?.phone === '+1 555 0101', 'the takeover')
      await settled()
      expect(subscribers()).toBe(1)
      expect(erpWrites(accountId)).toBe(2)
    } finally {
      await second.stop()
    }
  })

  /** The full reconciliations queued: one id each, with how many Accounts it re-reads. */
  async function gapReconciliations(): Promise<Array<{ id: string; accounts: number }>> {
    const rows = await adminQuery(
      pgUrl ?? '',
      `select split_part(source_message_id, ':', 2) as id, count(*)::int as accounts
         from "${schema}".inbox_messages where source_message_id like '${GAP_RECONCILE_PREFIX}:%'
        group by 1`,
    )
    return rows.rows as Array<{ id: string; accounts: number }>
  }

  async function hubLogLines(containing: string): Promise<string[]> {
    const text = await readFile(join(dir, 'hub.log'), 'utf8').catch(() => '')
    return text.split('\n').filter((line) => line.includes(containing))
  }
})

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  if (!(await waitFor(check, 20_000, 50))) throw new Error(`timed out waiting for ${what}`)
}

/** @module test/flows/customer-master-kit — the customer master on real simulators over HTTP: a Salesforce org with CDC, a NetSuite account, a real store and engine, and the write counts the tests assert. */
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import { SalesforceClient } from '../../src/connectors/salesforce/salesforce-client.ts'
import type { HubEngine } from '../../src/engine/hub-engine.ts'
import {
  accountChangeIngests,
  createErpCustomerToSalesforceFlow,
  createNetSuiteCustomerPort,
  createSalesforceAccountToErpFlow,
  DEFAULT_SALESFORCE_FIELDS,
  ERP_CUSTOMER_TOPIC,
  erpCustomerBusinessKey,
  type CustomerMasterDeps,
  type ErpCustomerPort,
} from '../../src/flows/customer-master/index.ts'
import { parsePolicies } from '../../src/policies/consistency-policy-parse.ts'
import { afterAll, afterEach, beforeAll } from 'vitest'
import {
  createNetSuiteSimulator,
  type NetSuiteSimulator,
} from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import {
  createSalesforceSimulator,
  type SalesforceSimulator,
} from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import type { RunRecord } from '../../src/store/store-contract.ts'
import {
  configFor,
  subscriberKit,
  until,
  type Running,
} from '../connectors/salesforce-cdc-subscriber-kit.ts'
import type { Bench } from '../engine/engine-test-kit.ts'

/** The custom fields an ERP-connected org installs for what the ERP owns. */
export function installErpFields(sf: SalesforceSimulator): void {
  sf.schema.addField('Account', {
    name: 'Credit_Limit__c',
    type: 'currency',
    label: 'Credit Limit',
  })
  sf.schema.addField('Account', {
    name: 'Payment_Terms__c',
    type: 'string',
    length: 40,
    label: 'Payment Terms',
  })
}

const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD'

export interface CustomerMasterHub {
  engine: HubEngine
  deps: CustomerMasterDeps
  netsuiteClient: NetSuiteClient
  cdc: Running
  /** Commits the CDC deliveries not yet ingested, then works until the engine is idle. */
  pump(): Promise<void>
  /** Waits for `count` more CDC deliveries than were pumped, then pumps. */
  pumpAfter(count: number): Promise<void>
  /** The ERP's notification of a customer save (a user-event script posting the record). */
  erpNotifies(key: string): Promise<void>
  /** Writes each system took since `mark()`: method and path. */
  writesSince(mark: Marks): { netsuite: string[]; salesforce: string[] }
  mark(): Marks
  runs(): Promise<RunRecord[]>
}

export interface Marks {
  netsuite: number
  salesforce: number
}

export async function startCustomerMaster(
  bench: Bench,
  sf: SalesforceSimulator,
  netsuite: NetSuiteSimulator,
  kit: ReturnType<typeof subscriberKit>,
  policyData: unknown = {},
  /** Another ERP than the NetSuite simulator (e.g. the SAP port). */
  erpPort?: ErpCustomerPort,
): Promise<CustomerMasterHub> {
  const netsuiteClient = new NetSuiteClient(
    parseNetSuiteConnectionConfig({
      accountId: netsuite.accountId,
      baseUrl: netsuite.baseUrl,
      clientId: netsuite.clientId,
      clientSecret: netsuite.clientSecret,
    }),
  )
  const sfConfig = configFor(sf)
  const deps: CustomerMasterDeps = {
    policies: parsePolicies(policyData),
    store: bench.store,
    erp:
      erpPort ??
      createNetSuiteCustomerPort({
        client: netsuiteClient,
        target: `netsuite:${netsuite.accountId}`,
      }),
    salesforce: {
      client: new SalesforceClient(sfConfig),
      target: `salesforce:${sf.orgId}`,
      clientName: sfConfig.clientName,
      fields: DEFAULT_SALESFORCE_FIELDS,
    },
  }
  const engine = bench.engine({
    flows: [createSalesforceAccountToErpFlow(deps), createErpCustomerToSalesforceFlow(deps)],
  })
  const cdc = kit.start({ replayId: -1 })
  await until(() => cdc.statuses.some((s) => s.kind === 'subscribed'), 'the CDC subscription')
  let pumped = 0
  const work = async () => {
    while ((await engine.runOnce()) > 0) {
      // Keep claiming: a run can make another due (an approval decided, a retry).
    }
  }
  const pump = async () => {
    while (pumped < cdc.deliveries.length) {
      const delivery = cdc.deliveries[pumped++]
      if (delivery === undefined) continue
      for (const input of accountChangeIngests(delivery, 'main')) await engine.ingest(input)
    }
    await work()
  }
  return {
    engine,
    deps,
    netsuiteClient,
    cdc,
    pump,
    async pumpAfter(count) {
      const target = pumped + count
      await until(() => cdc.deliveries.length >= target, `${target} CDC deliveries`)
      await pump()
    },
    async erpNotifies(key) {
      const found = await netsuiteClient.getByExternalId('customer', key)
      if (found === null) throw new Error(`no NetSuite customer ${key}`)
      const payload = JSON.stringify(found.record)
      await engine.ingest({
        sourceSystem: 'netsuite',
        sourceMessageId: `ns-${key}-${String(found.record.lastModifiedDate)}-${Math.random()}`,
        connection: 'main',
        topic: ERP_CUSTOMER_TOPIC,
        payload,
        headers: {},
        triggeredAt: null,
        businessKey: erpCustomerBusinessKey(deps, payload),
      })
      await work()
    },
    mark: () => ({
      netsuite: netsuite.requests().at(-1)?.seq ?? 0,
      salesforce: sf.requests().at(-1)?.seq ?? 0,
    }),
    writesSince(marks) {
      const writes = (entries: { method: string; path: string }[], prefix: string) =>
        entries
          .filter((e) => isWrite(e.method) && e.path.startsWith(prefix))
          .map((e) => `${e.method} ${e.path}`)
      return {
        netsuite: writes(netsuite.requests(marks.netsuite), '/services/rest/record/'),
        salesforce: writes(sf.requests(marks.salesforce), '/services/data/'),
      }
    },
    runs: () => bench.store.runList({ tenantId: bench.tenantId, limit: 100 }),
  }
}

/** Who decides in the tests' approvals. */
export const approver = { actor: 'steward@example.com', interactionId: null }

export interface CustomerMasterEstate {
  readonly sf: SalesforceSimulator
  readonly netsuite: NetSuiteSimulator
  /** Both simulators reset (the ERP-owned fields installed) and a hub on `bench` subscribed. */
  freshHub: (bench: Bench, policies?: unknown, erp?: ErpCustomerPort) => Promise<CustomerMasterHub>
  /** A new Account, approved, created in NetSuite. */
  onboard: (
    hub: CustomerMasterHub,
    bench: Bench,
    name: string,
  ) => Promise<{ accountId: string; key: string }>
  /** Decides the only open approval task. */
  decideOpenTask: (
    hub: CustomerMasterHub,
    bench: Bench,
    decision: 'approved' | 'rejected',
  ) => Promise<string>
}

/** Starts the simulators for one test file (registers its hooks). */
export function customerMasterEstate(seed: number): CustomerMasterEstate {
  const sf = createSalesforceSimulator({ seed })
  const netsuite = createNetSuiteSimulator({ seed: seed + 1 })
  const kit = subscriberKit(sf)
  beforeAll(async () => {
    await sf.start()
    await netsuite.start()
  })
  afterAll(async () => {
    await kit.stopAll()
    await sf.stop()
    await netsuite.stop()
  })
  afterEach(() => kit.stopAll())
  const decideOpenTask: CustomerMasterEstate['decideOpenTask'] = async (hub, bench, decision) => {
    const open = await bench.store.approvalList({
      tenantId: bench.tenantId,
      state: 'open',
      limit: 5,
    })
    const [task] = open
    if (task === undefined || open.length !== 1) {
      throw new Error(`expected one open approval task, found ${open.length}`)
    }
    await hub.engine.decideApproval({
      taskId: task.id,
      decision,
      reason: decision === 'approved' ? 'known customer' : 'not ours to change',
      by: approver.actor,
      audit: approver,
    })
    await hub.pump()
    return task.id
  }
  return {
    sf,
    netsuite,
    async freshHub(bench, policies = {}, erp) {
      sf.reset()
      netsuite.reset()
      installErpFields(sf)
      return startCustomerMaster(bench, sf, netsuite, kit, policies, erp)
    },
    async onboard(hub, bench, name) {
      const account = sf.records.put('Account', { Name: name, Phone: '+1 555 0100' })
      const accountId = String(account.Id)
      await hub.pumpAfter(1)
      await decideOpenTask(hub, bench, 'approved')
      return { accountId, key: hub.deps.erp.customerKey(accountId) }
    },
    decideOpenTask,
  }
}

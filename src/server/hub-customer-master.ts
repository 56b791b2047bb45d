/** @module server/hub-customer-master — binds the customer master to its configured connections: the Account flow, the ERP customer port, and the org's change-event subscription.
 *
 * Only the Salesforce → ERP direction is bound: the ERP → Salesforce flow takes the ERP's customer
 * notifications, which no gateway route receives yet. Its fields are the defaults
 * (customer-master-fields.ts): the org needs the `Credit_Limit__c` and `Payment_Terms__c` custom
 * fields; the sandbox org gets them installed here.
 */
import { NetSuiteClient } from '../connectors/netsuite/netsuite-client.ts'
import { netsuiteConnectorSpec } from '../connectors/netsuite/netsuite-connector-spec.ts'
import { SapClient } from '../connectors/sap/sap-client.ts'
import { SalesforceClient } from '../connectors/salesforce/salesforce-client.ts'
import { salesforceGovernance } from '../connectors/salesforce/salesforce-governance.ts'
import type { FlowDefinition } from '../engine/flow-definition.ts'
import type { HubEngine } from '../engine/hub-engine.ts'
import { DEFAULT_SALESFORCE_FIELDS } from '../flows/customer-master/customer-master-fields.ts'
import type { ErpCustomerPort } from '../flows/customer-master/erp-customer-port.ts'
import { createNetSuiteCustomerPort } from '../flows/customer-master/netsuite-customer-port.ts'
import {
  createSalesforceAccountToErpFlow,
  SALESFORCE_ACCOUNT_TO_ERP,
} from '../flows/customer-master/salesforce-account-to-erp-flow.ts'
import { createSapCustomerPort } from '../flows/customer-master/sap-customer-port.ts'
import type { SalesforceSimulator } from '../sandbox/salesforce/salesforce-simulator.ts'
import { startAccountCdc, type AccountCdc } from './hub-account-cdc.ts'
import type { FlowBinding } from './hub-config.ts'
import type { ProcessContext } from './hub-process-context.ts'
import { governedByConnection, type GovernedTarget } from './hub-governed-target.ts'

type CustomerMasterBinding = Extract<FlowBinding, { flow: 'customer-master' }>

export interface CustomerMasterBindings {
  flows: FlowDefinition[]
  targets: GovernedTarget[]
  /** Subscribes to each bound org's Account changes; call once the engine runs. */
  subscribe(engine: Pick<HubEngine, 'ingest'>): AccountCdc[]
}

export function customerMasterBindings(context: ProcessContext): CustomerMasterBindings {
  const { connections, clock, sharedTokens } = context
  const bindings = connections.flows.filter(
    (b): b is CustomerMasterBinding => b.flow === 'customer-master',
  )
  const targets = new Map<string, GovernedTarget>()
  const subscriptions: Array<() => AccountCdc> = []
  let engine: Pick<HubEngine, 'ingest'> | undefined

  const erpPort = (binding: CustomerMasterBinding): ErpCustomerPort => {
    if (binding.erp === 'netsuite') {
      const config = connections.netsuite.get(binding.erpConnection)
      if (config === undefined) throw new Error(`no NetSuite connection "${binding.erpConnection}"`)
      const target = netsuiteConnectorSpec.governance(config).target
      const client = new NetSuiteClient(config, { clock, sharedTokens })
      return createNetSuiteCustomerPort({ client, target })
    }
    const config = connections.sap.get(binding.erpConnection)
    if (config === undefined) throw new Error(`no SAP connection "${binding.erpConnection}"`)
    return createSapCustomerPort(new SapClient(config, { clock, sharedTokens }), config)
  }

  const flows = bindings.map((binding) => {
    const name = binding.salesforceConnection
    const config = connections.salesforce.get(name)
    if (config === undefined) throw new Error(`no Salesforce connection "${name}"`)
    const client = new SalesforceClient(config, { clock, sharedTokens })
    const governance = salesforceGovernance(config)
    // The ERP's own governor is configured by the order flows' binding of the same connection;
    // here only the org's (its calls are the reconciliation's reads).
    targets.set(governance.target, governedByConnection('crm', governance))
    subscriptions.push(() => {
      if (engine === undefined) throw new Error('customer master: subscribe before the engine')
      return startAccountCdc({
        connection: name,
        config,
        client,
        engine,
        store: context.store,
        sharedTokens,
        tenantId: context.tenantId,
        clock,
        logger: context.logger,
      })
    })
    return createSalesforceAccountToErpFlow(
      {
        policies: context.policies,
        store: context.store,
        clock,
        erp: erpPort(binding),
        salesforce: {
          client,
          target: governance.target,
          clientName: config.clientName,
          fields: DEFAULT_SALESFORCE_FIELDS,
        },
      },
      binding.name ?? SALESFORCE_ACCOUNT_TO_ERP,
    )
  })

  return {
    flows,
    targets: [...targets.values()],
    subscribe(running) {
      engine = running
      return subscriptions.map((start) => start())
    },
  }
}

/** The custom Account fields the customer master maps the ERP-owned values to, on a fresh sandbox org. */
export function installCustomerMasterFields(sf: SalesforceSimulator): void {
  for (const [name, field] of [
    ['Credit_Limit__c', { type: 'currency', label: 'Credit Limit' }],
    ['Payment_Terms__c', { type: 'string', length: 40, label: 'Payment Terms' }],
  ] as const) {
    sf.schema.addField('Account', { name, ...field })
  }
}

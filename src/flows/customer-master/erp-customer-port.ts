/** @module flows/customer-master/erp-customer-port — what the customer master needs from an ERP, in canonical field names.
 *
 * The customer-master flows are written against this port only, so NetSuite or SAP is chosen by
 * configuration (as the order flow's `ErpOrderPort`). An adapter maps canonical fields to its
 * ERP's and uses the ERP's native safe-to-repeat write.
 */
import type { CustomerMasterValues } from './customer-master-fields.ts'

export interface ErpCustomerWriteCall {
  /** Stable for the delivery: sent as the ERP's idempotency key where it has one. */
  idempotencyKey: string
  signal: AbortSignal
}

/** A customer as the ERP holds it. */
export interface ErpCustomerRecord {
  /** The ERP's own id. */
  id: string
  /** The key the hub addresses it by (external id / search key). */
  key: string
  /** The Salesforce Account it mirrors, read from the key; null for a customer the hub did not link. */
  accountId: string | null
  values: CustomerMasterValues
  /** The ERP's last-modified instant (epoch ms), when it reports one. */
  version: number | null
}

export interface ErpCustomerPort {
  /** The system name watermarks and cross-references use, e.g. `netsuite` or `sap`. */
  readonly system: string
  /** The governed target, e.g. `netsuite:1234567`. */
  readonly target: string
  readonly operations: { readonly upsertCustomer: string }
  /** The canonical fields this ERP can hold. */
  readonly fields: readonly string[]

  /** The ERP key of the customer mirroring this Account, e.g. `SALESFORCE-C-001…`. */
  customerKey(accountId: string): string
  /** The customer with `key`, or null. */
  findCustomer(key: string, signal: AbortSignal): Promise<ErpCustomerRecord | null>
  /**
   * Writes `values` to the customer with `key`, creating it when `create` (else an update of a
   * customer that must exist). Fields not in `values` are left as they are.
   */
  upsertCustomer(
    key: string,
    values: CustomerMasterValues,
    create: boolean,
    call: ErpCustomerWriteCall,
  ): Promise<{ id: string }>
  /** Reads a customer record as the ERP sends it (e.g. a user-event notification) in canonical terms. */
  customerFromRecord(record: Readonly<Record<string, unknown>>): ErpCustomerRecord
}

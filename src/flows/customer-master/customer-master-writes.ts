/** @module flows/customer-master/customer-master-writes — the two writes of the customer master, each watermarked first: to the ERP customer, and to the Salesforce Account (tagged with the hub's client id). */
import type { RunContext } from '../../engine/flow-definition.ts'
import { hashValue } from '../../policies/echo-watermark.ts'
import { accountBodyOf, type CustomerMasterValues } from './customer-master-fields.ts'
import {
  readAccounts,
  recordWatermark,
  SALESFORCE_SYSTEM,
  type CustomerMasterDeps,
} from './customer-master-deps.ts'

export interface WrittenRef {
  [key: string]: string
  id: string
}

/** True when `found` holds every value of `wanted` (the write already took effect). */
function holds(found: CustomerMasterValues, wanted: CustomerMasterValues): boolean {
  return Object.entries(wanted).every(([f, v]) => hashValue(found[f]) === hashValue(v))
}

/**
 * Writes `values` to the ERP customer `key`. With `version` (the source's commit instant) the
 * engine's entity version guard skips it as superseded when the ERP already has that version or
 * a newer one; the watermark is then left alone, so it never describes a write that was not made.
 */
export async function writeErpCustomer(
  ctx: RunContext,
  deps: CustomerMasterDeps,
  write: {
    step: string
    accountId: string
    key: string
    values: CustomerMasterValues
    create: boolean
    version: number | undefined
  },
): Promise<WrittenRef> {
  const { erp } = deps
  const { key, values, version } = write
  await ctx.step(`${write.step}/watermark`, async () => {
    if (version !== undefined) {
      const applied = await deps.store.entityVersionGet({
        tenantId: ctx.tenantId,
        target: erp.target,
        businessKey: key,
      })
      // Stale: the delivery below is superseded and sends nothing, so nothing is watermarked.
      if (applied !== null && version <= applied) return 'stale'
    }
    await recordWatermark(deps, ctx, erp.system, key, values, version ?? null)
    return 'recorded'
  })
  return ctx.deliver(write.step, {
    target: erp.target,
    operation: erp.operations.upsertCustomer,
    businessKey: key,
    ...(version === undefined ? {} : { version: String(version), entityVersion: version }),
    async lookup({ signal }) {
      const found = await erp.findCustomer(key, signal)
      return found !== null && holds(found.values, values) ? { id: found.id } : null
    },
    perform: async (call) => ({
      id: (await erp.upsertCustomer(key, values, write.create, call)).id,
    }),
    crossReferences: (result) => [
      {
        entityType: 'customer',
        businessKey: ctx.businessKey,
        sourceSystem: SALESFORCE_SYSTEM,
        sourceId: write.accountId,
        targetSystem: erp.system,
        targetId: result.id,
      },
    ],
  })
}

/**
 * Writes `values` to the Account. The Salesforce transport sends `Sforce-Call-Options:
 * client=<clientName>` on every call, so the change event this write causes carries the hub's
 * client id in changeOrigin and the Account flow drops it; the watermark recognises it as well.
 */
export async function writeSalesforceAccount(
  ctx: RunContext,
  deps: CustomerMasterDeps,
  write: { step: string; accountId: string; values: CustomerMasterValues; version: number | null },
): Promise<WrittenRef> {
  const { salesforce } = deps
  const { accountId, values } = write
  await ctx.step(`${write.step}/watermark`, async () => {
    await recordWatermark(deps, ctx, SALESFORCE_SYSTEM, accountId, values, write.version)
    return 'recorded'
  })
  return ctx.deliver(write.step, {
    target: salesforce.target,
    operation: 'account.update',
    businessKey: accountId,
    ...(write.version === null ? {} : { version: String(write.version) }),
    async lookup({ signal }) {
      const [found] = await readAccounts(deps, { ids: [accountId] }, signal)
      return found !== undefined && holds(found.values, values) ? { id: accountId } : null
    },
    async perform({ signal }) {
      await salesforce.client.updateRecord(
        'Account',
        accountId,
        accountBodyOf(values, salesforce.fields),
        {
          signal,
        },
      )
      return { id: accountId }
    },
  })
}

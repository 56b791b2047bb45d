/** @module bench/harness/bench-estate — what W1–W4 run against: the Shopify and NetSuite
 * simulators in this process, the hub in its own, signed order webhooks to send, and the time
 * each sales order reached NetSuite (the end of an order's propagation).
 */
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-host.ts'
import type { BenchContext } from './bench-contract.ts'
import { BENCH_NETSUITE_CONCURRENCY } from './bench-limits.ts'
import { startBenchHub, type BenchHub } from './hub-process.ts'
import { shopifyOrderPayloads, type OrderPayloads, type PayloadSize } from './order-payloads.ts'
import { webhookSender, type WebhookSender } from './webhook-sender.ts'

export { BENCH_NETSUITE_CONCURRENCY } from './bench-limits.ts'

export interface BenchEstate {
  /** Starts one more hub process on the same store and simulators (e.g. a worker for W3). */
  addHub(label: string, worker: boolean): Promise<BenchHub>
  readonly sandbox: Sandbox
  readonly hub: BenchHub
  readonly sender: WebhookSender
  readonly payloads: OrderPayloads
  /** Where the hub keeps its data: a second hub process on the same store joins the same work. */
  readonly store: { readonly databaseUrl: string } | { readonly dataDir: string }
  /**
   * Sales orders NetSuite committed: Shopify order id → when (the load generator's monotonic epoch
   * ms, the clock its schedules use, read as the simulator commits: same process).
   */
  readonly salesOrders: ReadonlyMap<string, number>
  /** Called with each new sales order's Shopify order id and time. */
  onSalesOrder(listener: (orderId: string, at: number) => void): void
  stop(): Promise<void>
}

export async function startBenchEstate(
  ctx: BenchContext,
  options: {
    label: string
    store: 'postgres' | 'embedded'
    size?: PayloadSize
    worker?: boolean
    engine?: Record<string, unknown>
  },
): Promise<BenchEstate> {
  const salesOrders = new Map<string, number>()
  const listeners: Array<(orderId: string, at: number) => void> = []
  const sandbox = await startSandbox({
    seed: 1,
    netsuite: {
      concurrencyLimit: BENCH_NETSUITE_CONCURRENCY,
      onRecordWritten: (write) => {
        if (write.recordType !== 'salesOrder' || write.kind !== 'create') return
        const orderId = write.externalId?.replace(/^SHOPIFY-O-/, '')
        if (orderId === undefined) return
        const at = performance.timeOrigin + performance.now()
        salesOrders.set(orderId, at)
        for (const listener of listeners) listener(orderId, at)
      },
    },
  })
  let hub: BenchHub
  let store: BenchEstate['store']
  try {
    store =
      options.store === 'postgres'
        ? { databaseUrl: await ctx.freshDatabase(options.label) }
        : { dataDir: await mkdtemp(join(ctx.scratchDir, `${options.label}-data-`)) }
    hub = await startBenchHub({
      shopify: sandbox.shopify,
      netsuite: sandbox.netsuite,
      store,
      scratchDir: ctx.scratchDir,
      label: options.label,
      ...(options.engine === undefined ? {} : { engine: options.engine }),
      ...(options.worker === undefined ? {} : { worker: options.worker }),
      ...(ctx.cpuProfileDir === undefined ? {} : { cpuProfileDir: ctx.cpuProfileDir }),
    })
  } catch (error) {
    await sandbox.stop()
    throw error
  }
  const sender = webhookSender({
    url: hub.url,
    path: '/webhooks/shopify/bench',
    secret: sandbox.shopify.webhookSecret,
    shopDomain: sandbox.shopify.shopDomain,
    apiVersion: sandbox.shopify.apiVersion,
  })
  const extra: BenchHub[] = []
  return {
    sandbox,
    hub,
    async addHub(label, worker) {
      const another = await startBenchHub({
        shopify: sandbox.shopify,
        netsuite: sandbox.netsuite,
        store,
        scratchDir: ctx.scratchDir,
        label,
        worker,
        ...(ctx.cpuProfileDir === undefined ? {} : { cpuProfileDir: ctx.cpuProfileDir }),
        ...(options.engine === undefined ? {} : { engine: options.engine }),
      })
      extra.push(another)
      return another
    },
    sender,
    payloads: shopifyOrderPayloads(options.size ?? '1kb'),
    store,
    salesOrders,
    onSalesOrder: (listener) => listeners.push(listener),
    async stop() {
      await sender.close()
      for (const another of extra) await another.stop()
      await hub.stop()
      await sandbox.stop()
    },
  }
}

/** @module bench/peers/n8n-mapping-check — runs the n8n workflow's Code node outside n8n on the
 * bench's payloads and compares its NetSuite bodies with Syncline's own mapping, so both systems
 * are known to send the same customer and sales order for every order.
 */
import { createHmac } from 'node:crypto'
import { createRequire } from 'node:module'
import { isDeepStrictEqual } from 'node:util'
import { Order } from '../../src/canonical/index.ts'
import {
  canonicalCustomerToNetSuite,
  canonicalOrderToNetSuiteSalesOrder,
} from '../../src/connectors/netsuite/netsuite-mapping.ts'
import { parseShopifyJson } from '../../src/connectors/shopify/shopify-json.ts'
import { shopifyOrderToCanonical } from '../../src/connectors/shopify/shopify-mapping.ts'
import { shopifyOrderPayloads } from '../harness/order-payloads.ts'
import { n8nMapOrderScript } from './n8n-workflow.ts'

interface CodeNodeOutput {
  readonly json: { customer: unknown; salesOrder: Record<string, unknown> }
}

/** Throws on the first difference; answers a one-line summary. */
export function checkN8nMapping(orders = 20): string {
  const secret = 'mapping-check-secret'
  // The Code node is a function body with `$input`, `require` and `Buffer` in scope, as in n8n,
  // so it is evaluated as n8n evaluates it: from its source text.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the script is ours, not input
  const codeNode = new Function('$input', 'require', 'Buffer', n8nMapOrderScript(secret)) as (
    input: unknown,
    require: NodeJS.Require,
    buffer: typeof Buffer,
  ) => CodeNodeOutput[]
  let compared = 0
  for (const size of ['1kb', '10kb'] as const) {
    const payloads = shopifyOrderPayloads(size)
    for (let i = 0; i < orders; i += 1) {
      const body = payloads.body(i)
      const item = {
        json: {
          headers: {
            'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
          },
        },
        binary: { data: { data: Buffer.from(body).toString('base64') } },
      }
      const [out] = codeNode({ all: () => [item] }, createRequire(import.meta.url), Buffer)
      const order = Order.parse(shopifyOrderToCanonical(parseShopifyJson(body)))
      const customer = canonicalCustomerToNetSuite(order.customer)
      const salesOrder = canonicalOrderToNetSuiteSalesOrder(order, '1234')
      const n8nSalesOrder = { ...out?.json.salesOrder, entity: { id: '1234' } }
      if (!isDeepStrictEqual(out?.json.customer, { ...customer })) {
        throw new Error(
          `customer of ${size} order ${i} differs:\n n8n ${JSON.stringify(out?.json.customer)}\n syncline ${JSON.stringify(customer)}`,
        )
      }
      if (!isDeepStrictEqual(n8nSalesOrder, JSON.parse(JSON.stringify(salesOrder)))) {
        throw new Error(
          `sales order of ${size} order ${i} differs:\n n8n ${JSON.stringify(n8nSalesOrder)}\n syncline ${JSON.stringify(salesOrder)}`,
        )
      }
      compared += 1
    }
  }
  return `the n8n Code node maps all ${compared} orders (1 KB and 10 KB) to the same NetSuite bodies as Syncline`
}

/** @module bench/peers/n8n-workflow — Syncline's order flow (W2) built as an n8n user would build
 * it: Webhook → Code (verify, map the Shopify order to NetSuite bodies) → HTTP Request (upsert the
 * customer) → HTTP Request (upsert the sales order). It sends the NetSuite simulator the calls and
 * bodies Syncline's connector sends (`PUT …/record/v1/{type}/eid:{externalId}`, see
 * src/connectors/netsuite/netsuite-mapping.ts), so both do the same work per order.
 *
 * Where an n8n user has to work around n8n, it does, and the notes say so:
 * - Shopify's int64 ids (beyond 2^53) lose precision in n8n's JSON body: ids 1 apart become the
 *   same number, so a flow mapping `$json.body.id` would upsert many orders onto one sales order.
 *   The Webhook keeps the raw body and the Code node quotes long integers before parsing.
 * - The HMAC is checked in the Code node (`require('crypto')`, allowed by
 *   NODE_FUNCTION_ALLOW_BUILTIN=crypto), over the raw body, as Shopify requires.
 * - NetSuite answers an upsert with 204 and the record's URL in `Location`; the sales order's
 *   customer is that URL's last segment, read from the full response.
 * - The sales-order node reads the mapped order back with `$node['Map order'].json`: in n8n
 *   1.123's default expression engine (`vm`, isolated-vm) `$('Map order').item` and `.first()`
 *   evaluate to null (checked with a probe node), while the older `$node[…]` form works.
 * - Both HTTP nodes retry on failure (5 tries, 1 s apart: the UI's usual choice) so a 429 from
 *   the account's concurrency limit does not lose the order.
 */

export interface N8nWorkflowOptions {
  /** The webhook path: n8n answers at `/webhook/<path>`. */
  readonly path: string
  /** The NetSuite simulator's base URL. */
  readonly netsuiteBaseUrl: string
  /** A bearer token from the simulator's client-credentials endpoint. */
  readonly accessToken: string
  /** The Shopify webhook secret the sender signs with. */
  readonly webhookSecret: string
}

/** The workflow's id in n8n's database (16 characters like n8n's own), for `update:workflow --id`. */
export const N8N_WORKFLOW_ID = 'SynclineBenchW2o'

/**
 * The Code node, run once for all items. Mirrors shopifyOrderToCanonical followed by
 * canonicalCustomerToNetSuite and canonicalOrderToNetSuiteSalesOrder for what a Shopify order
 * carries; `SECRET` is prepended by the builder.
 */
const MAP_ORDER_JS = String.raw`
const crypto = require('crypto');
const present = (v) => (v === null || v === '' ? undefined : v);
// "49.90" -> 49.9; a decimal a double cannot hold exactly stays a string.
const normalise = (s) => {
  const negative = s.startsWith('-');
  const [whole = '0', fraction = ''] = s.replace(/^[-+]/, '').split('.');
  const i = whole.replace(/^0+(?=\d)/, '');
  const f = fraction.replace(/0+$/, '');
  const t = f === '' ? i : i + '.' + f;
  return negative && /[1-9]/.test(t) ? '-' + t : t;
};
const decimal = (amount) => {
  const s = String(amount);
  const n = Number(s);
  if (!Number.isFinite(n) || String(n) !== normalise(s)) return s;
  return n === 0 ? 0 : n;
};
const out = [];
for (const [index, item] of $input.all().entries()) {
  const raw = Buffer.from(item.binary.data.data, 'base64');
  const given = item.json.headers['x-shopify-hmac-sha256'];
  const expected = crypto.createHmac('sha256', SECRET).update(raw).digest('base64');
  if (given !== expected) throw new Error('Shopify HMAC does not match');
  // Shopify writes ids as bare int64 numbers: quote them so JSON.parse keeps every digit.
  const order = JSON.parse(raw.toString('utf8').replace(/([:\[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"'));
  const customer = order.customer;
  if (!customer) throw new Error('order ' + order.id + ' has no customer');
  const address = customer.default_address || {};
  const company = present(address.company);
  const first = present(customer.first_name);
  const last = present(customer.last_name);
  const email = present(customer.email) || present(order.email) || present(order.contact_email);
  const phone = present(customer.phone);
  const customerEid = 'SHOPIFY-C-' + customer.id;
  const identity = company === undefined && (first !== undefined || last !== undefined)
    ? Object.assign({ isPerson: true }, first === undefined ? {} : { firstName: first }, last === undefined ? {} : { lastName: last })
    : { isPerson: false, companyName: company || [first, last].filter(Boolean).join(' ') || email || 'Customer ' + customer.id };
  const customerBody = Object.assign({ externalId: customerEid }, identity,
    email === undefined ? {} : { email }, phone === undefined ? {} : { phone });
  const name = present(order.name) || '#' + order.order_number;
  const placedAt = present(order.created_at) || present(order.processed_at);
  const version = present(order.updated_at);
  const salesOrder = Object.assign({
    externalId: 'SHOPIFY-O-' + order.id,
    tranDate: String(placedAt).slice(0, 10),
    otherRefNum: name,
    memo: 'Shopify order ' + name,
    currency: { refName: order.currency },
    item: { items: (order.line_items || []).map((line) => ({
      item: { externalId: line.sku },
      quantity: line.quantity,
      rate: decimal(line.price),
      description: present(line.title) || present(line.name) || '',
    })) },
  }, version === undefined ? {} : { custbody_syncline_source_version: version });
  // pairedItem: links each output to its webhook item, as n8n asks of Code nodes.
  out.push({ json: { customerEid, salesOrderEid: salesOrder.externalId, customer: customerBody, salesOrder }, pairedItem: { item: index } });
}
return out;
`

/** Settings an n8n user sets on a node that calls a rate-limited API. */
const RETRY = { retryOnFail: true, maxTries: 5, waitBetweenTries: 1000 }

/** The workflow as `n8n import:workflow` reads it. */
export function buildN8nWorkflow(options: N8nWorkflowOptions): Record<string, unknown> {
  const record = `${options.netsuiteBaseUrl}/services/rest/record/v1`
  const headers = {
    parameters: [
      { name: 'Authorization', value: `Bearer ${options.accessToken}` },
      { name: 'Accept', value: 'application/json' },
    ],
  }
  const upsert = (type: string, eidExpression: string, bodyExpression: string) => ({
    method: 'PUT',
    url: `={{ '${record}/${type}/eid:' + encodeURIComponent(${eidExpression}) }}`,
    sendHeaders: true,
    headerParameters: headers,
    sendBody: true,
    contentType: 'json',
    specifyBody: 'json',
    jsonBody: `={{ JSON.stringify(${bodyExpression}) }}`,
    options: { response: { response: { fullResponse: true } } },
  })
  return {
    id: N8N_WORKFLOW_ID,
    name: 'Syncline bench: Shopify order to NetSuite sales order',
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      {
        id: '0b0c6a4e-7c55-4a43-9d1a-000000000001',
        name: 'Shopify order webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: '0b0c6a4e-7c55-4a43-9d1a-0000000000aa',
        // Answer at once (Shopify wants 200 within 5 s); keep the raw body for the HMAC and the ids.
        parameters: {
          httpMethod: 'POST',
          path: options.path,
          responseMode: 'onReceived',
          options: { rawBody: true },
        },
      },
      {
        id: '0b0c6a4e-7c55-4a43-9d1a-000000000002',
        name: 'Map order',
        type: 'n8n-nodes-base.code',
        typeVersion: 2,
        position: [220, 0],
        parameters: {
          jsCode: `const SECRET = ${JSON.stringify(options.webhookSecret)};\n${MAP_ORDER_JS}`,
        },
      },
      {
        id: '0b0c6a4e-7c55-4a43-9d1a-000000000003',
        name: 'Upsert customer',
        type: 'n8n-nodes-base.httpRequest',
        typeVersion: 4.2,
        position: [440, 0],
        ...RETRY,
        parameters: upsert('customer', '$json.customerEid', '$json.customer'),
      },
      {
        id: '0b0c6a4e-7c55-4a43-9d1a-000000000004',
        name: 'Upsert sales order',
        type: 'n8n-nodes-base.httpRequest',
        typeVersion: 4.2,
        position: [660, 0],
        ...RETRY,
        parameters: upsert(
          'salesOrder',
          "$node['Map order'].json.salesOrderEid",
          "Object.assign({}, $node['Map order'].json.salesOrder, { entity: { id: String($json.headers.location).split('/').pop() } })",
        ),
      },
    ],
    connections: {
      'Shopify order webhook': { main: [[{ node: 'Map order', type: 'main', index: 0 }]] },
      'Map order': { main: [[{ node: 'Upsert customer', type: 'main', index: 0 }]] },
      'Upsert customer': { main: [[{ node: 'Upsert sales order', type: 'main', index: 0 }]] },
    },
  }
}

/** The Code node's script, for checking it outside n8n (see peer-smoke). */
export const n8nMapOrderScript = (secret: string): string =>
  `const SECRET = ${JSON.stringify(secret)};\n${MAP_ORDER_JS}`

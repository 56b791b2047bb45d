/** @module connectors/sap/sap-billing-operations — billing a delivery in S/4HANA Cloud: the asynchronous SOAP request BillingDocumentRequest_In, and the billing documents read back over API_BILLING_DOCUMENT_SRV. */
import { HttpTransportError, httpExchange } from '../wire/http-exchange.ts'
import type { SapClient } from './sap-client.ts'
import { textOf } from './sap-odata-json.ts'
import {
  alphaOut,
  BILLING_DOCUMENT_SERVICE,
  eq,
  OUTBOUND_DELIVERY_SERVICE,
} from './sap-odata-path.ts'
import { queryEntities } from './sap-odata-query.ts'

/** Where the communication arrangement for billing (SAP_COM_0120) publishes the SOAP service. */
export const BILLING_REQUEST_PATH = '/sap/bc/srt/scs_ext/sap/billingdocumentrequest_in'

/** The first billing document with an item billed from this sales order, or null. */
export async function findBillingDocumentForSalesOrder(
  client: SapClient,
  salesOrder: string,
  signal?: AbortSignal,
): Promise<{ billingDocument: string } | null> {
  const [found] = await queryEntities(
    client,
    BILLING_DOCUMENT_SERVICE,
    'A_BillingDocumentItem',
    {
      filter: eq('SalesDocument', alphaOut(salesOrder)),
      select: ['BillingDocument', 'BillingDocumentItem'],
      orderby: 'BillingDocument',
      limit: 1,
    },
    signal,
  )
  const id = found === undefined ? undefined : textOf(found, 'BillingDocument')
  return id === undefined ? null : { billingDocument: alphaOut(id) }
}

/** The deliveries made from this sales order (the documents billing refers to). */
export async function deliveriesOfSalesOrder(
  client: SapClient,
  salesOrder: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const items = await queryEntities(
    client,
    OUTBOUND_DELIVERY_SERVICE,
    'A_OutbDeliveryItem',
    {
      filter: eq('ReferenceSDDocument', alphaOut(salesOrder)),
      select: ['DeliveryDocument', 'DeliveryDocumentItem'],
      orderby: 'DeliveryDocument',
    },
    signal,
  )
  const ids = items.flatMap((i) => {
    const id = textOf(i, 'DeliveryDocument')
    return id === undefined ? [] : [alphaOut(id)]
  })
  return [...new Set(ids)]
}

const xmlText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The request message: one SDDocument per delivery to bill. */
export function billingRequestXml(deliveries: readonly string[], createdAt: Date): string {
  const documents = deliveries
    .map((d) => `<SDDocument><SDDocument>${xmlText(d)}</SDDocument></SDDocument>`)
    .join('')
  return (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sd="http://sap.com/xi/SD-BIL">' +
    '<soapenv:Header/><soapenv:Body><sd:BillingDocumentRequest>' +
    `<MessageHeader><CreationDateTime>${createdAt.toISOString()}</CreationDateTime></MessageHeader>` +
    `${documents}</sd:BillingDocumentRequest></soapenv:Body></soapenv:Envelope>`
  )
}

/**
 * Sends the request. SAP answers 202 Accepted with no body: it has queued the message, and says
 * nothing of the billing document (or of an error, which only its message monitor shows). The
 * caller learns the outcome by reading the billing documents afterwards.
 */
export async function requestBilling(
  client: SapClient,
  deliveries: readonly string[],
  signal?: AbortSignal,
): Promise<void> {
  const { baseUrl, sapClient, username, password, requestTimeoutMs } = client.config
  const label = 'POST BillingDocumentRequest_In'
  const basic = Buffer.from(`${username}:${password.reveal()}`, 'utf8').toString('base64')
  let response
  try {
    response = await httpExchange({
      method: 'POST',
      url: `${baseUrl}${BILLING_REQUEST_PATH}${sapClient === undefined ? '' : `?sap-client=${encodeURIComponent(sapClient)}`}`,
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'text/xml; charset=utf-8',
        soapaction: 'http://sap.com/xi/SD-BIL/BillingDocumentRequest_In',
      },
      body: billingRequestXml(deliveries, new Date()),
      timeoutMs: requestTimeoutMs,
      signal,
    })
  } catch (error) {
    if (!(error instanceof HttpTransportError)) throw error
    throw client.classify({ kind: 'network', operation: 'create', error, label })
  }
  if (response.status === 202 || response.status === 200) return
  throw client.classify({
    kind: 'response',
    operation: 'create',
    status: response.status,
    headers: response.headers,
    body: response.body,
    label,
  })
}

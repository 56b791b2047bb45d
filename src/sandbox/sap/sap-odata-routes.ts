/** @module sandbox/sap/sap-odata-routes — the HTTP face of the OData services: logon and session cookies, the CSRF check, the fault gate, then the OData operation or $batch. */

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { BusinessKey } from '../kit/effects-ledger.ts'
import { gated } from '../kit/fault-gate.ts'
import type { GateContext } from '../kit/fault-gate.ts'
import type { RouteDescription } from '../kit/scenario-router.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import type { Logon, SapAuth } from './sap-auth.ts'
import { executeBatch } from './sap-batch.ts'
import type { BatchDeps } from './sap-batch.ts'
import { businessKeyOf } from './sap-changes.ts'
import { csrfRequired, logonFailed, renderError, sapErrors } from './sap-errors.ts'
import { SERVICE_NAMES } from './sap-model.ts'
import type { ODataRequest } from './sap-odata-request.ts'
import { effectiveMethod, executeOData, WRITE_METHODS } from './sap-operations.ts'
import { wantsJson } from './sap-query-options.ts'
import { parseResourcePath, SERVICE_ROOT, serviceNameOf } from './sap-resource-path.ts'
import { alphaOut } from './sap-wire.ts'

export const SAP_VENDOR_ROUTES: readonly RouteDescription[] = [
  {
    method: 'GET|HEAD',
    path: `${SERVICE_ROOT}{service}/`,
    description: "service document; with X-CSRF-Token: Fetch also the session's token and cookies",
  },
  { method: 'GET', path: `${SERVICE_ROOT}{service}/$metadata`, description: 'EDMX (OData v2)' },
  {
    method: 'GET',
    path: `${SERVICE_ROOT}API_SALES_ORDER_SRV/A_SalesOrder?$filter=&$top=&$skip=&$select=&$expand=to_Item&$orderby=&$inlinecount=allpages&$format=json`,
    description: 'sales orders',
  },
  {
    method: 'POST',
    path: `${SERVICE_ROOT}API_SALES_ORDER_SRV/A_SalesOrder`,
    description: 'create (deep insert of to_Item) → 201 + ETag; no idempotency',
  },
  {
    method: 'GET|PATCH|MERGE|PUT|DELETE',
    path: `${SERVICE_ROOT}API_SALES_ORDER_SRV/A_SalesOrder('{id}')`,
    description: 'one order; changes need If-Match (428 without, 412 stale)',
  },
  {
    method: 'GET|POST',
    path: `${SERVICE_ROOT}API_SALES_ORDER_SRV/A_SalesOrder('{id}')/to_Item`,
    description: 'items; POST adds one',
  },
  {
    method: 'GET|PATCH|DELETE',
    path: `${SERVICE_ROOT}API_SALES_ORDER_SRV/A_SalesOrderItem(SalesOrder='{id}',SalesOrderItem='{n}')`,
    description: 'one item',
  },
  {
    method: 'GET|POST',
    path: `${SERVICE_ROOT}API_BUSINESS_PARTNER/A_BusinessPartner`,
    description: 'business partners; POST creates (to_BusinessPartnerRole deep insert)',
  },
  {
    method: 'GET|PATCH|MERGE|PUT',
    path: `${SERVICE_ROOT}API_BUSINESS_PARTNER/A_BusinessPartner('{id}')`,
    description: 'one partner (DELETE is not implemented, as in SAP)',
  },
  {
    method: 'GET|POST',
    path: `${SERVICE_ROOT}API_OUTBOUND_DELIVERY_SRV/A_OutbDeliveryHeader`,
    description:
      'outbound deliveries; POST creates with reference to order items (to_DeliveryDocumentItem)',
  },
  {
    method: 'POST',
    path: `${SERVICE_ROOT}API_OUTBOUND_DELIVERY_SRV/PostGoodsIssue?DeliveryDocument='{id}'`,
    description: 'function import: post goods issue (once)',
  },
  {
    method: 'GET',
    path: `${SERVICE_ROOT}API_BILLING_DOCUMENT_SRV/A_BillingDocument|A_BillingDocumentItem`,
    description: 'billing documents (read only)',
  },
  {
    method: 'POST',
    path: '/sap/bc/srt/scs_ext/sap/billingdocumentrequest_in',
    description: 'SOAP BillingDocumentRequest_In: 202, billed asynchronously',
  },
  {
    method: 'POST',
    path: `${SERVICE_ROOT}{service}/$batch`,
    description: 'multipart/mixed batch with changesets → 202',
  },
]

export interface SapRouteDeps extends BatchDeps {
  readonly gate: GateContext
  readonly auth: SapAuth
  readonly systemId: string
  readonly client: string
}

interface Located {
  readonly service: string
  readonly rest: string
  readonly query: URLSearchParams
}

function locate(request: FastifyRequest): Located {
  const [path = '', query = ''] = request.url.split('?', 2)
  const [name = '', ...rest] = path.slice(SERVICE_ROOT.length).split('/')
  let service = name
  try {
    service = decodeURIComponent(name)
  } catch {
    // A malformed escape names no service; the lookup below answers 404.
  }
  return {
    service: serviceNameOf(service),
    rest: rest.join('/'),
    query: new URLSearchParams(query),
  }
}

const headerMap = (request: FastifyRequest): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

export function mountSapRoutes(app: FastifyInstance, deps: SapRouteDeps): void {
  const logons = new WeakMap<FastifyRequest, Logon>()

  /** The ledger key a request acts on, so faults, Retry-After checks and the log name it. */
  const keyOf = (request: FastifyRequest): BusinessKey | null => {
    const { service, rest } = locate(request)
    const target = parseResourcePath(deps.model, service, rest)
    if (!target.ok || target.value.kind !== 'resource') return null
    const { type, key } = target.value
    const body = request.body as Record<string, unknown> | undefined
    if (type.set === 'A_SalesOrder' || type.set === 'A_SalesOrderItem') {
      const id =
        key?.SalesOrder ??
        (typeof body?.SalesOrder === 'string' ? alphaOut(body.SalesOrder) : undefined)
      const order = id === undefined ? undefined : deps.store.salesOrder(id)
      if (order) {
        return {
          recordType: 'A_SalesOrder',
          key: businessKeyOf(order.header.PurchaseOrderByCustomer, id),
        }
      }
      const po = body?.PurchaseOrderByCustomer
      return typeof po === 'string' && po !== '' && key === null
        ? { recordType: 'A_SalesOrder', key: po }
        : null
    }
    const id = key?.BusinessPartner
    const partner = id === undefined ? undefined : deps.store.partner(id)
    if (partner) {
      return {
        recordType: 'A_BusinessPartner',
        key: businessKeyOf(partner.row.BusinessPartnerIdByExtSystem, id),
      }
    }
    const ext = body?.BusinessPartnerIdByExtSystem
    return typeof ext === 'string' && ext !== ''
      ? { recordType: 'A_BusinessPartner', key: ext }
      : null
  }

  // Logon, then CSRF: both come before any work, and before any scripted fault.
  const guard = (request: FastifyRequest): SimResponse | null => {
    const logon = logons.get(request)
    const sapClient = locate(request).query.get('sap-client')
    if (!logon?.ok || (sapClient !== null && sapClient !== deps.client)) {
      return logonFailed(deps.systemId, deps.client)
    }
    const method = effectiveMethod(request.method, headerMap(request))
    if (!(WRITE_METHODS as readonly string[]).includes(method)) return null
    const token = request.headers['x-csrf-token']
    return deps.auth.checkToken(logon.session, typeof token === 'string' ? token : undefined)
      ? null
      : csrfRequired()
  }

  const handle = (request: FastifyRequest): SimResponse => {
    const { service, rest, query } = locate(request)
    const headers = headerMap(request)
    const req: ODataRequest = {
      method: effectiveMethod(request.method, headers),
      service,
      path: rest,
      query,
      headers,
      body: request.body,
    }
    const logon = logons.get(request)
    const fetching = (headers['x-csrf-token'] ?? '').toLowerCase() === 'fetch'
    const token: Record<string, string> =
      logon?.ok && fetching && (req.method === 'GET' || req.method === 'HEAD')
        ? { 'x-csrf-token': deps.auth.fetchToken(logon.session) }
        : {}
    const response = respond(req, service, rest, request.headers['content-type'])
    return { ...response, headers: { ...response.headers, ...token } }
  }

  const respond = (
    req: ODataRequest,
    service: string,
    rest: string,
    contentType: string | undefined,
  ): SimResponse => {
    const json = wantsJson(req.query, req.headers.accept)
    if (!(SERVICE_NAMES as readonly string[]).includes(service)) {
      return renderError(sapErrors.noService(service), service, json, deps.now())
    }
    if (rest.replace(/\/+$/, '') === '$batch' && req.method === 'POST') {
      return executeBatch(deps, req, contentType, typeof req.body === 'string' ? req.body : '')
    }
    if (typeof req.body === 'string' && req.body.trim() !== '') {
      return renderError(
        sapErrors.unsupportedMedia(contentType ?? '(none)'),
        service,
        json,
        deps.now(),
      )
    }
    const result = executeOData(deps, req)
    deps.commit(result.changes)
    return result.response
  }

  const gatedHandler = gated(deps.gate, { key: keyOf, guard, handle })
  app.addHttpMethod('MERGE', { hasBody: true })
  app.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'MERGE', 'DELETE'],
    url: `${SERVICE_ROOT}*`,
    handler: (request, reply) => {
      const logon = deps.auth.logon(request.headers.cookie, request.headers.authorization)
      logons.set(request, logon)
      // The ICF sets the session cookies on the answer of the request that opened the session.
      if (logon.ok && logon.setCookies.length > 0) reply.header('set-cookie', [...logon.setCookies])
      return gatedHandler(request, reply)
    },
  })
}

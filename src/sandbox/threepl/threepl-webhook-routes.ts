/** @module sandbox/threepl/threepl-webhook-routes — /v1/webhooks: the endpoint management API (create, list, rotate the secret, re-enable, delete). */

import type { FastifyRequest } from 'fastify'
import type { BusinessKey } from '../kit/effects-ledger.ts'
import { emptyResponse, jsonResponse } from '../kit/sim-response.ts'
import { paramsOf } from './threepl-api.ts'
import type { ApiRouter } from './threepl-api.ts'
import { threeplErrors } from './threepl-errors.ts'
import { endpointView } from './threepl-webhook-endpoints.ts'
import type { WebhookEndpoint } from './threepl-webhook-endpoints.ts'
import { secretKey } from './threepl-webhook-signer.ts'
import { checkNewEndpoint, isObject } from './threepl-validation.ts'
import type { ThreePlRouteDeps } from './threepl-vendor-routes.ts'

export const ENDPOINT_RECORD = 'webhook_endpoint'

export function mountWebhookRoutes(router: ApiRouter, deps: ThreePlRouteDeps): void {
  const { endpoints, ledger } = deps
  const endpointOf = (request: FastifyRequest): WebhookEndpoint | undefined =>
    endpoints.get(paramsOf(request).id ?? '')
  // Keyed by URL: registering the same URL twice (a retried create) shows as two creates.
  const keyOf = (url: string): BusinessKey => ({ recordType: ENDPOINT_RECORD, key: url })
  const keyById = (request: FastifyRequest): BusinessKey | null => {
    const endpoint = endpointOf(request)
    return endpoint ? keyOf(endpoint.url) : null
  }
  const missing = () => threeplErrors.notFound('webhook endpoint')

  router.route(
    'POST',
    '/webhooks',
    (request) => {
      const body = request.body
      if (!isObject(body)) return threeplErrors.badRequest('The body must be a JSON object.')
      const checked = checkNewEndpoint(body)
      if (!checked.ok) return threeplErrors.validation(checked.errors)
      const endpoint = endpoints.add(checked.value, 'api')
      ledger.recordEffect(keyOf(endpoint.url), 'create')
      return jsonResponse(201, { ...endpointView(endpoint), secret: endpoint.secret })
    },
    (request) => {
      const body = request.body
      return isObject(body) && typeof body.url === 'string' ? keyOf(body.url) : null
    },
  )

  router.route('GET', '/webhooks', () =>
    jsonResponse(200, {
      data: endpoints
        .list()
        .filter((e) => e.source === 'api')
        .map(endpointView),
    }),
  )

  router.route(
    'GET',
    '/webhooks/:id',
    (request) => {
      const endpoint = endpointOf(request)
      return endpoint ? jsonResponse(200, endpointView(endpoint)) : missing()
    },
    keyById,
  )

  router.route(
    'GET',
    '/webhooks/:id/secret',
    (request) => {
      const endpoint = endpointOf(request)
      return endpoint ? jsonResponse(200, { secret: endpoint.secret }) : missing()
    },
    keyById,
  )

  router.route(
    'POST',
    '/webhooks/:id/rotate_secret',
    (request) => {
      const endpoint = endpointOf(request)
      if (!endpoint) return missing()
      const body = isObject(request.body) ? request.body : {}
      const given = body.secret
      if (given !== undefined && (typeof given !== 'string' || secretKey(given) === null)) {
        return threeplErrors.validation([
          {
            field: 'secret',
            code: 'invalid_format',
            message: 'Must be whsec_ and 24 to 64 bytes in base64.',
          },
        ])
      }
      const rotated = endpoints.rotate(endpoint, typeof given === 'string' ? given : undefined)
      ledger.recordEffect(keyOf(endpoint.url), 'update')
      return jsonResponse(200, {
        secret: rotated.secret,
        previous_secret_expires_at: new Date(rotated.previousValidUntil).toISOString(),
      })
    },
    keyById,
  )

  router.route(
    'POST',
    '/webhooks/:id/enable',
    (request) => {
      const endpoint = endpointOf(request)
      if (!endpoint) return missing()
      if (endpoint.disabled !== null) {
        endpoints.enable(endpoint)
        ledger.recordEffect(keyOf(endpoint.url), 'update')
      }
      return jsonResponse(200, endpointView(endpoint))
    },
    keyById,
  )

  router.route(
    'DELETE',
    '/webhooks/:id',
    (request) => {
      const endpoint = endpointOf(request)
      if (!endpoint) return missing()
      endpoints.remove(endpoint.id)
      deps.dispatcher.stopEndpoint(endpoint.id)
      ledger.recordEffect(keyOf(endpoint.url), 'delete')
      return emptyResponse(204)
    },
    keyById,
  )
}

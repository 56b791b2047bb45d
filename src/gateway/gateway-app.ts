/** @module gateway/gateway-app — builds the hub's HTTP server: webhooks in, operator API out. */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { fastify } from 'fastify'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { installContentEncodingGuard } from './content-encoding.ts'
import type { GatewayDeps } from './gateway-deps.ts'
import { installErrorHandlers, MAX_PARAM_LENGTH, sendFrameworkError } from './gateway-errors.ts'
import { registerAlertRoutes } from './routes/alert-routes.ts'
import { registerCrossReferenceRoutes } from './routes/cross-reference-routes.ts'
import { registerApprovalRoutes } from './routes/approval-routes.ts'
import { registerReconciliationRoutes } from './routes/reconciliation-routes.ts'
import { registerDlqRoutes } from './routes/dlq-routes.ts'
import { registerHealthRoutes } from './routes/health-routes.ts'
import { registerMetricsRoutes } from './routes/metrics-routes.ts'
import { registerReplayRoutes } from './routes/replay-routes.ts'
import { registerRunRoutes } from './routes/run-routes.ts'
import { registerSandboxRoutes } from './routes/sandbox-routes.ts'
import { registerStatsRoutes } from './routes/stats-routes.ts'
import { registerWebhookRoutes } from './routes/webhook-routes.ts'

/**
 * Socket timeouts against slow clients (slowloris): a client that trickles headers or a body
 * cannot hold a connection open for longer than these bounds.
 */
export interface GatewayOptions {
  /** Idle time on a socket before it is closed, ms. */
  connectionTimeout?: number
  /** Time to receive the whole request (headers and body), ms. */
  requestTimeout?: number
  /** Time to receive the request headers, ms; must not exceed `requestTimeout`. */
  headersTimeout?: number
  /**
   * How often Node checks the headers and request timeouts, ms. They are enforced only on this
   * tick (Node's default is 30 s), so a slow client is closed up to this long after its deadline.
   */
  connectionsCheckingInterval?: number
  /** Time an idle keep-alive connection stays open after a response, ms. */
  keepAliveTimeout?: number
  /** After a 413/415 mid-upload, how long the socket stays open so the client reads the answer, ms. */
  rejectLingerMs?: number
  /** Longest wait for `deps.ready()` in GET /readyz before answering 503, ms. */
  readyTimeoutMs?: number
}

export const DEFAULT_GATEWAY_OPTIONS = {
  connectionTimeout: 60_000,
  // Webhook bodies are small (a few MB at most): 30 s is ample on a slow link, and short enough to
  // free a connection a trickling client holds.
  requestTimeout: 30_000,
  headersTimeout: 10_000,
  // A check per second over the open connections is cheap, and keeps the timeouts above honest.
  connectionsCheckingInterval: 1_000,
  // Above typical load-balancer idle timeouts would risk a race on reuse; Node's own default.
  keepAliveTimeout: 5_000,
  rejectLingerMs: 2_000,
  readyTimeoutMs: 5_000,
} as const satisfies Required<GatewayOptions>

/** A caller's request id is kept when it is short and plain, so it can be followed across hops. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/

function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id']
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID()
}

export function buildGateway(deps: GatewayDeps, options: GatewayOptions = {}): FastifyInstance {
  const settings = { ...DEFAULT_GATEWAY_OPTIONS, ...options }
  // Widened to Fastify's logger type so routes stay plain `FastifyInstance` plugins; it is still pino.
  const logger: FastifyBaseLogger = deps.logger
  const app = fastify({
    loggerInstance: logger,
    genReqId: requestId,
    connectionTimeout: settings.connectionTimeout,
    requestTimeout: settings.requestTimeout,
    keepAliveTimeout: settings.keepAliveTimeout,
    // Passed to http.createServer: Node reads connectionsCheckingInterval only when the server is
    // built, so it cannot be set on app.server afterwards like the timeouts.
    http: {
      connectionsCheckingInterval: settings.connectionsCheckingInterval,
      // Never above the request timeout, or Node would reject the combination.
      headersTimeout: Math.min(settings.headersTimeout, settings.requestTimeout),
      requestTimeout: settings.requestTimeout,
    },
    // The API bodies (replay lists) are small; only the webhook route raises this to the deps' limit.
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Router errors (414, malformed URL) get the gateway's `{ error, message }` body too.
    frameworkErrors: sendFrameworkError,
    // Open keep-alive sockets would otherwise delay a graceful stop by up to keepAliveTimeout.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  })
  // The API takes JSON only: without this, text/plain would reach the routes as a string (→ 400)
  // instead of being refused as the wrong media type (→ 415).
  app.removeContentTypeParser(['text/plain'])

  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id)
    done(null, payload)
  })

  installErrorHandlers(app, settings.rejectLingerMs)
  installContentEncodingGuard(app, settings.rejectLingerMs)
  registerWebhookRoutes(app, deps)
  registerHealthRoutes(app, deps, settings.readyTimeoutMs)
  registerMetricsRoutes(app, deps)
  registerRunRoutes(app, deps)
  registerDlqRoutes(app, deps)
  registerApprovalRoutes(app, deps)
  registerReconciliationRoutes(app, deps)
  registerReplayRoutes(app, deps)
  registerCrossReferenceRoutes(app, deps)
  registerStatsRoutes(app, deps)
  registerAlertRoutes(app, deps)
  registerSandboxRoutes(app, deps)
  return app
}

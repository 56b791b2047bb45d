/** @module sandbox/sap/sap-billing-soap-route — the asynchronous SOAP inbound service BillingDocumentRequest_In: 202 with no body, the billing run afterwards, its errors only in the message monitor. */

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { gated } from '../kit/fault-gate.ts'
import type { GateContext } from '../kit/fault-gate.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import type { SapAuth } from './sap-auth.ts'
import { billDelivery } from './sap-billing-rules.ts'
import type { Change, RuleContext } from './sap-changes.ts'
import { logonFailed } from './sap-errors.ts'

/** Where the communication arrangement (SAP_COM_0120) publishes the service. */
export const BILLING_REQUEST_PATH = '/sap/bc/srt/scs_ext/sap/billingdocumentrequest_in'

/** One processed message, as the SOAP message monitor lists it. */
export interface BillingMessage {
  readonly seq: number
  readonly reference: string
  readonly state: 'processed' | 'error'
  readonly billingDocument: string | null
  readonly error: string | null
  readonly receivedAt: number
}

export interface BillingSoapDeps {
  readonly auth: SapAuth
  readonly rules: RuleContext
  readonly systemId: string
  readonly client: string
  readonly commit: (changes: readonly Change[]) => void
  readonly gate: GateContext
  /** How long after the 202 the inbound queue processes the message. */
  readonly processingMs: number
}

export class BillingMonitor {
  #messages: BillingMessage[] = []
  #pending = new Set<ReturnType<typeof setTimeout>>()

  list(): readonly BillingMessage[] {
    return [...this.#messages]
  }

  record(message: Omit<BillingMessage, 'seq'>): void {
    this.#messages.push({ ...message, seq: this.#messages.length + 1 })
  }

  later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#pending.delete(timer)
      run()
    }, ms)
    this.#pending.add(timer)
  }

  clear(): void {
    for (const timer of this.#pending) clearTimeout(timer)
    this.#pending.clear()
    this.#messages = []
  }
}

/** The SD documents to bill: `<SDDocument><SDDocument>80000000</SDDocument></SDDocument>`. */
export function referencesOf(xml: string): string[] {
  const inner = /<(?:\w+:)?SDDocument>\s*([A-Za-z0-9]{1,10})\s*<\/(?:\w+:)?SDDocument>/g
  return [...xml.matchAll(inner)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]))
}

function soapFault(text: string): { status: number; body: string } {
  return {
    status: 500,
    body: `<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body><soap-env:Fault><faultcode>soap-env:Client</faultcode><faultstring xml:lang="en">${text}</faultstring></soap-env:Fault></soap-env:Body></soap-env:Envelope>`,
  }
}

export function mountBillingSoapRoute(
  app: FastifyInstance,
  deps: BillingSoapDeps,
  monitor: BillingMonitor,
): void {
  const text = (response: { status: number; body: string }): SimResponse => ({
    ...response,
    headers: { 'content-type': 'text/xml; charset=utf-8' },
  })
  const handle = (request: FastifyRequest): SimResponse => {
    const body = typeof request.body === 'string' ? request.body : ''
    const references = /BillingDocumentRequest/.test(body) ? referencesOf(body) : []
    if (references.length === 0) {
      return text(soapFault('BillingDocumentRequest with at least one SDDocument expected'))
    }
    const receivedAt = deps.rules.now()
    // Accepted into the inbound queue: the caller learns nothing of the outcome from this answer.
    monitor.later(deps.processingMs, () => {
      for (const reference of references) {
        const result = billDelivery(deps.rules, reference)
        if (result.ok) deps.commit([result.value.change])
        monitor.record({
          reference,
          receivedAt,
          state: result.ok ? 'processed' : 'error',
          billingDocument: result.ok ? String(result.value.record.header.BillingDocument) : null,
          error: result.ok ? null : `${result.error.code}: ${result.error.message}`,
        })
      }
    })
    return { status: 202, headers: {}, body: '' }
  }
  // Scripted faults apply here as on OData: a dropped 202 leaves the caller not knowing.
  const gatedHandler = gated(deps.gate, {
    key: () => null,
    guard: (request) =>
      deps.auth.logon(request.headers.cookie, request.headers.authorization).ok
        ? null
        : logonFailed(deps.systemId, deps.client),
    handle,
  })
  app.post(BILLING_REQUEST_PATH, gatedHandler)
}

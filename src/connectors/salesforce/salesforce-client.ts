/** @module connectors/salesforce/salesforce-client — the REST API: upsert and read by external id, conditional update, limits, SOQL and Composite. */
import { HubError } from '../../errors/hub-error.ts'
import type { ApiUsageState } from './salesforce-api-usage.ts'
import { runComposite } from './salesforce-composite.ts'
import type {
  CompositeOptions,
  CompositeOutcome,
  CompositeSubrequest,
} from './salesforce-composite.ts'
import { parseSalesforceErrorBody } from './salesforce-error-classifier.ts'
import { dataPath, externalIdPath, recordPath } from './salesforce-paths.ts'
import { queryPages } from './salesforce-query.ts'
import type { QueryOptions, QueryPage } from './salesforce-query.ts'
import type { SalesforceConnectionConfig } from './salesforce-spec.ts'
import type { SalesforceTokenProvider } from './salesforce-token-provider.ts'
import { SalesforceTransport } from './salesforce-transport.ts'
import type { SalesforceCall, SalesforceTransportOptions } from './salesforce-transport.ts'

export interface SalesforceWriteOptions {
  signal?: AbortSignal
}

export interface SalesforceUpsertResult {
  id: string
  /** 201: the row was created; 200/204: an existing row was updated. */
  created: boolean
}

export interface SalesforceRecordRead {
  id: string
  record: Record<string, unknown>
}

export interface SalesforceUpdateOptions extends SalesforceWriteOptions {
  /**
   * Sent as `If-Unmodified-Since`: the update applies only if the row has not changed since (412,
   * a conflict, otherwise). An ISO instant, epoch ms or a Date; Salesforce compares to the second.
   */
  ifUnmodifiedSince?: string | number | Date
}

export class SalesforceClient {
  readonly #transport: SalesforceTransport
  readonly #config: SalesforceConnectionConfig

  constructor(config: SalesforceConnectionConfig, options: SalesforceTransportOptions = {}) {
    this.#config = config
    this.#transport = new SalesforceTransport(config, options)
  }

  get tokens(): SalesforceTokenProvider {
    return this.#transport.tokens
  }

  /** The org's API usage (`Sforce-Limit-Info`) as last reported, and any back-off in force. */
  get apiUsage(): Readonly<ApiUsageState> | undefined {
    return this.#transport.apiUsage
  }

  /** `GET /limits`: the org's daily API allocation and what is left of it. */
  async getLimits(signal?: AbortSignal): Promise<{ max: number; remaining: number }> {
    const call: SalesforceCall = {
      method: 'GET',
      path: `${dataPath(this.#config.apiVersion)}/limits`,
      operation: 'read',
      signal,
    }
    const response = await this.#transport.send(call)
    this.#transport.expect(response, call)
    const daily = this.#transport.object(response, call).DailyApiRequests
    const { Max, Remaining } = (typeof daily === 'object' && daily !== null ? daily : {}) as Record<
      string,
      unknown
    >
    if (typeof Max !== 'number' || typeof Remaining !== 'number') {
      throw this.#transport.malformed(response, call, 'DailyApiRequests has no Max/Remaining')
    }
    return { max: Max, remaining: Remaining }
  }

  /** Upserts an Account by the configured external id field: the idempotent write path. */
  upsertAccount(
    externalId: string,
    body: object,
    options: SalesforceWriteOptions = {},
  ): Promise<SalesforceUpsertResult> {
    return this.upsertByExternalId(
      'Account',
      this.#config.externalIdField,
      externalId,
      body,
      options,
    )
  }

  /**
   * `PATCH …/sobjects/{type}/{field}/{value}`: 201 created, 200 (or 204 on old API versions)
   * updated, 300 several rows carry the key (a validation error naming them). A repeat lands on the
   * same row, so a write whose outcome is unknown can simply be sent again after the in-doubt read.
   */
  async upsertByExternalId(
    sobject: string,
    field: string,
    value: string,
    body: object,
    options: SalesforceWriteOptions = {},
  ): Promise<SalesforceUpsertResult> {
    const call: SalesforceCall = {
      method: 'PATCH',
      path: externalIdPath(this.#config.apiVersion, sobject, field, value),
      operation: 'idempotent_write',
      body,
      signal: options.signal,
    }
    const response = await this.#transport.send(call)
    this.#transport.expect(response, call, [200, 201, 204])
    if (response.status === 204) {
      // Older versions answer an update with no body: the row exists, so read its id by the key.
      const found = await this.getByExternalId(sobject, field, value, { signal: options.signal })
      if (found === null) {
        throw this.#transport.malformed(response, call, 'the updated row cannot be read back')
      }
      return { id: found.id, created: false }
    }
    const result = this.#transport.object(response, call)
    if (typeof result.id !== 'string' || result.id === '') {
      throw this.#transport.malformed(response, call, 'the body has no id')
    }
    return { id: result.id, created: response.status === 201 }
  }

  getAccount(
    externalId: string,
    options: { fields?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<SalesforceRecordRead | null> {
    return this.getByExternalId('Account', this.#config.externalIdField, externalId, options)
  }

  /** The row with this external id, or null when there is none (404 `NOT_FOUND`). */
  async getByExternalId(
    sobject: string,
    field: string,
    value: string,
    options: { fields?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<SalesforceRecordRead | null> {
    const fields = options.fields === undefined ? '' : `?fields=${options.fields.join(',')}`
    const call: SalesforceCall = {
      method: 'GET',
      path: `${externalIdPath(this.#config.apiVersion, sobject, field, value)}${fields}`,
      operation: 'read',
      signal: options.signal,
    }
    const response = await this.#transport.send(call)
    if (response.status === 404 && isMissingRow(response.body)) return null
    this.#transport.expect(response, call)
    const record = this.#transport.object(response, call)
    if (typeof record.Id !== 'string' || record.Id === '') {
      throw this.#transport.malformed(response, call, 'the row has no Id')
    }
    return { id: record.Id, record }
  }

  /** `PATCH …/sobjects/{type}/{id}` (204), conditional on `If-Unmodified-Since` when given (412 → conflict). */
  async updateRecord(
    sobject: string,
    id: string,
    body: object,
    options: SalesforceUpdateOptions = {},
  ): Promise<void> {
    const since = options.ifUnmodifiedSince
    const call: SalesforceCall = {
      method: 'PATCH',
      path: recordPath(this.#config.apiVersion, sobject, id),
      operation: 'idempotent_write',
      body,
      signal: options.signal,
      ...(since === undefined ? {} : { headers: { 'if-unmodified-since': httpDate(since) } }),
    }
    const response = await this.#transport.send(call)
    this.#transport.expect(response, call, [200, 204])
  }

  /** SOQL, page by page, following `nextRecordsUrl` until `done`. */
  query(soql: string, options: QueryOptions = {}): AsyncIterable<QueryPage> {
    return queryPages(this.#transport, soql, options)
  }

  /** Every row of a SOQL query (all pages); for small results, else iterate `query`. */
  async queryAll(soql: string, options: QueryOptions = {}): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = []
    for await (const page of this.query(soql, options)) rows.push(...page.records)
    return rows
  }

  /** `POST /composite`: up to 25 subrequests; one outcome per subrequest, never one success for all. */
  composite(
    subrequests: readonly CompositeSubrequest[],
    options: CompositeOptions = {},
  ): Promise<CompositeOutcome[]> {
    return runComposite(this.#transport, subrequests, options)
  }
}

/**
 * A 404 means "no such row" only when Salesforce says NOT_FOUND about the row; a field that is not
 * an external id also answers NOT_FOUND, and must not pass for "absent", or the caller would create.
 */
function isMissingRow(body: string): boolean {
  return parseSalesforceErrorBody(body).some(
    (d) => d.code === 'NOT_FOUND' && !/external ID field/i.test(d.message ?? ''),
  )
}

/** RFC 9110 HTTP-date, as `If-Unmodified-Since` takes it. */
function httpDate(value: string | number | Date): string {
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) {
    throw HubError.validation(`If-Unmodified-Since is not an instant: ${String(value)}`, {
      code: 'INVALID_HEADER_VALUE',
    })
  }
  return date.toUTCString()
}

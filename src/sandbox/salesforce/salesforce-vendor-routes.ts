/** @module sandbox/salesforce/salesforce-vendor-routes — the Salesforce endpoints this simulator serves and its own /__sim routes, as GET /__sim lists them. */

import type { RouteDescription } from '../kit/scenario-router.ts'

const D = '/services/data/vXX.X'

export const SALESFORCE_VENDOR_ROUTES: readonly RouteDescription[] = [
  {
    method: 'POST',
    path: '/services/oauth2/token',
    description:
      'grant_type=password or client_credentials (form) → access_token, instance_url, id, issued_at, signature',
  },
  { method: 'POST', path: '/services/oauth2/revoke', description: 'token=… revokes a session' },
  {
    method: 'POST',
    path: '/services/Soap/u/XX.X',
    description: 'partner SOAP login() / logout() (jsforce conn.login without an OAuth client)',
  },
  { method: 'GET', path: '/services/data/', description: 'API versions' },
  { method: 'GET', path: `${D}/sobjects`, description: 'describeGlobal' },
  {
    method: 'POST',
    path: `${D}/sobjects/{Account|Contact}`,
    description: 'create → 201 {id,success,errors}',
  },
  {
    method: 'GET',
    path: `${D}/sobjects/{type}/describe`,
    description: 'fields, picklists, external ids',
  },
  {
    method: 'GET|PATCH|DELETE',
    path: `${D}/sobjects/{type}/{id}`,
    description:
      'read (?fields=, If-Modified-Since → 304), update 204 (If-Unmodified-Since → 412), delete 204',
  },
  {
    method: 'PATCH',
    path: `${D}/sobjects/{type}/{ExtField}/{value}`,
    description:
      'upsert: 201 created, 200 updated {created:false}, 300 several matches, ?updateOnly=true; GET and DELETE by external id too',
  },
  {
    method: 'GET',
    path: `${D}/query?q=`,
    description:
      'SOQL; batches of 2000 (Sforce-Query-Options: batchSize=200..2000), nextRecordsUrl; queryAll includes deleted rows',
  },
  {
    method: 'GET',
    path: `${D}/query/{locator}-{offset}`,
    description: 'next batch (locators idle out after 15 min)',
  },
  {
    method: 'POST',
    path: `${D}/composite`,
    description: 'up to 25 subrequests with @{ref.field}; HTTP 200; allOrNone rolls back',
  },
  {
    method: 'POST|PATCH|DELETE',
    path: `${D}/composite/sobjects[/{type}[/{ExtField}]]`,
    description: 'sObject Collections: 200 records per call',
  },
  { method: 'GET', path: `${D}/limits`, description: 'DailyApiRequests {Max, Remaining}' },
  {
    method: 'POST',
    path: '/cometd/XX.X',
    description:
      'Streaming API (Bayeux long-polling): /data/ChangeEvents, /data/AccountChangeEvent, /data/ContactChangeEvent with the replay extension',
  },
]

export const SALESFORCE_SIM_ROUTES: readonly RouteDescription[] = [
  {
    method: 'GET',
    path: '/__sim/records/{type}?deleted=true',
    description: 'rows of Account or Contact, REST-shaped',
  },
  {
    method: 'GET',
    path: '/__sim/records/{type}/{id}',
    description: 'one row, deleted ones included',
  },
  {
    method: 'POST',
    path: '/__sim/records/{type}?events=false',
    description:
      'a UI save: one row (or an array, one transaction); Id updates; change events with empty changeOrigin; no ledger effect',
  },
  {
    method: 'DELETE',
    path: '/__sim/records/{type}/{id}',
    description: 'a UI delete (to the recycle bin)',
  },
  {
    method: 'POST',
    path: '/__sim/records/{type}/{id}/undelete',
    description: 'restore from the recycle bin (UNDELETE event)',
  },
  {
    method: 'POST',
    path: '/__sim/records/{type}/{id}/touch',
    description:
      'a system-only change: SystemModstamp moves, UPDATE event with changedFields [SystemModstamp]',
  },
  {
    method: 'GET',
    path: '/__sim/clock',
    description: "the org's now and its offset from the host clock",
  },
  {
    method: 'POST',
    path: '/__sim/clock',
    description:
      '{advanceMs} or {set: ISO instant}: move the org clock (retention, sessions, cursors, limits)',
  },
  {
    method: 'GET',
    path: '/__sim/limits',
    description: 'daily API allocation and use (rolling 24 h)',
  },
  {
    method: 'POST',
    path: '/__sim/limits',
    description: '{dailyApiRequests?, used?}: set the allocation and how much is used',
  },
  {
    method: 'POST',
    path: '/__sim/tokens/expire',
    description: 'end every session (401 INVALID_SESSION_ID next)',
  },
  {
    method: 'POST',
    path: '/__sim/tokens/revoke',
    description: '{token}: end one session',
  },
  {
    method: 'GET',
    path: '/__sim/cdc/events?channel=&replayId=&limit=',
    description: 'pull change events (replayId -1 new only, -2 all retained)',
  },
  {
    method: 'POST',
    path: '/__sim/cdc/gap',
    description: '{entity, changeType: GAP_CREATE|GAP_UPDATE|GAP_DELETE|GAP_UNDELETE, recordIds}',
  },
  { method: 'POST', path: '/__sim/cdc/overflow', description: '{entity}: a GAP_OVERFLOW event' },
  {
    method: 'POST',
    path: '/__sim/cdc/redeliver',
    description: '{fromReplayId}: send retained events again to CometD subscribers',
  },
  {
    method: 'POST',
    path: '/__sim/cdc/disconnect',
    description: 'forget CometD clients: they must handshake and resubscribe',
  },
  {
    method: 'GET',
    path: '/__sim/cdc/clients',
    description: 'CometD clients and their subscriptions',
  },
  {
    method: 'POST',
    path: '/__sim/schema/{type}/fields',
    description:
      '{name, type, length?, required?, externalId?, unique?, picklistValues?, restrictedPicklist?}: add a custom field',
  },
  {
    method: 'DELETE',
    path: '/__sim/schema/{type}/fields/{field}/picklist-values/{value}',
    description: 'deactivate a picklist value',
  },
  { method: 'GET', path: '/__sim/validation-rules', description: 'active validation rules' },
  {
    method: 'POST',
    path: '/__sim/validation-rules',
    description:
      "{name, sobject, field, condition: 'blank'|'notBlank'|{equals}|{notMatches}, message, errorDisplayField?}",
  },
]

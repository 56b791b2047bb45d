/** @module sandbox/salesforce/salesforce-soap — the partner SOAP API's login() and logout(), which jsforce's `conn.login(user, pass)` uses when no OAuth client is configured. */

import type { SimResponse } from '../kit/sim-response.ts'
import type { SalesforceOAuth } from './salesforce-oauth.ts'
import type { SessionStore, SfUser } from './salesforce-sessions.ts'

export const SOAP_PATH = '/services/Soap/u/:version'

export interface SoapConfig {
  readonly orgId: string
  readonly orgName: string
  readonly profileId: string
  readonly user: SfUser
  readonly baseUrl: () => string
}

const XML = 'text/xml;charset=UTF-8'
const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>'

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const unescapeXml = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')

/** The text of the first element with this local name, whatever its namespace prefix. */
function element(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(
    xml,
  )
  return m?.[1] === undefined ? undefined : unescapeXml(m[1])
}

/** A SOAP fault, answered with HTTP 500 as the partner API does. */
function fault(code: string, message: string, faultType = 'UnexpectedErrorFault'): SimResponse {
  return {
    status: 500,
    headers: { 'content-type': XML },
    body:
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault>' +
      `<faultcode>sf:${code}</faultcode><faultstring>${escapeXml(`${code}: ${message}`)}</faultstring>` +
      `<detail><sf:${faultType} xsi:type="sf:${faultType}"><sf:exceptionCode>${code}</sf:exceptionCode><sf:exceptionMessage>${escapeXml(message)}</sf:exceptionMessage></sf:${faultType}></detail>` +
      '</soapenv:Fault></soapenv:Body></soapenv:Envelope>',
  }
}

export class SalesforceSoap {
  readonly #config: SoapConfig
  readonly #sessions: SessionStore
  readonly #oauth: SalesforceOAuth

  constructor(config: SoapConfig, sessions: SessionStore, oauth: SalesforceOAuth) {
    this.#config = config
    this.#sessions = sessions
    this.#oauth = oauth
  }

  /** Answers one SOAP call to /services/Soap/u/{version}: login and logout are served. */
  handle(version: string, body: unknown): SimResponse {
    const xml = typeof body === 'string' ? body : ''
    if (/<(?:[\w-]+:)?login[\s>]/.test(xml)) return this.#login(version, xml)
    if (/<(?:[\w-]+:)?logout[\s/>]/.test(xml)) return this.#logout(xml)
    const op = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?([\w]+)/.exec(xml)?.[1] ?? 'unknown'
    return {
      status: 500,
      headers: { 'content-type': XML },
      body: `${ENVELOPE_OPEN}<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>No operation available for request {urn:partner.soap.sforce.com}${escapeXml(op)}, please check the WSDL for the service.</faultstring></soapenv:Fault>${ENVELOPE_CLOSE}`,
    }
  }

  #login(version: string, xml: string): SimResponse {
    const username = element(xml, 'username') ?? ''
    const password = element(xml, 'password') ?? ''
    if (!this.#oauth.checkPassword(username, password)) {
      return fault(
        'INVALID_LOGIN',
        'Invalid username, password, security token; or user locked out.',
        'LoginFault',
      )
    }
    const { orgId, orgName, profileId, user } = this.#config
    const session = this.#sessions.issue(user.id, 'soap')
    const base = this.#config.baseUrl()
    const info = [
      ['accessibilityMode', 'false'],
      ['chatterExternal', 'false'],
      ['currencySymbol', '$'],
      ['orgAttachmentFileSizeLimit', '5242880'],
      ['orgDefaultCurrencyIsoCode', 'USD'],
      ['orgDefaultCurrencyLocale', 'en_US'],
      ['orgDisallowHtmlAttachments', 'false'],
      ['orgHasPersonAccounts', 'false'],
      ['organizationId', orgId],
      ['organizationMultiCurrency', 'false'],
      ['organizationName', orgName],
      ['profileId', profileId],
      ['roleId', null],
      ['sessionSecondsValid', String(this.#sessions.timeoutSeconds)],
      ['userDefaultCurrencyIsoCode', null],
      ['userEmail', user.email],
      ['userFullName', user.fullName],
      ['userId', user.id],
      ['userLanguage', 'en_US'],
      ['userLocale', 'en_US'],
      ['userName', user.username],
      ['userTimeZone', 'America/Los_Angeles'],
      ['userType', 'Standard'],
      ['userUiSkin', 'Theme3'],
    ] as const
    const userInfo = info
      .map(([k, v]) => (v === null ? `<${k} xsi:nil="true"/>` : `<${k}>${escapeXml(v)}</${k}>`))
      .join('')
    return {
      status: 200,
      headers: { 'content-type': XML },
      body:
        `${ENVELOPE_OPEN}<loginResponse><result>` +
        `<metadataServerUrl>${base}/services/Soap/m/${version}/${orgId}</metadataServerUrl>` +
        '<passwordExpired>false</passwordExpired><sandbox>true</sandbox>' +
        `<serverUrl>${base}/services/Soap/u/${version}/${orgId}</serverUrl>` +
        `<sessionId>${escapeXml(session.token)}</sessionId><userId>${user.id}</userId>` +
        `<userInfo>${userInfo}</userInfo></result></loginResponse>${ENVELOPE_CLOSE}`,
    }
  }

  #logout(xml: string): SimResponse {
    const token = element(xml, 'sessionId')
    if (token === undefined || !this.#sessions.check(token)) {
      return fault(
        'INVALID_SESSION_ID',
        'Invalid Session ID found in SessionHeader: Illegal Session',
        'UnexpectedErrorFault',
      )
    }
    this.#sessions.revoke(token)
    return {
      status: 200,
      headers: { 'content-type': XML },
      body: `${ENVELOPE_OPEN}<logoutResponse/>${ENVELOPE_CLOSE}`,
    }
  }
}

/** @module test/sandbox/netsuite-journal-entry.test — the simulator's general ledger over real HTTP: journal entries saved only when balanced, in an open period, against active accounts; accounts and periods read by REST and SuiteQL. */
import { beforeEach, describe, expect, it } from 'vitest'
import { ACCOUNTS, seedLedger } from '../flows/financial-postings-kit.ts'
import { useNetSuiteTestEstate, type Json } from './netsuite-test-estate.ts'
import type { NetSuiteErrorBody } from './sandbox-test-kit.ts'

const R = '/services/rest/record/v1'
const Q = '/services/rest/query/v1/suiteql'
const estate = useNetSuiteTestEstate(41)
const { sim } = estate

const idOf = (type: 'account' | 'subsidiary' | 'department', key: string): string =>
  (type === 'account'
    ? sim.records.list('account').find((a) => a.fields.acctNumber === key)?.id
    : sim.records.get(type, `eid:${key}`)?.id) ?? ''

function entry(tranDate: string, lines: [string, number, number][]): Json {
  return {
    subsidiary: { id: idOf('subsidiary', 'SUB-US') },
    currency: { id: sim.records.list('currency')[0]?.id },
    tranDate,
    memo: 'settlements',
    line: {
      items: lines.map(([account, debit, credit]) => ({
        account: { id: idOf('account', account) },
        ...(debit > 0 ? { debit } : {}),
        ...(credit > 0 ? { credit } : {}),
        department: { id: idOf('department', 'ONLINE') },
      })),
    },
  }
}

async function refused(response: Response) {
  expect(response.status).toBe(400)
  const body = (await response.json()) as NetSuiteErrorBody
  return body['o:errorDetails'][0]
}

describe('journalEntry', () => {
  beforeEach(() => seedLedger(sim))

  it('saves a balanced entry, its posting period taken from the date, lines expanded on read', async () => {
    const put = await estate.ns().call(
      'PUT',
      `${R}/journalEntry/eid:JE-1`,
      entry('2026-11-20', [
        [ACCOUNTS.clearing, 50, 0],
        [ACCOUNTS.receivable, 0, 50],
      ]),
    )
    expect(put.status).toBe(204)
    const id = estate.idFrom(put)
    const read = await estate.json(`${R}/journalEntry/${id}?expandSubResources=true`)
    const nov = sim.records.list('accountingPeriod').find((p) => p.fields.periodName === 'Nov 2026')
    expect(read).toMatchObject({
      externalId: 'JE-1',
      tranId: 'JE1',
      postingPeriod: { id: nov?.id, refName: 'Nov 2026' },
      subsidiary: { refName: 'Syncline Retail US' },
      line: {
        count: 2,
        items: [
          { line: 1, debit: 50 },
          { line: 2, credit: 50 },
        ],
      },
    })
    const items = (read.line as { items: Json[] }).items
    expect(items[0]?.account).toMatchObject({ refName: `${ACCOUNTS.clearing} Shopify Clearing` })
    const rows = await (
      await estate
        .ns()
        .call(
          'POST',
          Q,
          { q: "SELECT id, tranid FROM transaction WHERE type = 'Journal'" },
          { prefer: 'transient' },
        )
    ).json()
    expect((rows as { items: Json[] }).items).toEqual([expect.objectContaining({ tranid: 'JE1' })])
  })

  it('refuses an unbalanced entry, a closed period and unknown or inactive accounts; stores nothing', async () => {
    const put = (eid: string, body: Json) =>
      estate.ns().call('PUT', `${R}/journalEntry/eid:${eid}`, body)
    const unbalanced = await refused(
      await put(
        'JE-U',
        entry('2026-11-20', [
          [ACCOUNTS.clearing, 50, 0],
          [ACCOUNTS.receivable, 0, 49.99],
        ]),
      ),
    )
    expect(unbalanced).toMatchObject({ 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'line' })
    expect(unbalanced?.detail).toContain('not in balance: debits 50.00, credits 49.99')

    const closed = await refused(
      await put(
        'JE-C',
        entry('2026-10-15', [
          [ACCOUNTS.clearing, 5, 0],
          [ACCOUNTS.receivable, 0, 5],
        ]),
      ),
    )
    expect(closed).toMatchObject({ 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'postingPeriod' })
    expect(closed?.detail).toContain('Oct 2026 is closed')

    const body = entry('2026-11-20', [
      [ACCOUNTS.clearing, 5, 0],
      [ACCOUNTS.inactive, 0, 5],
    ])
    const inactive = await refused(await put('JE-I', body))
    expect(inactive).toMatchObject({
      'o:errorCode': 'INVALID_VALUE',
      'o:errorPath': 'line.items[1].account',
    })
    const items = (body.line as { items: Json[] }).items
    items[0] = { ...items[0], account: { id: '999999' } }
    const unknown = await refused(await put('JE-X', body))
    expect(unknown).toMatchObject({ 'o:errorPath': 'line.items[0].account' })

    expect(sim.records.list('journalEntry')).toEqual([])
    expect(sim.ledger().effects).toEqual([])
  })

  it('serves the chart of accounts and the periods through SuiteQL with NetSuite’s flags', async () => {
    const query = async (q: string) =>
      (
        (await (await estate.ns().call('POST', Q, { q }, { prefer: 'transient' })).json()) as {
          items: Json[]
        }
      ).items.map(({ links: _links, ...row }) => row)
    expect(await query('SELECT acctnumber, isinactive FROM account ORDER BY acctnumber')).toEqual([
      { acctnumber: ACCOUNTS.receivable, isinactive: 'F' },
      { acctnumber: ACCOUNTS.clearing, isinactive: 'F' },
      { acctnumber: ACCOUNTS.refunds, isinactive: 'F' },
      { acctnumber: ACCOUNTS.inactive, isinactive: 'T' },
    ])
    expect(
      await query(
        "SELECT periodname, TO_CHAR(startdate, 'YYYY-MM-DD') AS startdate, closed, isposting FROM accountingperiod ORDER BY id",
      ),
    ).toEqual([
      { periodname: 'Oct 2026', startdate: '2026-10-01', closed: 'T', isposting: 'T' },
      { periodname: 'Nov 2026', startdate: '2026-11-01', closed: 'F', isposting: 'T' },
      { periodname: 'Q4 2026', startdate: '2026-10-01', closed: 'F', isposting: 'F' },
    ])
    const account = await estate.json(`${R}/account/${idOf('account', ACCOUNTS.inactive)}`)
    expect(account).toMatchObject({ acctNumber: ACCOUNTS.inactive, isInactive: true })
  })
})

/** @module flows/financial-postings/journal-posting-steps — validate, approve and post journal batches: nothing reaches the ERP before every batch of the run has passed validation. */
import { createHash } from 'node:crypto'
import { addDecimals, type JournalEntry } from '../../canonical/index.ts'
import type { NetSuiteClient } from '../../connectors/netsuite/netsuite-client.ts'
import {
  canonicalJournalEntryToNetSuite,
  type NetSuiteJournalEntryBody,
} from '../../connectors/netsuite/netsuite-journal-mapping.ts'
import type { RunContext } from '../../engine/flow-definition.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { CrossReference, JsonValue } from '../../store/store-contract.ts'
import { advance, type JournalBatchState } from './journal-batch-state.ts'
import { journalRejection, validateJournalEntry } from './journal-validator.ts'
import type { FinancialPostingPolicy } from './posting-policy.ts'

/** The body field that fingerprints a posted batch: a repeat must match it to count as posted. */
export const BATCH_HASH_FIELD = 'custbody_syncline_batch_hash'

export interface JournalPostingDeps {
  netsuite: NetSuiteClient
  /** The governed target, e.g. `netsuite:1234567`. */
  netsuiteTarget: string
  policy: FinancialPostingPolicy
  /** Written into cross-references; default `netsuite`. */
  netsuiteSystem?: string
}

export interface BatchOutcome {
  [key: string]: JsonValue
  externalId: string
  states: JournalBatchState[]
  journalEntryId: string | null
  debits: string
  decidedBy: string | null
  reason: string | null
}

type Posted = { id: string }
type Prepared = { entry: JournalEntry; body: NetSuiteJournalEntryBody; hash: string }

const toJson = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue
const isZero = (a: string): boolean => /^-?0*(\.0*)?$/.test(a)
/** `a >= b` for decimal strings, exactly. */
const reaches = (a: string, b: string): boolean => {
  const d = addDecimals(a, b.startsWith('-') ? b.slice(1) : `-${b}`)
  return isZero(d) || !d.startsWith('-')
}

/** Stable over the batch's content: the same batch rebuilt after a crash has the same hash. */
export function batchHash(entry: JournalEntry): string {
  return createHash('sha256').update(JSON.stringify(entry)).digest('hex').slice(0, 32)
}

/**
 * Runs every batch through validation in one step (reading the ledger setup inside it, so a
 * redrive after the ERP was fixed reads it afresh), then approval where the policy wants one,
 * then one delivery each. Any invalid batch fails the run before the first write.
 */
export async function postJournalBatches(
  ctx: RunContext,
  entries: readonly JournalEntry[],
  deps: JournalPostingDeps,
  sourceSystem: string,
): Promise<BatchOutcome[]> {
  const prepared = (await ctx.step('validate', async () => {
    const ledger = await deps.netsuite.readLedgerSetup(ctx.signal)
    const rejections = entries.flatMap((entry) => {
      const issues = validateJournalEntry(entry, ledger)
      return issues.length === 0 ? [] : [journalRejection(entry, issues)]
    })
    const [first, ...more] = rejections
    if (first !== undefined) {
      if (more.length === 0) throw first
      throw HubError.validation(rejections.map((r) => r.message).join('\n'), {
        ...(first.code === undefined ? {} : { code: first.code }),
      })
    }
    return toJson(
      entries.map((entry) => {
        const hash = batchHash(entry)
        const body = { ...canonicalJournalEntryToNetSuite(entry, ledger), [BATCH_HASH_FIELD]: hash }
        return { entry, body, hash }
      }),
    )
  })) as unknown as Prepared[]

  const outcomes: BatchOutcome[] = []
  for (const batch of prepared) outcomes.push(await postOne(ctx, batch, deps, sourceSystem))
  return outcomes
}

async function postOne(
  ctx: RunContext,
  { entry, body, hash }: Prepared,
  deps: JournalPostingDeps,
  sourceSystem: string,
): Promise<BatchOutcome> {
  const eid = entry.externalId
  const debits = addDecimals(...entry.lines.map((l) => l.debit))
  let states = advance(['open'], 'validated')
  let decidedBy: string | null = null
  const { approval } = deps.policy
  if (reaches(debits, approval.threshold)) {
    states = advance(states, 'awaiting_approval')
    const decision = await ctx.approval(`approve/${eid}`, {
      title: `Journal batch ${eid}: ${debits} ${entry.currency} on ${entry.tranDate}`,
      subject: toJson({ ...entry, debits, threshold: approval.threshold }),
      assignee: approval.assignee,
      timeoutMs: approval.timeoutMs,
      ...(approval.escalateTo === undefined ? {} : { escalateTo: approval.escalateTo }),
    })
    if (decision.decision !== 'approved') {
      return {
        externalId: eid,
        states: advance(states, 'rejected'),
        journalEntryId: null,
        debits,
        decidedBy: decision.decision === 'expired' ? null : decision.by,
        reason: decision.decision === 'expired' ? 'approval expired' : decision.reason,
      }
    }
    decidedBy = decision.by
  }

  const system = deps.netsuiteSystem ?? 'netsuite'
  // Posted means: a journal entry with this external id and this batch's fingerprint. One with
  // another fingerprint is a different batch under the same id: never overwrite posted books.
  const findPosted = async (signal: AbortSignal): Promise<Posted | null> => {
    const found = await deps.netsuite.getByExternalId('journalEntry', eid, signal)
    if (found === null) return null
    if (found.record[BATCH_HASH_FIELD] === hash) return { id: found.id }
    throw HubError.validation(
      `journal entry ${eid} is already posted (NetSuite id ${found.id}) with other content: ` +
        'post the difference as an adjustment batch instead of changing posted books',
      { code: 'JOURNAL_ALREADY_POSTED' },
    )
  }
  const posted = await ctx.deliver(`post/${eid}`, {
    target: deps.netsuiteTarget,
    operation: 'journalEntry.post',
    businessKey: eid,
    version: hash,
    perform: async ({ idempotencyKey, signal }) =>
      (await findPosted(signal)) ??
      deps.netsuite.upsertJournalEntry(body, { idempotencyKey, signal }),
    lookup: ({ signal }) => findPosted(signal),
    crossReferences: (result) => traceRefs(entry, result.id, sourceSystem, system),
  })
  return {
    externalId: eid,
    states: advance(states, 'posted'),
    journalEntryId: posted.id,
    debits,
    decidedBy,
    reason: null,
  }
}

/**
 * Two references per source event: to the journal entry, and to the entry's lines it feeds
 * (`<internal id>:<line>,<line>`), both keyed by the entry's external id. So a line leads back to
 * its events (find by business key) and an event forward to its lines (find by source id).
 */
export function traceRefs(
  entry: JournalEntry,
  journalEntryId: string,
  sourceSystem: string,
  targetSystem: string,
): CrossReference[] {
  const linesOf = new Map<string, number[]>()
  for (const line of entry.lines) {
    for (const id of line.sourceEventIds) {
      linesOf.set(id, [...(linesOf.get(id) ?? []), line.lineNumber])
    }
  }
  return [...linesOf.entries()].flatMap(([sourceId, lines]) => [
    {
      entityType: 'journalEntry',
      businessKey: entry.externalId,
      sourceSystem,
      sourceId,
      targetSystem,
      targetId: journalEntryId,
    },
    {
      entityType: 'journalEntryLine',
      businessKey: entry.externalId,
      sourceSystem,
      sourceId,
      targetSystem,
      targetId: `${journalEntryId}:${lines.join(',')}`,
    },
  ])
}

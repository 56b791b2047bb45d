/** @module reliability/history/ledger-duplicates — duplicate effects read from the simulators' effects ledger, judged against the versions the history says were delivered. */

import type { LedgerEffect, LedgerSnapshot } from '../../sandbox/kit/effects-ledger.ts'

/** A ledger snapshot, or committed applications per business key (e.g. from a real target's audit). */
export type LedgerCounts =
  LedgerSnapshot | ReadonlyMap<string, number> | Readonly<Record<string, number>>

/** Maps a ledger effect to the business key the history uses for it. */
export type LedgerKeyOf = (effect: LedgerEffect) => string

/** What the ledger check needs to know about one (key, version) of the history. */
export interface DeliveredItem {
  readonly key: string
  readonly everDelivered: boolean
}

export interface LedgerDuplicate {
  readonly key: string
  readonly why: string
}

/**
 * The ledger counts writes per business key, not per version, so a key legitimately holds one
 * write per delivered version (a create, then one update per newer version). A duplicate is
 * therefore more than one create, or more writes than the history delivered versions of the key
 * (at least one, so a key the history never saw delivered may still be written once). The hub may
 * skip a stale version without writing, so fewer writes than versions is fine.
 */
export function ledgerDuplicates(
  ledger: LedgerCounts | readonly LedgerSnapshot[],
  items: Iterable<DeliveredItem>,
  keyOf: LedgerKeyOf = (effect) => effect.businessKey,
): LedgerDuplicate[] {
  const deliveredVersions = new Map<string, number>()
  for (const item of items) {
    if (item.everDelivered) {
      deliveredVersions.set(item.key, (deliveredVersions.get(item.key) ?? 0) + 1)
    }
  }
  const allowed = (key: string): number => Math.max(1, deliveredVersions.get(key) ?? 0)
  const out: LedgerDuplicate[] = []
  for (const snapshot of snapshotsOf(ledger)) {
    for (const effect of snapshot.effects) {
      const key = keyOf(effect)
      if (effect.creates <= 1 && effect.writes <= allowed(key)) continue
      out.push({
        key,
        why:
          `ledger ${effect.recordType}/${effect.businessKey}: ${effect.creates} creates, ` +
          `${effect.writes} writes for ${allowed(key)} delivered version(s)`,
      })
    }
  }
  for (const [key, count] of countsOf(ledger)) {
    if (count > allowed(key)) {
      out.push({
        key,
        why: `ledger: ${count} applications for ${allowed(key)} delivered version(s)`,
      })
    }
  }
  return out
}

function isSnapshot(x: unknown): x is LedgerSnapshot {
  return typeof x === 'object' && x !== null && Array.isArray((x as LedgerSnapshot).effects)
}

function snapshotsOf(ledger: LedgerCounts | readonly LedgerSnapshot[]): LedgerSnapshot[] {
  if (Array.isArray(ledger)) return ledger.filter(isSnapshot)
  return isSnapshot(ledger) ? [ledger] : []
}

function countsOf(ledger: LedgerCounts | readonly LedgerSnapshot[]): [string, number][] {
  if (Array.isArray(ledger) || isSnapshot(ledger)) return []
  if (ledger instanceof Map) return [...(ledger as ReadonlyMap<string, number>)]
  return Object.entries(ledger as Readonly<Record<string, number>>)
}

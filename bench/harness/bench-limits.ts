/** @module bench/harness/bench-limits — the target limits every benchmarked system gets alike. */

/**
 * The NetSuite account's concurrency limit in the benchmarks. A developer account allows 5; a
 * production account with SuiteCloud Plus licences allows tens. Every system benchmarked against
 * the simulator gets the same limit.
 */
export const BENCH_NETSUITE_CONCURRENCY = 40

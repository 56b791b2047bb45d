/** @module bench/harness/bench-timing — waiting, in the workloads' terms. */

/** Polls `check` every 100 ms until it holds or `timeoutMs` passes; answers whether it held. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (check()) return true
    await sleep(100)
  }
  return check()
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

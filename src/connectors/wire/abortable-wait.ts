/** @module connectors/wire/abortable-wait — one caller stops waiting for a shared promise without cancelling it for the others. */

/**
 * Resolves as `promise` does, or rejects with `signal`'s reason once it aborts. The shared work
 * (one token request many callers wait on) goes on: a caller's deadline must not fail the rest.
 */
export function waitUnlessAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal === undefined) return promise
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

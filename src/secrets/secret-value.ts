/** @module secrets/secret-value — a credential that cannot be printed by accident.
 *
 * Serialisation (`JSON.stringify`), `String()`, template literals and `util.inspect` all print
 * `[REDACTED]`; only `reveal()` returns the value, at the one place that sends it.
 */
import { inspect } from 'node:util'

const REDACTED = '[REDACTED]'

export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  reveal(): string {
    return this.#value
  }

  toJSON(): string {
    return REDACTED
  }

  toString(): string {
    return REDACTED
  }

  [Symbol.toPrimitive](): string {
    return REDACTED
  }

  [inspect.custom](): string {
    return REDACTED
  }
}

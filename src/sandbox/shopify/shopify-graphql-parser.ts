/** @module sandbox/shopify/shopify-graphql-parser — parses the GraphQL the Admin API is sent: operations, variables, aliases, arguments, nested selections. */

// A real parser, not pattern matching on query text: a client's query is read the way Shopify's
// server reads it, so a malformed one fails with a syntax error rather than by luck. Fragments and
// directives are outside what the sandbox serves and are refused by name.

import { GqlSyntaxError, tokenize } from './shopify-graphql-lexer.ts'
import type { GqlLocation, Token } from './shopify-graphql-lexer.ts'

export { GqlSyntaxError } from './shopify-graphql-lexer.ts'
export type { GqlLocation } from './shopify-graphql-lexer.ts'

export type GqlValue =
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'number'; readonly value: number; readonly integer: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'enum'; readonly value: string }
  | { readonly kind: 'list'; readonly values: readonly GqlValue[] }
  | { readonly kind: 'object'; readonly fields: readonly GqlArgument[] }

export interface GqlArgument {
  readonly name: string
  readonly value: GqlValue
}

export interface GqlField {
  /** The response key: the alias, or the field name. */
  readonly key: string
  readonly name: string
  readonly args: readonly GqlArgument[]
  /** null for a leaf (no braces). */
  readonly selections: readonly GqlField[] | null
  readonly location: GqlLocation
}

export interface GqlVariableDefinition {
  readonly name: string
  /** As written, e.g. `[ID!]!`. */
  readonly type: string
  readonly defaultValue: GqlValue | null
}

export interface GqlOperation {
  readonly type: 'query' | 'mutation'
  readonly name: string | null
  readonly variables: readonly GqlVariableDefinition[]
  readonly selections: readonly GqlField[]
}

class Parser {
  readonly #tokens: Token[]
  #at = 0

  constructor(source: string) {
    this.#tokens = tokenize(source)
  }

  document(): GqlOperation[] {
    const operations: GqlOperation[] = []
    while (this.#peek().kind !== 'eof') operations.push(this.#operation())
    return operations
  }

  #peek(): Token {
    return this.#tokens[this.#at] as Token
  }

  #next(): Token {
    const token = this.#peek()
    if (token.kind !== 'eof') this.#at += 1
    return token
  }

  #is(text: string): boolean {
    const t = this.#peek()
    return t.kind === 'punct' && t.text === text
  }

  #expect(text: string): Token {
    if (!this.#is(text)) this.#unexpected()
    return this.#next()
  }

  #name(): string {
    if (this.#peek().kind !== 'name') this.#unexpected()
    return this.#next().text
  }

  #unexpected(): never {
    const t = this.#peek()
    const what =
      t.kind === 'eof' ? 'end of file' : `${t.kind.toUpperCase()} (${JSON.stringify(t.text)})`
    throw new GqlSyntaxError(`syntax error, unexpected ${what}`, t.location)
  }

  #operation(): GqlOperation {
    if (this.#is('{')) return { type: 'query', name: null, variables: [], selections: this.#set() }
    const keyword = this.#peek()
    if (keyword.kind === 'name' && keyword.text === 'fragment') {
      throw new GqlSyntaxError('fragments are not supported by the sandbox', keyword.location)
    }
    if (keyword.kind !== 'name' || (keyword.text !== 'query' && keyword.text !== 'mutation')) {
      this.#unexpected()
    }
    this.#next()
    const name = this.#peek().kind === 'name' ? this.#next().text : null
    const variables: GqlVariableDefinition[] = []
    if (this.#is('(')) {
      this.#next()
      while (!this.#is(')')) {
        this.#expect('$')
        const varName = this.#name()
        this.#expect(':')
        const type = this.#type()
        let defaultValue: GqlValue | null = null
        if (this.#is('=')) {
          this.#next()
          defaultValue = this.#value(true)
        }
        variables.push({ name: varName, type, defaultValue })
      }
      this.#next()
    }
    this.#noDirectives()
    return { type: keyword.text, name, variables, selections: this.#set() }
  }

  #type(): string {
    let type: string
    if (this.#is('[')) {
      this.#next()
      type = `[${this.#type()}]`
      this.#expect(']')
    } else {
      type = this.#name()
    }
    if (this.#is('!')) {
      this.#next()
      type += '!'
    }
    return type
  }

  #set(): GqlField[] {
    this.#expect('{')
    const fields: GqlField[] = []
    while (!this.#is('}')) {
      if (this.#is('...')) {
        throw new GqlSyntaxError(
          'fragments are not supported by the sandbox',
          this.#peek().location,
        )
      }
      fields.push(this.#field())
    }
    if (fields.length === 0) this.#unexpected()
    this.#next()
    return fields
  }

  #field(): GqlField {
    const location = this.#peek().location
    let name = this.#name()
    const key = name
    if (this.#is(':')) {
      this.#next()
      name = this.#name()
    }
    const args: GqlArgument[] = []
    if (this.#is('(')) {
      this.#next()
      while (!this.#is(')')) {
        const argName = this.#name()
        this.#expect(':')
        args.push({ name: argName, value: this.#value(false) })
      }
      this.#next()
    }
    this.#noDirectives()
    const selections = this.#is('{') ? this.#set() : null
    return { key, name, args, selections, location }
  }

  #noDirectives(): void {
    if (this.#is('@')) {
      throw new GqlSyntaxError('directives are not supported by the sandbox', this.#peek().location)
    }
  }

  #value(constant: boolean): GqlValue {
    const t = this.#peek()
    if (t.kind === 'punct' && t.text === '$' && !constant) {
      this.#next()
      return { kind: 'variable', name: this.#name() }
    }
    if (t.kind === 'punct' && t.text === '[') {
      this.#next()
      const values: GqlValue[] = []
      while (!this.#is(']')) values.push(this.#value(constant))
      this.#next()
      return { kind: 'list', values }
    }
    if (t.kind === 'punct' && t.text === '{') {
      this.#next()
      const fields: GqlArgument[] = []
      while (!this.#is('}')) {
        const name = this.#name()
        this.#expect(':')
        fields.push({ name, value: this.#value(constant) })
      }
      this.#next()
      return { kind: 'object', fields }
    }
    if (t.kind === 'number') {
      this.#next()
      return { kind: 'number', value: Number(t.text), integer: /^-?\d+$/.test(t.text) }
    }
    if (t.kind === 'string') {
      this.#next()
      return { kind: 'string', value: t.value }
    }
    if (t.kind === 'name') {
      this.#next()
      if (t.text === 'true' || t.text === 'false') {
        return { kind: 'boolean', value: t.text === 'true' }
      }
      if (t.text === 'null') return { kind: 'null' }
      return { kind: 'enum', value: t.text }
    }
    return this.#unexpected()
  }
}

/** Parses a document; throws GqlSyntaxError with Shopify's wording and a location. */
export function parseGraphql(source: string): GqlOperation[] {
  return new Parser(source).document()
}

/** An argument's value with the variables filled in, as plain JSON-like data. */
export function valueOf(value: GqlValue, variables: Readonly<Record<string, unknown>>): unknown {
  switch (value.kind) {
    case 'variable':
      return variables[value.name] ?? null
    case 'number':
    case 'string':
    case 'boolean':
    case 'enum':
      return value.value
    case 'null':
      return null
    case 'list':
      return value.values.map((v) => valueOf(v, variables))
    case 'object':
      return Object.fromEntries(value.fields.map((f) => [f.name, valueOf(f.value, variables)]))
  }
}

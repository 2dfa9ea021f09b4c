/**
 * Reads fields of a platform payload by JSON pointer, each read saying what it expects: a field that
 * is missing, of another type or not in a status table throws a PayloadError naming its pointer, so
 * the adapter's 400 says exactly what it could not read. Numbers arrive as their source text
 * (lossless-json.ts), so ids and amounts are never rounded by a double.
 */
import { escapePointer } from '../../schemas/index.ts'
import { JsonNumber, readPayload, type LosslessJson } from './lossless-json.ts'
import { minorUnitDigits, toMinorUnits } from './money.ts'
import type { TimeForm } from './platform-time.ts'

/** A payload field that cannot be read: where (JSON pointer into the payload) and why. */
export class PayloadError extends Error {
  constructor(readonly pointer: string, readonly reason: string) {
    super(`${pointer} ${reason}`)
  }
}

const INTEGER = /^\d+$/

/** One place in a payload: its value (undefined when absent) and its pointer. */
export class Field {
  constructor(readonly value: LosslessJson | undefined, readonly pointer = '') {}

  /** The member or element at `path` below this field (absent when any step is). */
  at(...path: Array<string | number>): Field {
    let value = this.value
    let pointer = this.pointer
    for (const token of path) {
      pointer += `/${escapePointer(String(token))}`
      if (Array.isArray(value)) value = typeof token === 'number' ? value[token] : undefined
      else if (isObject(value)) value = Object.hasOwn(value, token) ? value[token] : undefined
      else value = undefined
    }
    return new Field(value, pointer)
  }

  /** Present: neither missing nor null. */
  get present(): boolean {
    return this.value !== undefined && this.value !== null
  }

  /** Present and not an empty string (platforms send "" for "none"). */
  get given(): boolean {
    return this.present && this.value !== ''
  }

  /** Throws a PayloadError naming this field. */
  fail(reason: string): never {
    throw new PayloadError(this.pointer || '/', reason)
  }

  /** This field, which must be an object. */
  object(): Field {
    if (!isObject(this.value)) this.fail(this.present ? 'must be an object' : 'is required')
    return this
  }

  /** The elements of this field, which must be an array (`min` elements at least). */
  items(min = 0): Field[] {
    if (!Array.isArray(this.value)) this.fail(this.present ? 'must be an array' : 'is required')
    if (this.value.length < min) this.fail(`must hold at least ${min} element${min === 1 ? '' : 's'}`)
    return this.value.map((_, i) => this.at(i))
  }

  /** A required, non-empty string. */
  text(): string {
    if (typeof this.value !== 'string') this.fail(this.present ? 'must be a string' : 'is required')
    if (this.value === '') this.fail('must not be empty')
    return this.value
  }

  /** A string, or undefined when missing, null or "". */
  optionalText(): string | undefined {
    return this.given ? this.text() : undefined
  }

  /** An id the platform sends as a string or as a JSON number (64-bit ids stay exact): its text. */
  id(): string {
    if (this.value instanceof JsonNumber) {
      if (!INTEGER.test(this.value.text)) this.fail(`must be an integer id (got ${this.value.text})`)
      return this.value.text
    }
    if (typeof this.value === 'string') return this.text()
    return this.fail(this.present ? 'must be a string or an integer id' : 'is required')
  }

  /** An id, or undefined when missing, null, "" or 0 (platforms write 0 for "none"). */
  optionalId(): string | undefined {
    if (!this.given || (this.value instanceof JsonNumber && this.value.text === '0')) return undefined
    return this.id()
  }

  /** A status code as text: a string, or a number's source text (Pinduoduo 1, Douyin 105). */
  code(): string {
    if (this.value instanceof JsonNumber) return this.value.text
    if (typeof this.value === 'string') return this.value
    return this.fail(this.present ? 'must be a status code (a string or a number)' : 'is required')
  }

  /** A non-negative integer, from a JSON integer or a string of digits (JD writes "2"). */
  integer(): number {
    const text = this.value instanceof JsonNumber ? this.value.text : typeof this.value === 'string' ? this.value : undefined
    if (text === undefined) this.fail(this.present ? 'must be an integer' : 'is required')
    if (!INTEGER.test(text) || !Number.isSafeInteger(Number(text))) this.fail(`must be a non-negative integer (got ${JSON.stringify(text)})`)
    return Number(text)
  }

  /** An ISO 4217 currency code (the platform's own field: Shopify, WooCommerce). */
  currency(): string {
    const code = this.text()
    if (minorUnitDigits(code) === null) this.fail(`is ${JSON.stringify(code)}, not an ISO 4217 currency code`)
    return code
  }

  /** A quantity: an integer of at least 1. */
  quantity(): number {
    const n = this.integer()
    if (n < 1) this.fail('must be at least 1')
    return n
  }

  /** Minor units of a decimal amount (a string "13.30" or a JSON number 39.8, read as written); never negative. */
  amount(currency: string): number {
    const minor = this.signedAmount(currency)
    if (minor < 0) this.fail(`must not be negative (got ${this.decimalText()})`)
    return minor
  }

  /** Minor units of a decimal amount that may be negative (a refund line "-5.00"). */
  signedAmount(currency: string): number {
    const reading = toMinorUnits(this.decimalText(), currency)
    if (!reading.ok) this.fail(reading.reason)
    return reading.minor
  }

  /** An amount already in minor units (Douyin writes fen as integers). */
  minorUnits(): number {
    return this.integer()
  }

  /** A time written in `form`, as UTC ISO 8601. */
  time(form: TimeForm): string {
    const text = this.value instanceof JsonNumber ? this.value.text : this.text()
    const iso = form.read(text)
    if (iso === null) this.fail(`"${text}" is not ${form.description}`)
    return iso
  }

  /** A time, or undefined when missing, null, "" or 0 (platforms write each for "not yet"). */
  optionalTime(form: TimeForm): string | undefined {
    if (!this.given || (this.value instanceof JsonNumber && this.value.text === '0')) return undefined
    return this.time(form)
  }

  /** The entry of `table` this field's code names; a code the table lacks is an error naming the field. */
  lookup<T>(table: Readonly<Record<string, T>>, what: string): T {
    const code = this.code()
    if (!Object.hasOwn(table, code)) this.fail(`is ${JSON.stringify(code)}, not ${what} Ordo knows (${Object.keys(table).join(', ')})`)
    return table[code]
  }

  private decimalText(): string {
    if (this.value instanceof JsonNumber) return this.value.text
    if (typeof this.value === 'string') return this.value
    return this.fail(this.present ? 'must be a decimal amount' : 'is required')
  }
}

/**
 * The id at `member` of the JSON text that `field` holds (a push message's `data` or `content`, JSON
 * inside a string), read losslessly. A pointer cannot reach into a string, so errors name `field`.
 */
export function idInJsonText(field: Field, member: string): string {
  const inner = readPayload(field.text())
  if (!inner.ok) return field.fail(`is not JSON text: ${inner.details[0].pointer} ${inner.details[0].reason}`)
  const id = new Field(inner.tree).at(member)
  if (!id.present) return field.fail(`names no order: its JSON has no ${member}`)
  try {
    return id.id()
  } catch (err) {
    if (err instanceof PayloadError) return field.fail(`has a ${member} that ${err.reason}`)
    throw err
  }
}

function isObject(value: LosslessJson | undefined): value is { [key: string]: LosslessJson } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber)
}

/**
 * Reply serialisation that writes a value whose source text was kept (a stored raw payload) as that
 * text, byte for byte, instead of re-serialising what JSON.parse made of it.
 */
import { randomBytes } from 'node:crypto'
import { sourceTextOf } from '../store/json-source-text.ts'

// Stands in for a kept text during JSON.stringify. Random per process and never sent, so no value a
// client stored can imitate it; plain letters and digits, so JSON.stringify writes it unescaped.
const MARK = `ordo-source-text-${randomBytes(16).toString('hex')}-`
const MARKED = new RegExp(`"${MARK}(\\d+)"`, 'g')

/** JSON.stringify of `value`, with every value that has a kept source text written as that text. */
export function stringifyExact(value: unknown): string {
  const texts: string[] = []
  const json = JSON.stringify(value, (_key, v: unknown) => {
    const text = sourceTextOf(v)
    return text === undefined ? v : `${MARK}${texts.push(text) - 1}`
  })
  return texts.length === 0 ? json : json.replace(MARKED, (_m, i: string) => texts[Number(i)])
}

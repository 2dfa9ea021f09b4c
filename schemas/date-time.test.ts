import { describe, expect, it } from 'vitest'
import { fullFormats } from 'ajv-formats/dist/formats.js'
import { isDateTime, parseInstant } from './date-time.ts'
import { createAjv, orderSchema } from './index.ts'

const ajvFormatsDateTime = (fullFormats['date-time'] as { validate: (s: string) => boolean }).validate

describe('parseInstant', () => {
  it('reads the same instant from every notation of it', () => {
    const instant = Date.parse('2026-11-20T01:55:30.000Z')
    for (const text of ['2026-11-20T09:55:30+08:00', '2026-11-20T01:55:30Z', '2026-11-20T01:55:30.000Z', '2026-11-20t01:55:30z',
      '2026-11-20 09:55:30+08:00', '2026-11-20T09:55:30+0800', '2026-11-20T09:55:30+08', '2026-11-19T20:55:30-05:00', '2026-11-20T01:55:30.0004Z']) {
      expect(parseInstant(text), text).toBe(instant)
    }
  })

  it('reads a leap second as the following :00 of the same offset', () => {
    expect(parseInstant('2026-12-31T23:59:60Z')).toBe(Date.parse('2027-01-01T00:00:00Z'))
    expect(parseInstant('2026-12-31T23:59:60.250Z')).toBe(Date.parse('2027-01-01T00:00:00.250Z'))
    expect(parseInstant('2027-01-01T07:59:60+08:00')).toBe(Date.parse('2027-01-01T08:00:00+08:00'))
    // Leap seconds happen at 23:59:60 UTC only; anywhere else :60 is not a time.
    expect(parseInstant('2026-12-31T12:30:60Z')).toBeNull()
    expect(parseInstant('2026-12-31T23:59:60+08:00')).toBeNull()
  })

  it('keeps ms and cuts finer fractions', () => {
    expect(parseInstant('2026-11-20T01:55:30.5Z')).toBe(Date.parse('2026-11-20T01:55:30.500Z'))
    expect(parseInstant('2026-11-20T01:55:30.123456789Z')).toBe(Date.parse('2026-11-20T01:55:30.123Z'))
  })

  it('places years 0000 to 0099 in their own century', () => {
    expect(parseInstant('0000-01-01T00:00:00Z')).toBe(Date.parse('0000-01-01T00:00:00Z'))
    expect(parseInstant('0050-06-15T12:00:00+01:00')).toBe(Date.parse('0050-06-15T11:00:00Z'))
    expect(parseInstant('9999-12-31T23:59:59.999Z')).toBe(Date.parse('9999-12-31T23:59:59.999Z'))
  })

  it('refuses what is not a date-time with an offset', () => {
    for (const text of ['', '2026-11-20', '2026-11-20T09:55:30', '2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-31T00:00:00Z',
      '2026-11-20T24:00:00Z', '2026-11-20T09:60:00Z', '2026-11-20T09:55:30+24:00', '2026-11-20T09:55:30.Z', '2026-11-20T09:55:30Z ',
      ' 2026-11-20T09:55:30Z', '2026-11-20T09:55:30+8', '2026-11-20  09:55:30Z', '20261120T095530Z', '２０２６-11-20T09:55:30Z']) {
      expect(parseInstant(text), JSON.stringify(text)).toBeNull()
    }
    expect(parseInstant('2024-02-29T00:00:00Z')).toBe(Date.parse('2024-02-29T00:00:00Z'))
  })

  it('accepts exactly what the date-time format of ajv-formats accepts', () => {
    const dates = ['2026-11-20', '2024-02-29', '2026-02-29', '2000-02-29', '1900-02-29', '2026-04-31', '2026-00-10', '0000-01-01']
    const separators = ['T', 't', ' ', '\t', '\u3000', '\u2028', 'x', '']
    const times = ['09:55:30', '23:59:60', '00:59:60', '23:59:59.999', '24:00:00', '23:60:00', '07:59:60', '18:29:60']
    const zones = ['Z', 'z', '+08:00', '+0800', '+08', '-05:30', '+23:59', '+24:00', '+05:30', '+01:00', '-00:30', '', '+8', 'UTC']
    let checked = 0
    for (const d of dates) for (const s of separators) for (const t of times) for (const z of zones) {
      const text = `${d}${s}${t}${z}`
      expect(isDateTime(text), JSON.stringify(text)).toBe(ajvFormatsDateTime(text))
      checked += 1
    }
    expect(checked).toBe(dates.length * separators.length * times.length * zones.length)
  })

  it('is the date-time format of the schemas', () => {
    const ajv = createAjv()
    expect((ajv.formats['date-time'] as { validate: unknown }).validate).toBe(isDateTime)
    const validate = ajv.compile({ $ref: `${orderSchema.$id}#/definitions/timestamp` })
    expect(validate('2026-12-31T23:59:60Z')).toBe(true)
    expect(validate('2026-12-31T12:00:60Z')).toBe(false)
  })
})

/**
 * The words a rule is spelled out in on cards, in lists and diffs, per language: field names from
 * the rule builder's labels, enum values by their labels, amounts as money of the rule's currency.
 */
import { format, MESSAGES, type Locale, type MessageKey } from '../i18n/messages.ts'
import type { RuleVocabulary } from '../graph/describe-rule.ts'
import { formatMoney } from '../pages/money.ts'
import { isAmountField, VALUE_LABELS } from './order-fields.ts'

function known(locale: Locale, key: string): string | undefined {
  return key in MESSAGES[locale] ? MESSAGES[locale][key as MessageKey] : undefined
}

const vocabularies = new Map<Locale, RuleVocabulary>()

/** The vocabulary of `locale` (one per locale). */
export function ruleVocabulary(locale: Locale): RuleVocabulary {
  let words = vocabularies.get(locale)
  if (words) return words
  words = {
    field: (path) => known(locale, `rules.field.${path}`) ?? path,
    value(path, value, currency) {
      const prefix = VALUE_LABELS[path]
      if (prefix && typeof value === 'string') return known(locale, `${prefix}.${value}`) ?? format(locale, 'rules.word.quoted', { text: value })
      if (typeof value === 'number' && isAmountField(path)) return formatMoney(value, currency, locale)
      if (typeof value === 'boolean') return format(locale, value ? 'rules.word.true' : 'rules.word.false')
      if (typeof value === 'string') return format(locale, 'rules.word.quoted', { text: value })
      return null
    },
    and: format(locale, 'rules.word.and'),
    or: format(locale, 'rules.word.or'),
    not: format(locale, 'rules.word.not'),
    oneOf: format(locale, 'rules.word.oneOf'),
    contains: format(locale, 'rules.word.contains'),
  }
  vocabularies.set(locale, words)
  return words
}

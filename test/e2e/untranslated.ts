/**
 * Finds what a zh-CN page shows that was never translated: a visible string that is an English
 * message of the designer's tables (one whose zh-CN text differs), a raw message key (what `t()`
 * prints for a key missing from the tables, or a key built from data that has no entry), a
 * Chinese message holding a value the tables translate, left raw ("订单事件：created"), or an
 * engine reason the designer translates, shown as the engine said it.
 */
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { setDesignerLanguage } from './browser.ts'
import { MESSAGES } from '../../designer/src/i18n/messages.ts'
import { describeReason } from '../../designer/src/editor/describe-problem.ts'

/** The areas message keys start with ("pages", "editor"...); a visible "pages.x.y" is a key that was printed, not a label. */
const AREAS = [...new Set(Object.keys(MESSAGES.en).map((key) => key.split('.')[0]))]
const KEY_SHAPE = new RegExp(`^(${AREAS.join('|')})\\.[\\w.-]+$`)

/** English messages with at least this many letters outside their {params}: shorter ones ("{n} ms") match too much. */
const MIN_LITERAL_LETTERS = 3

/** One English message as a whole-string matcher: `{name}` placeholders match any text. */
interface EnglishMessage { key: string; text: string; pattern: RegExp }

function englishMessages(): EnglishMessage[] {
  const out: EnglishMessage[] = []
  for (const [key, text] of Object.entries(MESSAGES.en)) {
    const zh = (MESSAGES['zh-CN'] as Record<string, string>)[key]
    // The same in both languages ("Ordo", "SKU", "JSON"): showing it is no gap.
    if (zh === text) continue
    const literal = text.replace(/\{\w+\}/g, '')
    if ((literal.match(/[A-Za-z]/g) ?? []).length < MIN_LITERAL_LETTERS) continue
    const source = normalise(text).split(/\{\w+\}/).map(escapeRegExp).join('.+')
    out.push({ key, text, pattern: new RegExp(`^${source}$`) })
  }
  return out
}

const ENGLISH = englishMessages()

/** The last segments of message keys ("created" of pages.historyKind.created): the values the tables translate. */
const TRANSLATED_VALUES = new Set(Object.keys(MESSAGES.en).map((key) => key.slice(key.lastIndexOf('.') + 1)))

/** zh-CN messages with {params}, as matchers that capture what was put in (to catch an enum value left raw). */
const ZH_TEMPLATES = Object.entries(MESSAGES['zh-CN'] as Record<string, string>).flatMap(([key, text]) => {
  const params = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
  if (params.length === 0 || !text.replace(/\{\w+\}/g, '').trim()) return []
  const source = normalise(text).split(/\{\w+\}/).map(escapeRegExp).join('(.+?)')
  return [{ key, pattern: new RegExp(`^${source}$`) }]
})

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function normalise(s: string): string {
  return s.replace(/\s+/g, ' ').trim()
}

/** Why `text` would be an untranslated string on a zh-CN page, or null when it is fine. */
export function untranslatedReason(text: string): string | null {
  const s = normalise(text)
  if (!s) return null
  if (KEY_SHAPE.test(s)) return `a raw message key: "${s}"`
  // Chinese text is never an English message, whatever Latin ids it holds; but a value the tables
  // translate, put raw into a Chinese sentence ("订单事件：created"), is a gap.
  if (/[\u3400-\u9fff]/.test(s)) {
    for (const t of ZH_TEMPLATES) {
      const raw = t.pattern.exec(s)?.slice(1).find((v) => /^[a-z][a-z_]*$/.test(v) && TRANSLATED_VALUES.has(v))
      if (raw) return `an untranslated value "${raw}" in ${t.key}: "${s}"`
    }
    return null
  }
  const hit = ENGLISH.find((m) => m.pattern.test(s))
  if (hit) return `the English message ${hit.key}: "${s}"`
  return describeReason(s, 'zh-CN') !== s ? `an engine reason left in English: "${s}"` : null
}

/**
 * The strings a user sees on the page now: every text node under a rendered element, the chosen
 * option of each select, and input placeholders. Hidden elements (display none, closed details,
 * zero size) do not count.
 */
export async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const seen = (el: Element | null): boolean => {
      if (!el) return false
      const e = el as HTMLElement & { checkVisibility?: (o?: object) => boolean }
      if (e.checkVisibility) return e.checkVisibility({ visibilityProperty: true, opacityProperty: false })
      return e.getClientRects().length > 0
    }
    const out: string[] = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement
      if (!parent || ['SCRIPT', 'STYLE', 'OPTION', 'TEXTAREA'].includes(parent.tagName)) continue
      // Monaco draws code and its own widgets: what it shows is the user's JSON, not a label.
      if (parent.closest('.monaco-editor')) continue
      const text = n.textContent?.trim()
      if (text && seen(parent)) out.push(text)
    }
    for (const select of Array.from(document.querySelectorAll('select'))) {
      const chosen = select.selectedOptions[0]?.textContent?.trim()
      if (chosen && seen(select)) out.push(chosen)
    }
    for (const input of Array.from(document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[placeholder], textarea[placeholder]'))) {
      if (input.placeholder.trim() && seen(input)) out.push(input.placeholder.trim())
    }
    return out
  })
}

/** Every untranslated string visible on `page` now, each with its reason (empty when the page is all zh-CN). */
export async function untranslatedOn(page: Page): Promise<string[]> {
  const found = new Set<string>()
  for (const text of await visibleTexts(page)) {
    const reason = untranslatedReason(text)
    if (reason) found.add(reason)
  }
  return [...found]
}

/** A screenshot in zh-CN (checked for English and raw keys left on the page) and the same page in English. */
export async function shotInBothLanguages(page: Page, shot: (page: Page, step: string) => Promise<string>, step: string): Promise<void> {
  await shot(page, `${step}-zh`)
  expect(await untranslatedOn(page), `untranslated on ${step}`).toEqual([])
  await setDesignerLanguage(page, 'en')
  await shot(page, `${step}-en`)
  await setDesignerLanguage(page, 'zh-CN')
}

/** The language the designer speaks: zh-CN or English, switchable, remembered per browser. */
import { useCallback } from 'react'
import { create } from 'zustand'
import { format, LOCALES, MESSAGES, type Locale, type MessageKey } from './messages.ts'

export type { Locale, MessageKey }
export { LOCALES }

const LOCALE_KEY = 'ordo.locale'

function initialLocale(): Locale {
  try {
    const saved = globalThis.localStorage?.getItem(LOCALE_KEY)
    if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale
  } catch { /* no storage */ }
  const nav = globalThis.navigator?.language ?? 'zh-CN'
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

interface LocaleState { locale: Locale; setLocale(l: Locale): void }

export const useLocale = create<LocaleState>((set) => ({
  locale: initialLocale(),
  setLocale(locale) {
    try { globalThis.localStorage?.setItem(LOCALE_KEY, locale) } catch { /* no storage */ }
    globalThis.document?.documentElement.setAttribute('lang', locale)
    set({ locale })
  },
}))

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

/** The translate function for the current language; components re-render when it changes. */
export function useT(): Translate {
  const locale = useLocale((s) => s.locale)
  // Stable per language, so memos and effects can depend on it.
  return useCallback<Translate>((key, params) => format(locale, key, params), [locale])
}

/** The message for a key built at run time (a field path, an enum value) if the table has it, else undefined. */
export function translateIfKnown(t: Translate, key: string, params?: Record<string, string | number>): string | undefined {
  return key in MESSAGES.en ? t(key as MessageKey, params) : undefined
}

/** A manifest's title/description/port label in the current language, falling back to English. */
export function manifestText(manifest: { title: string; description: string; i18n?: Record<string, { title?: string; description?: string; ports?: Record<string, string> }> }, locale: Locale) {
  const tr = manifest.i18n?.[locale]
  return {
    title: tr?.title ?? manifest.title,
    description: tr?.description ?? manifest.description,
    port: (name: string, fallback?: string) => tr?.ports?.[name] ?? fallback ?? name,
  }
}

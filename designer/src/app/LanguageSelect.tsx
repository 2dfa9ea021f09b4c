/** The language switch: one choice per locale, named in its own language. */
import { LOCALES, useLocale, useT, type Locale } from '../i18n/index.ts'

const NAMES: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' }

export function LanguageSelect({ testid }: { testid?: string }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const setLocale = useLocale((s) => s.setLocale)
  return (
    <select aria-label={t('nav.language')} value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid={testid}>
      {LOCALES.map((l) => <option key={l} value={l}>{NAMES[l]}</option>)}
    </select>
  )
}

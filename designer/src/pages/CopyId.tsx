/** A name shown to operators with its internal id at hand: on hover (title) and a button that copies it. */
import { useEffect, useState, type ReactNode } from 'react'
import { Link } from 'wouter'
import { useT } from '../i18n/index.ts'

/** A small button that copies `id` to the clipboard and says so for a moment. */
export function CopyId({ id }: { id: string }) {
  const t = useT()
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => setCopied(false), 1500)
    return () => clearTimeout(timer)
  }, [copied])
  const label = t('names.copyId', { id })
  return (
    <button type="button" className="link copy-id" title={label} aria-label={label} data-testid={`copy-${id}`}
      onClick={(e) => {
        // Inside a clickable row: copying is not opening.
        e.stopPropagation()
        void navigator.clipboard?.writeText(id).then(() => setCopied(true), () => {})
      }}>
      {copied ? t('names.copied') : <CopyIcon />}
    </button>
  )
}

/** Two overlapping sheets: drawn, not a font glyph, so every system shows it. */
function CopyIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M3 11V3.5A1.5 1.5 0 0 1 4.5 2H11" fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  )
}

/** `label` (a name), linked to `href` when given, with `id` on hover and a copy button beside it. */
export function Named({ label, id, href, title, testid }: { label: ReactNode; id: string; href?: string; title?: string; testid?: string }) {
  const hover = title ?? id
  return (
    <span className="named" data-testid={testid}>
      {href ? <Link href={href} title={hover} className="ellipsis">{label}</Link> : <span title={hover} className="ellipsis">{label}</span>}
      <CopyId id={id} />
    </span>
  )
}

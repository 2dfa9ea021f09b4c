/**
 * The palette: every node type from GET /api/node-types, grouped by category and searchable (in
 * either language). Drag one onto the canvas, or press Enter / double-click to add it in view.
 */
import { useMemo, useState, type DragEvent } from 'react'
import type { NodeManifest } from '../../../schemas/generated/node-manifest.ts'
import { manifestText, useLocale, useT } from '../i18n/index.ts'
import { CATEGORY_GLYPH, CATEGORY_ORDER, categoryStyle } from './categories.ts'

/** The drag payload's MIME type: the node type id. */
export const NODE_TYPE_MIME = 'application/x-ordo-node-type'

export function Palette({ manifests, onAdd, disabled }: { manifests: NodeManifest[]; onAdd(type: string): void; disabled?: boolean }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const [search, setSearch] = useState('')

  const groups = useMemo(() => {
    const needle = search.trim().toLowerCase()
    const match = (m: NodeManifest) => {
      if (!needle) return true
      const zh = m.i18n?.['zh-CN']
      return [m.type, m.title, m.description, zh?.title, zh?.description].some((s) => s?.toLowerCase().includes(needle))
    }
    const known = CATEGORY_ORDER as readonly string[]
    const cats = [...CATEGORY_ORDER, ...new Set(manifests.map((m) => m.category).filter((c) => !known.includes(c)))]
    return cats.map((cat) => ({ cat, items: manifests.filter((m) => m.category === cat && match(m)) })).filter((g) => g.items.length > 0)
  }, [manifests, search])

  function onDragStart(event: DragEvent, type: string) {
    event.dataTransfer.setData(NODE_TYPE_MIME, type)
    event.dataTransfer.setData('text/plain', type)
    event.dataTransfer.effectAllowed = 'move'
  }

  return (
    <aside className="palette" aria-label={t('editor.palette')}>
      <input type="search" placeholder={t('editor.paletteSearch')} value={search} onChange={(e) => setSearch(e.target.value)} data-testid="palette-search" />
      {groups.length === 0 && <p className="hint">{t('editor.paletteEmpty')}</p>}
      {groups.map(({ cat, items }) => (
        <section key={cat}>
          <h3>{CATEGORY_GLYPH[cat] ?? ''} {t(`editor.category.${cat}` as 'editor.category.rule')}</h3>
          {items.map((m) => {
            const text = manifestText(m, locale)
            return (
              <div
                key={m.type}
                className="palette-item"
                style={categoryStyle(m.category)}
                draggable={!disabled}
                tabIndex={0}
                role="button"
                aria-disabled={disabled}
                title={text.description}
                data-testid={`palette-${m.type}`}
                onDragStart={(e) => onDragStart(e, m.type)}
                onDoubleClick={() => !disabled && onAdd(m.type)}
                onKeyDown={(e) => { if (e.key === 'Enter' && !disabled) onAdd(m.type) }}
              >
                <span className="palette-title">{text.title}</span>
                <span className="palette-desc">{text.description}</span>
              </div>
            )
          })}
        </section>
      ))}
    </aside>
  )
}

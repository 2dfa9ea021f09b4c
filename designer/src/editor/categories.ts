/** How each node category looks in the palette and on cards. */
export const CATEGORY_ORDER = ['trigger', 'rule', 'order', 'human', 'time', 'flow', 'connector'] as const

import type { CSSProperties } from 'react'

/** Each category's colour: the minimap's, and the cards' and palette's (as the CSS variable --cat). */
export const CATEGORY_COLOR: Record<string, string> = {
  trigger: '#f59e0b', rule: '#2563eb', order: '#16a34a', human: '#db2777', time: '#7c3aed', flow: '#64748b', connector: '#0891b2',
}

export const CATEGORY_GLYPH: Record<string, string> = {
  trigger: '⚡', rule: '◆', order: '▣', human: '☺', time: '◷', flow: '⇉', connector: '⇄',
}

/** Sets --cat, which the card and palette styles draw their accent with. */
export function categoryStyle(category: string | undefined): CSSProperties {
  return { '--cat': CATEGORY_COLOR[category ?? ''] ?? '#94a3b8' } as CSSProperties
}

/** How each node category looks in the palette and on cards. */
export const CATEGORY_ORDER = ['trigger', 'rule', 'order', 'human', 'time', 'flow', 'connector'] as const

export const CATEGORY_GLYPH: Record<string, string> = {
  trigger: '⚡', rule: '◆', order: '▣', human: '☺', time: '◷', flow: '⇉', connector: '⇄',
}

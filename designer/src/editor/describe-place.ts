/**
 * What a JSON pointer into a workflow definition is, in words: `/edges/2/target` → "the target of
 * connection e-vip-tag", `/name` → "the flow's name". Pointers under `/definition` (a dry run's body)
 * read the same; a node's config is left to its form labels (describeProblem).
 */
import type { WorkflowDefinition } from '../api/types.ts'
import { format, type Locale } from '../i18n/messages.ts'

const FLOW_FIELDS: Record<string, 'editor.place.id' | 'editor.place.name' | 'editor.place.description' | 'editor.place.variables' | 'editor.place.nodes' | 'editor.place.edges'> = {
  id: 'editor.place.id', name: 'editor.place.name', description: 'editor.place.description',
  variables: 'editor.place.variables', nodes: 'editor.place.nodes', edges: 'editor.place.edges',
}
const NODE_FIELDS = { id: 'editor.place.nodeId', type: 'editor.place.nodeType', name: 'editor.place.nodeName', position: 'editor.place.nodePosition', retry: 'editor.place.nodeRetry', config: 'editor.place.nodeConfig' } as const
const EDGE_FIELDS = { id: 'editor.place.edgeId', source: 'editor.place.edgeSource', target: 'editor.place.edgeTarget', sourceHandle: 'editor.place.edgePort', targetHandle: 'editor.place.edgePort', label: 'editor.place.edgeLabel' } as const

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~')
}

/** The place `pointer` names, in `locale`; null for the whole document (`/` or empty). */
export function describePlace(pointer: string, locale: Locale, definition?: WorkflowDefinition): string | null {
  const parts = pointer.split('/').slice(1).map(unescape)
  if (parts[0] === 'definition') parts.shift()
  if (parts.length === 0 || (parts.length === 1 && parts[0] === '')) return null
  const [top, index, field, ...rest] = parts
  if (top === 'order') return format(locale, 'editor.place.sampleOrder', { path: parts.slice(1).join('.') || '' }).trim()
  if (top === 'rule') return format(locale, 'editor.place.rule')
  if ((top === 'nodes' || top === 'edges') && index !== undefined && /^\d+$/.test(index)) {
    const list = top === 'nodes' ? definition?.nodes : definition?.edges
    const id = list?.[Number(index)]?.id ?? `#${Number(index) + 1}`
    const what = format(locale, top === 'nodes' ? 'editor.place.node' : 'editor.place.edge', { id })
    if (field === undefined) return what
    const fields: Record<string, Parameters<typeof format>[1]> = top === 'nodes' ? NODE_FIELDS : EDGE_FIELDS
    const label = fields[field]
    const tail = rest.length ? ` ${rest.join('.')}` : ''
    return label ? `${format(locale, label, { of: what })}${tail}` : `${what} ${[field, ...rest].join('.')}`
  }
  if (top === 'variables' && index !== undefined) return format(locale, 'editor.place.variable', { name: parts.slice(1).join('.') })
  const label = FLOW_FIELDS[top]
  return label ? format(locale, label) : parts.join('.')
}

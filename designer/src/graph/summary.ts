/** One line saying what a node's config does, for its card on the canvas. */
import type { NodeManifest } from '../../../schemas/generated/node-manifest.ts'
import { describeRule } from './describe-rule.ts'

const MAX = 80

function clip(text: string): string {
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text
}

function isRuleField(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as { $comment?: string }).$comment === 'jsonlogic'
}

/** `key: value` pairs of the config in schema order; rules are spelled out in words. */
export function configSummary(manifest: NodeManifest | undefined, config: Record<string, unknown> | undefined): string {
  if (!config || Object.keys(config).length === 0) return ''
  const props = ((manifest?.configSchema as { properties?: Record<string, unknown> })?.properties) ?? {}
  const keys = [...Object.keys(props).filter((k) => k in config), ...Object.keys(config).filter((k) => !(k in props))]
  const parts: string[] = []
  for (const key of keys) {
    const value = config[key]
    if (value === undefined) continue
    if (isRuleField(props[key])) parts.push(describeRule(value))
    else if (Array.isArray(value)) parts.push(`${key}: ${value.map((v) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>).port ?? (v as Record<string, unknown>).title ?? '…' : String(v))).join(', ')}`)
    else if (typeof value === 'object' && value !== null) parts.push(`${key}: ${JSON.stringify(value)}`)
    else parts.push(`${key}: ${String(value)}`)
  }
  return clip(parts.join(' · '))
}

/**
 * The fields a rule can read, for the rule builder: every scalar of the normalized order
 * (schemas/order.schema.json, flattened to dotted paths under `order.`) and the workflow variables
 * (`vars.<name>`). Each field carries the builder operators that make sense for its type.
 */
import type { Field } from 'react-querybuilder'
import orderSchema from '../../../schemas/order.schema.json' with { type: 'json' }

/** The builder operators a rule may use; each has an exact JsonLogic form the engine knows (see jsonlogic.ts). */
export const RULE_OPERATORS = [
  '=', '!=', '<', '<=', '>', '>=', 'contains', 'doesNotContain', 'in', 'notIn', 'between', 'notBetween', 'null', 'notNull',
] as const
export type RuleOperatorName = (typeof RULE_OPERATORS)[number]

/**
 * Value labels the message table has for an enum field (platforms, statuses…): the message key
 * prefix by the field's path, e.g. `pages.platform` + `.douyin` → 抖音.
 */
export const VALUE_LABELS: Readonly<Record<string, string>> = {
  'order.platform': 'pages.platform', 'order.status': 'pages.orderStatus', 'event.fromStatus': 'pages.orderStatus',
  'event.toStatus': 'pages.orderStatus', 'order.payment.status': 'pages.payment', 'order.exception.type': 'pages.exception',
  'order.healthScore.band': 'pages.band', 'event.kind': 'rules.eventKind',
}

/** Whether the field at `path` is a money amount in integer minor units (typed and shown in the major unit). */
export function isAmountField(path: string): boolean {
  return orderFields().some((f) => f.name === path && f.amount === true)
}

/** What a builder field reads: decides its operators and value editor. */
export type RuleFieldKind = 'string' | 'enum' | 'number' | 'boolean' | 'timestamp' | 'list' | 'any'

/**
 * A builder field with its operators given by name (RuleEditor puts localized labels on them);
 * `amount` marks a money amount in integer minor units.
 */
export type RuleField = Field & { name: string; label: string; operators: RuleOperatorName[]; kind: RuleFieldKind; amount?: boolean }

const OPERATORS_BY_KIND: Record<RuleFieldKind, RuleOperatorName[]> = {
  string: ['=', '!=', 'contains', 'doesNotContain', 'in', 'notIn', 'null', 'notNull'],
  enum: ['=', '!=', 'in', 'notIn', 'null', 'notNull'],
  number: ['=', '!=', '>', '>=', '<', '<=', 'between', 'notBetween', 'in', 'notIn', 'null', 'notNull'],
  boolean: ['=', '!='],
  // ISO 8601 strings: JsonLogic compares them as numbers, so only equality and presence make sense.
  timestamp: ['=', '!=', 'null', 'notNull'],
  list: ['contains', 'doesNotContain'],
  any: [...RULE_OPERATORS],
}

interface SchemaNode {
  $ref?: string
  type?: string | string[]
  title?: string
  description?: string
  enum?: unknown[]
  format?: string
  properties?: Record<string, SchemaNode>
  items?: SchemaNode
  oneOf?: SchemaNode[]
  anyOf?: SchemaNode[]
}

const definitions = (orderSchema as { definitions?: Record<string, SchemaNode> }).definitions ?? {}

/** Follows a local `#/definitions/x` reference; keys beside the `$ref` (description, title) win. */
function resolve(node: SchemaNode, depth = 0): SchemaNode {
  if (!node.$ref || depth > 20) return node
  const name = node.$ref.replace(/^#\/definitions\//, '')
  const target = definitions[name]
  if (!target) return node
  const { $ref: _ignored, ...rest } = node
  return { ...resolve(target, depth + 1), ...rest }
}

/** A nullable `oneOf: [{type: null}, X]` (or anyOf) is X for the builder; `null` stays testable with "is null". */
function unwrapNullable(node: SchemaNode): SchemaNode {
  const alternatives = node.oneOf ?? node.anyOf
  if (!alternatives) return node
  const nonNull = alternatives.map((a) => resolve(a)).filter((a) => a.type !== 'null')
  if (nonNull.length !== 1) return node
  const { oneOf: _o, anyOf: _a, ...rest } = node
  return { ...nonNull[0], ...rest }
}

function typeOf(node: SchemaNode): string | undefined {
  if (Array.isArray(node.type)) return node.type.find((t) => t !== 'null')
  return node.type
}

function isAmount(path: string, node: SchemaNode): boolean {
  return /minor units/i.test(node.description ?? '') || /amount|price/i.test(path.split('.').pop() ?? '')
}

function scalarField(path: string, node: SchemaNode): RuleField | null {
  const type = typeOf(node)
  const label = node.title ?? path
  const base = { name: path, value: path, label }
  if (node.enum && node.enum.every((v) => typeof v === 'string')) {
    const values = (node.enum as string[]).map((v) => ({ name: v, value: v, label: v }))
    return {
      ...base, kind: 'enum', operators: OPERATORS_BY_KIND.enum, valueEditorType: (op: string) => (op === 'in' || op === 'notIn' ? 'multiselect' : 'select'),
      values, defaultValue: values[0]?.name, ...(node.description ? { description: node.description } : {}),
    }
  }
  if (type === 'integer' || type === 'number') {
    const amount = isAmount(path, node)
    return {
      ...base, kind: 'number', operators: OPERATORS_BY_KIND.number, inputType: 'number',
      description: node.description,
      ...(amount ? { amount: true } : {}),
    }
  }
  if (type === 'boolean') {
    return { ...base, kind: 'boolean', operators: OPERATORS_BY_KIND.boolean, valueEditorType: 'checkbox', defaultValue: true, description: node.description }
  }
  if (type === 'string') {
    const kind: RuleFieldKind = node.format === 'date-time' ? 'timestamp' : 'string'
    return { ...base, kind, operators: OPERATORS_BY_KIND[kind], description: node.description }
  }
  return null
}

function collect(path: string, raw: SchemaNode, out: RuleField[]): void {
  const node = unwrapNullable(resolve(raw))
  const type = typeOf(node)
  if (type === 'object') {
    // An object without declared properties (`raw`, the platform payload) has nothing to offer.
    for (const [key, child] of Object.entries(node.properties ?? {})) collect(`${path}.${key}`, child, out)
    return
  }
  if (type === 'array') {
    const item = node.items ? unwrapNullable(resolve(node.items)) : undefined
    const itemType = item && typeOf(item)
    // Arrays of scalars (tags) are tested for membership; arrays of objects (items, holds) are skipped.
    if (itemType === 'string' || itemType === 'integer' || itemType === 'number') {
      out.push({
        name: path, value: path, label: node.title ?? path, kind: 'list', operators: OPERATORS_BY_KIND.list,
        inputType: itemType === 'string' ? 'text' : 'number', description: node.description,
      })
    }
    return
  }
  const field = scalarField(path, node)
  if (field) out.push(field)
}

let orderFieldsCache: RuleField[] | null = null

function orderFields(): RuleField[] {
  if (!orderFieldsCache) {
    const out: RuleField[] = []
    collect('order', orderSchema as SchemaNode, out)
    orderFieldsCache = out
  }
  return orderFieldsCache
}

/** A field for a workflow variable, typed by its initial value. */
function variableField(name: string, initial: unknown): RuleField {
  const path = `vars.${name}`
  const base = { name: path, value: path, label: path }
  if (typeof initial === 'number') return { ...base, kind: 'number', operators: OPERATORS_BY_KIND.number, inputType: 'number' }
  if (typeof initial === 'boolean') return { ...base, kind: 'boolean', operators: OPERATORS_BY_KIND.boolean, valueEditorType: 'checkbox', defaultValue: true }
  if (typeof initial === 'string') return { ...base, kind: 'string', operators: OPERATORS_BY_KIND.string }
  if (Array.isArray(initial) && initial.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return { ...base, kind: 'list', operators: OPERATORS_BY_KIND.list, inputType: initial.every((v) => typeof v === 'number') && initial.length > 0 ? 'number' : 'text' }
  }
  return { ...base, kind: 'any', operators: OPERATORS_BY_KIND.any }
}

/** A field for a path the lists above do not know (e.g. `input.x`), offering every operator. */
export function unknownRuleField(path: string): RuleField {
  return { name: path, value: path, label: path, kind: 'any', operators: OPERATORS_BY_KIND.any }
}

/**
 * The builder fields: every scalar of the normalized order as `order.<path>` (amounts, marked
 * `amount`, are integer minor units, typed in the major unit), then one `vars.<name>` field per workflow variable.
 */
export function orderRuleFields(variables?: Record<string, unknown>): RuleField[] {
  const vars = Object.entries(variables ?? {}).map(([name, initial]) => variableField(name, initial))
  return [...orderFields(), ...vars]
}

/** The order events a trigger starts on (a subscription also hears of `patched`: a flow's change). */
export const TRIGGER_EVENT_KINDS = ['created', 'updated', 'status_changed'] as const

/**
 * The fields of a trigger filter (or a subscription's): it sees `{ order, event: { kind, fromStatus,
 * toStatus } }`, no variables (no run exists yet); `eventKinds` are the kinds `event.kind` may be.
 */
export function triggerRuleFields(eventKinds: readonly string[] = TRIGGER_EVENT_KINDS): RuleField[] {
  const statuses = ((definitions.status as { enum?: string[] } | undefined)?.enum ?? []).map((v) => ({ name: v, value: v, label: v }))
  const kinds = eventKinds.map((v) => ({ name: v, value: v, label: v }))
  const enumField = (path: string, values: Array<{ name: string; value: string; label: string }>): RuleField => ({
    name: path, value: path, label: path, kind: 'enum', operators: OPERATORS_BY_KIND.enum, valueEditorType: 'select', values,
  })
  return [enumField('event.kind', kinds), enumField('event.fromStatus', statuses), enumField('event.toStatus', statuses), ...orderFields()]
}

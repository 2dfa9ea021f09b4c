/**
 * The rjsf uiSchema of a config schema: rule fields (`$comment: "jsonlogic"`) get the rule editor,
 * maps of rules a row per rule, a list of distinct choices gets checkboxes, a value that must match
 * one in use (`$comment: "pick:teams"`) a combo box of the values in use.
 */
import type { UiSchema } from '@rjsf/utils'
import { pickListOf } from '../../../engine/nodes/schema-fragments.ts'

type Schema = {
  $comment?: string; type?: string | string[]; properties?: Record<string, Schema>; items?: Schema | Schema[]
  description?: string; title?: string; uniqueItems?: boolean; enum?: unknown[]; additionalProperties?: Schema | boolean
}

/** What a custom field of a node's config form knows of the form it is in. */
export interface FormContext { isTrigger: boolean; nodeId: string }

export const RULE_FIELD = 'jsonlogic'
/** The widget of a field marked `$comment: "pick:<list>"` (PickWidget.tsx registers under it). */
export const PICK_WIDGET_NAME = 'pick'
/** The field of a map whose values are rules (rule.set's variables). */
export const RULE_MAP_FIELD = 'jsonlogic-map'

/** Walks the schema: every property or array item holding a rule is drawn by the rule field. */
export function uiSchemaFor(schema: Schema | undefined): UiSchema {
  if (!schema) return {}
  if (schema.$comment === RULE_FIELD) return { 'ui:field': RULE_FIELD }
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties.$comment === RULE_FIELD) return { 'ui:field': RULE_MAP_FIELD }
  // A team, a pool, a tag: chosen from the values in use (PickWidget), a new one only on request.
  const list = pickListOf(schema)
  if (list) return { 'ui:widget': PICK_WIDGET_NAME, 'ui:options': { list } }
  const ui: UiSchema = {}
  // rjsf draws a set of choices as a multi-select, which needs Ctrl-click for a second one.
  if (schema.uniqueItems && schema.items && !Array.isArray(schema.items) && Array.isArray(schema.items.enum)) {
    ui['ui:widget'] = 'checkboxes'
    ui['ui:options'] = { inline: true }
  }
  if (schema.properties) {
    for (const [key, prop] of Object.entries(schema.properties)) {
      const child = uiSchemaFor(prop)
      if (Object.keys(child).length) ui[key] = child
    }
  }
  if (schema.items && !Array.isArray(schema.items)) {
    const child = uiSchemaFor(schema.items)
    if (Object.keys(child).length) ui.items = child
  }
  return ui
}

/** rjsf error schema from API problems whose pointer is under `/nodes/<i>/config`. */
export function extraErrorsFor(problems: Array<{ pointer: string; reason: string }>, configPointer: string): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const p of problems) {
    if (!p.pointer.startsWith(configPointer)) continue
    const path = p.pointer.slice(configPointer.length).split('/').filter(Boolean)
    let at = root
    for (const part of path) at = (at[part] ??= {}) as Record<string, unknown>
    const errors = ((at.__errors as string[] | undefined) ??= [])
    errors.push(p.reason)
  }
  return root
}

/**
 * The rjsf uiSchema of a config schema: rule fields (`$comment: "jsonlogic"`) get the rule editor,
 * maps of rules a row per rule, a list of distinct choices gets checkboxes, a value that must match
 * one in use (`$comment: "pick:teams"`) a combo box of the values in use, a secret's name
 * (`$comment: "secret-name"`) a combo box of the secrets set, and a channel (an object with a
 * `channel-type` and a `channel-config` property) a choice of notify connector with that
 * connector's own config form.
 */
import type { UiSchema } from '@rjsf/utils'
import { CHANNEL_CONFIG_COMMENT, CHANNEL_TYPE_COMMENT, pickListOf } from '../../../engine/nodes/schema-fragments.ts'
import { SECRET_NAME_COMMENT } from '../../../connectors/sdk/schema.ts'

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
/** The widget of a field naming a secret (SecretWidget.tsx registers under it). */
export const SECRET_WIDGET_NAME = 'secret-name'
/** The field of a channel: its connector and that connector's config (ChannelField.tsx). */
export const CHANNEL_FIELD = 'channel'

/** The property names of a channel object (`channel-type` and `channel-config` marked), or null when `schema` is none. */
export function channelKeys(schema: Schema | undefined): { typeKey: string; configKey: string } | null {
  const entries = Object.entries(schema?.properties ?? {})
  const typeKey = entries.find(([, p]) => p.$comment === CHANNEL_TYPE_COMMENT)?.[0]
  const configKey = entries.find(([, p]) => p.$comment === CHANNEL_CONFIG_COMMENT)?.[0]
  return typeKey && configKey ? { typeKey, configKey } : null
}

/** What a connector offered as a channel needs: its type, category and config schema. */
interface ChannelCandidate { type: string; category: string; configSchema: unknown }

/**
 * The connectors a message can go out through: the notify.* connectors (email, IM, SMS; a custom
 * notify.* too), the built-in ones in that order, then the others by type.
 */
export function channelConnectors<M extends ChannelCandidate>(manifests: readonly M[]): M[] {
  const order = ['notify.email', 'notify.im', 'notify.sms']
  const rank = (type: string) => { const i = order.indexOf(type); return i < 0 ? order.length : i }
  return manifests
    .filter((m) => m.category === 'connector' && m.type.startsWith('notify.'))
    .sort((a, b) => rank(a.type) - rank(b.type) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
}

/** Walks the schema: every property or array item holding a rule is drawn by the rule field. */
export function uiSchemaFor(schema: Schema | undefined): UiSchema {
  if (!schema) return {}
  if (schema.$comment === RULE_FIELD) return { 'ui:field': RULE_FIELD }
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties.$comment === RULE_FIELD) return { 'ui:field': RULE_MAP_FIELD }
  // A secret: by its name, from the secrets an admin has set (a name not set yet is still taken).
  if (schema.$comment === SECRET_NAME_COMMENT) return { 'ui:widget': SECRET_WIDGET_NAME }
  // A channel: the connector, then its own form (the schema only says "an object").
  const channel = channelKeys(schema)
  if (channel) return { 'ui:field': CHANNEL_FIELD, 'ui:options': channel }
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

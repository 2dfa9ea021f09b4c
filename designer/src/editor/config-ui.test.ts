import { describe, expect, it } from 'vitest'
import { builtinNodes } from '../../../engine/nodes/index.ts'
import { builtinConnectors } from '../../../connectors/index.ts'
import { CHANNEL_FIELD, channelConnectors, channelKeys, PICK_WIDGET_NAME, RULE_FIELD, RULE_MAP_FIELD, SECRET_WIDGET_NAME, uiSchemaFor } from './config-ui.ts'

const schemaOf = (type: string) => builtinNodes.find((m) => m.manifest.type === type)!.manifest.configSchema as never

describe('uiSchemaFor', () => {
  it('offers a list of distinct choices (the trigger\'s events) as checkboxes, not a Ctrl-click multi-select', () => {
    expect(uiSchemaFor(schemaOf('trigger.order-event')).events).toEqual({ 'ui:widget': 'checkboxes', 'ui:options': { inline: true } })
  })

  it('draws rule fields with the rule editor, in lists too', () => {
    expect(uiSchemaFor(schemaOf('trigger.order-event')).filter).toEqual({ 'ui:field': RULE_FIELD })
    expect(uiSchemaFor(schemaOf('rule.switch'))).toEqual({ cases: { items: { rule: { 'ui:field': RULE_FIELD } } } })
  })

  it('draws a map of named rules (rule.set\'s variables) as rows of rule editors, not text boxes', () => {
    expect(uiSchemaFor(schemaOf('rule.set')).variables).toEqual({ 'ui:field': RULE_MAP_FIELD })
  })

  it('offers teams, pools and tags from the values in use (a combo box), each tag of a list too', () => {
    expect(uiSchemaFor(schemaOf('order.assign')).team).toEqual({ 'ui:widget': PICK_WIDGET_NAME, 'ui:options': { list: 'teams' } })
    expect(uiSchemaFor(schemaOf('order.hold')).pool).toEqual({ 'ui:widget': PICK_WIDGET_NAME, 'ui:options': { list: 'pools' } })
    expect(uiSchemaFor(schemaOf('order.tag')).add).toEqual({ items: { 'ui:widget': PICK_WIDGET_NAME, 'ui:options': { list: 'tags' } } })
    expect(uiSchemaFor(schemaOf('order.hold')).reason).toBeUndefined()
  })
})

describe('fields naming a secret and channels', () => {
  const connectorSchema = (type: string) => builtinConnectors.find((m) => m.manifest.type === type)!.manifest.configSchema as never

  it('offers the secrets set for a field marked secret-name', () => {
    expect(uiSchemaFor(connectorSchema('notify.im')).webhook).toEqual({ 'ui:widget': SECRET_WIDGET_NAME })
    expect(uiSchemaFor(connectorSchema('notify.email')).password).toEqual({ 'ui:widget': SECRET_WIDGET_NAME })
    expect(uiSchemaFor(connectorSchema('notify.email')).host).toBeUndefined()
  })

  it('draws each channel of an approval or an escalation as the connector\'s own form', () => {
    for (const type of ['human.approval', 'time.escalate']) {
      expect(uiSchemaFor(schemaOf(type)).channels).toEqual({ items: { 'ui:field': CHANNEL_FIELD, 'ui:options': { typeKey: 'via', configKey: 'config' } } })
    }
    expect(channelKeys({ properties: { via: { type: 'string' } } })).toBeNull()
  })

  it('offers the notify connectors as channels, email, IM and SMS first', () => {
    const manifests = [...builtinNodes, ...builtinConnectors].map((m) => m.manifest)
    const custom = { type: 'notify.acme-pager', category: 'connector', configSchema: {} }
    expect(channelConnectors([custom, ...manifests]).map((m) => m.type)).toEqual(['notify.email', 'notify.im', 'notify.sms', 'notify.acme-pager'])
  })
})

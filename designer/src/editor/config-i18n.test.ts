import { describe, expect, it } from 'vitest'
import type { RJSFSchema, UiSchema } from '@rjsf/utils'
import workflowSchema from '../../../schemas/workflow.schema.json' with { type: 'json' }
import { builtinNodes } from '../../../engine/nodes/index.ts'
import { builtinConnectors } from '../../../connectors/index.ts'
import { formValidator, localizeUiSchema, RETRY_FIELDS } from './config-i18n.ts'
import { RULE_FIELD, uiSchemaFor } from './config-ui.ts'

const manifest = (type: string) => [...builtinNodes, ...builtinConnectors].find((m) => m.manifest.type === type)!.manifest
const CHINESE = /[\u4e00-\u9fff]/

function localized(type: string, locale = 'zh-CN') {
  const m = manifest(type)
  const base = uiSchemaFor(m.configSchema as never)
  return { base, ui: localizeUiSchema(m.configSchema, m.i18n?.[locale]?.fields, base) }
}

describe('localizeUiSchema', () => {
  it('titles the array items of rule.switch in Chinese and keeps the rule field', () => {
    const { base, ui } = localized('rule.switch')
    const cases = ui.cases as UiSchema
    expect(cases['ui:title']).toBe('分支')
    expect(cases['ui:description']).toMatch(CHINESE)
    const item = cases.items as UiSchema
    expect(item.port['ui:title']).toBe('端口')
    expect(item.title['ui:title']).toBe('显示名称')
    expect(item.rule).toMatchObject({ 'ui:field': RULE_FIELD, 'ui:title': '规则' })
    expect(item.rule['ui:description']).toMatch(CHINESE)
    // the base is left as it was
    expect(base).toEqual({ cases: { items: { rule: { 'ui:field': RULE_FIELD } } } })
  })

  it('labels trigger.order-event events and their values, and keeps the filter rule field', () => {
    const { ui } = localized('trigger.order-event')
    expect(ui.events['ui:title']).toBe('事件')
    expect(ui.events.items['ui:enumNames']).toEqual(['新建', '更新', '状态变化'])
    expect(ui.filter).toMatchObject({ 'ui:field': RULE_FIELD, 'ui:title': '过滤条件' })
  })

  it('labels map values (rule.set variables) and order statuses', () => {
    expect(localized('rule.set').ui.variables.additionalProperties['ui:title']).toBe('表达式')
    expect(localized('order.update-status').ui.status['ui:enumNames']).toContain('已发货')
  })

  it('labels enum values in English too, leaving the titles and help to the schema', () => {
    const { ui } = localized('trigger.order-event', 'en')
    expect(ui.events.items['ui:enumNames']).toEqual(['Created', 'Updated', 'Status changed'])
    expect(ui.events['ui:title']).toBeUndefined()
    const im = localized('notify.im', 'en').ui
    expect(im.platform).toEqual({ 'ui:enumNames': ['DingTalk', 'WeCom', 'Feishu'] })
    expect(im.msgType['ui:enumNames']).toEqual(['Plain text', 'Markdown'])
    expect(im.locale['ui:enumNames']).toEqual(['中文 (zh-CN)', 'English'])
    expect(localized('http.request', 'en').ui.method['ui:enumNames']).toEqual(['GET (read)', 'POST (create)', 'PUT (replace)', 'PATCH (change)', 'DELETE (remove)'])
  })

  it('returns a copy of the base when there is nothing to translate', () => {
    const { base, ui } = localized('rule.switch', 'en')
    expect(ui).toEqual(base)
    expect(ui).not.toBe(base)
  })

  it('localizes the retry policy form with RETRY_FIELDS', () => {
    const retry = workflowSchema.definitions.retryPolicy
    for (const locale of ['zh-CN', 'en'] as const) {
      expect(Object.keys(RETRY_FIELDS[locale]).sort()).toEqual(Object.keys(retry.properties).map((k) => `/${k}`).sort())
    }
    const ui = localizeUiSchema(retry, RETRY_FIELDS['zh-CN'], { 'ui:submitButtonOptions': { norender: true } })
    expect(ui.maxAttempts['ui:title']).toBe('最多尝试次数')
    expect(ui['ui:submitButtonOptions']).toEqual({ norender: true })
  })
})

describe('formValidator', () => {
  const hold = manifest('order.hold').configSchema as RJSFSchema

  it('gives Chinese error messages for zh-CN', () => {
    const { errors } = formValidator('zh-CN').validateFormData({ pool: '' }, hold)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ property: '.pool', name: 'minLength' })
    expect(errors[0].message).toMatch(CHINESE)
  })

  it('keeps English for en, and one validator per locale', () => {
    const { errors } = formValidator('en').validateFormData({ pool: '' }, hold)
    expect(errors[0].message).toBe('must NOT have fewer than 1 characters')
    expect(formValidator('zh-CN')).toBe(formValidator('zh-CN'))
    expect(formValidator('en')).not.toBe(formValidator('zh-CN'))
  })
})

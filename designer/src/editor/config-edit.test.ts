/**
 * Selecting a node changes nothing: rjsf's config forms report the config with their schema's
 * defaults filled in as they mount, and only what the operator changes goes into the store.
 * No browser: React's server renderer constructs rjsf's Form, and its constructor reports the
 * defaults it filled in just as it does in the page (test/e2e/editor-ux.e2e.test.ts clicks through
 * the same flow in Chromium).
 */
import { describe, expect, it } from 'vitest'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import Form from '@rjsf/core'
import type { IChangeEvent } from '@rjsf/core'
import type { RJSFSchema } from '@rjsf/utils'
import { builtinNodes } from '../../../engine/nodes/index.ts'
import { builtinConnectors } from '../../../connectors/index.ts'
import { BUILTIN_NODE_TYPES, everyNodeFlow } from '../../../test/support/every-node-flow.ts'
import { sortKeys } from '../graph/convert.ts'
import { ConfigPanel } from './ConfigPanel.tsx'
import { formValidator } from './config-i18n.ts'
import { applyFormEdit, formDefaults } from './config-edit.ts'
import { createEditorStore, EditorStoreContext } from './store.ts'

const manifests = [...builtinNodes, ...builtinConnectors].map((m) => m.manifest)
const schemaOf = (type: string) => manifests.find((m) => m.type === type)!.configSchema as RJSFSchema
const validator = formValidator('zh-CN')

/** What rjsf's Form reports as it mounts over `formData` (nothing when it filled nothing in). */
function mountReport(schema: RJSFSchema, formData: unknown): unknown[] {
  const reports: unknown[] = []
  renderToString(createElement(Form, { schema, validator, formData, onChange: (e: IChangeEvent) => reports.push(e.formData) }))
  return reports
}

/** Every config the flow's forms are drawn over: each node's, and each channel's with its connector's schema. */
function everyForm(): Array<{ what: string; schema: RJSFSchema; config: Record<string, unknown> | undefined }> {
  return everyNodeFlow().nodes.flatMap((n) => [
    { what: n.id, schema: schemaOf(n.type), config: n.config },
    ...((n.config?.channels ?? []) as Array<{ via: string; config: Record<string, unknown> }>).map((c, i) => ({ what: `${n.id} channel ${i} (${c.via})`, schema: schemaOf(c.via), config: c.config })),
  ])
}

describe('config forms and their defaults', () => {
  it('draws every built-in node type and every channel connector in the every-node flow', () => {
    expect(new Set(everyNodeFlow().nodes.map((n) => n.type))).toEqual(new Set(BUILTIN_NODE_TYPES))
    expect(everyForm().filter((f) => f.what.includes('channel')).map((f) => f.what)).toEqual(['escalate channel 0 (notify.email)', 'approve channel 0 (notify.im)'])
  })

  it('rjsf reports defaults as most of these forms mount; none of the reports is an edit', () => {
    const filledIn: string[] = []
    for (const { what, schema, config } of everyForm()) {
      const reports = mountReport(schema, config ?? {})
      if (reports.length) filledIn.push(what)
      for (const report of reports) expect(formDefaults(validator, schema).edit(config, report), what).toBeNull()
    }
    // What made the draft unsaved: an approval's priority, an HTTP call's method, a channel's message type…
    expect(filledIn).toEqual(expect.arrayContaining(['find', 'join', 'each', 'escalate', 'approve', 'wms', 'mail', 'im', 'sms', 'mq', 'hook', 'approve channel 0 (notify.im)', 'escalate channel 0 (notify.email)']))
  })

  it('selecting each node of the flow (its whole panel drawn) leaves the flow as loaded: no change, no undo step', () => {
    const flow = everyNodeFlow()
    const store = createEditorStore(manifests)
    store.getState().load(structuredClone(flow))
    // The server renderer reads a zustand store's initial state: let it read the loaded one.
    store.getInitialState = store.getState
    const revision = store.getState().revision
    for (const node of flow.nodes) {
      const html = renderToString(createElement(EditorStoreContext.Provider, { value: store }, createElement(ConfigPanel, { nodeId: node.id })))
      expect(html, node.id).toContain('config-panel')
      expect(store.getState().revision, `drawing ${node.id} (${node.type})`).toBe(revision)
    }
    expect(store.getState().past).toEqual([])
    expect(sortKeys(store.getState().definition())).toEqual(sortKeys(flow))
  })

  it('an edit on top of what the form shows stores that edit and nothing of the defaults', () => {
    const approval = everyNodeFlow().nodes.find((n) => n.id === 'approve')!.config!
    const form = formDefaults(validator, schemaOf('human.approval'))
    const shown = form.shown(approval) as Record<string, unknown>
    expect(shown).toMatchObject({ priority: 'normal', businessHours: { timeZone: 'Asia/Shanghai', start: '09:00', end: '18:00' } })
    expect(form.edit(approval, { ...shown, priority: 'high' })).toEqual({ value: { ...approval, priority: 'high' } })
    expect(form.edit(approval, { ...shown, title: '退款' })).toEqual({ value: { ...approval, title: '退款' } })
    // The first field typed into business hours takes them as shown: the operator saw the rest filled in.
    const hours = shown.businessHours as Record<string, unknown>
    expect(form.edit(approval, { ...shown, businessHours: { ...hours, start: '10:00' } })).toEqual({ value: { ...approval, businessHours: { ...hours, start: '10:00' } } })
    // A channel's connector form: the IM message type, and nothing else of its defaults.
    const im = (approval.channels as Array<{ config: Record<string, unknown> }>)[0].config
    const imForm = formDefaults(validator, schemaOf('notify.im'))
    expect(imForm.edit(im, { ...(imForm.shown(im) as object), msgType: 'markdown' })).toEqual({ value: { ...im, msgType: 'markdown' } })
  })

  it('a form over no config stores nothing until something is set', () => {
    const join = formDefaults(validator, schemaOf('flow.join'))
    expect(join.shown(undefined)).toEqual({ mode: 'all' })
    expect(join.edit(undefined, { mode: 'all' })).toBeNull()
    expect(join.edit(undefined, {})).toBeNull()
    expect(join.edit(undefined, { mode: 'any' })).toEqual({ value: { mode: 'any' } })
  })
})

describe('applyFormEdit', () => {
  it('keeps what the operator did not change as stored: a default shown stays absent, a value set stays set', () => {
    expect(applyFormEdit({ a: 1 }, { a: 1, d: 'x' }, { a: 1, d: 'x' })).toEqual({ a: 1 })
    expect(applyFormEdit({ a: 1 }, { a: 1, d: 'x' }, { a: 2, d: 'x' })).toEqual({ a: 2 })
    expect(applyFormEdit({ a: 1, d: 'x' }, { a: 1, d: 'x' }, { a: 2, d: 'x' })).toEqual({ a: 2, d: 'x' })
  })

  it('stores a changed default; a field emptied stays empty (not filled with its default again), absent as JSON', () => {
    expect(applyFormEdit({ a: 1 }, { a: 1, d: 'x' }, { a: 1, d: 'y' })).toEqual({ a: 1, d: 'y' })
    const emptied = applyFormEdit({ a: 1, b: 2 }, { a: 1, b: 2, d: 'x' }, { a: 1, b: undefined, d: undefined }) as Record<string, unknown>
    expect(Object.keys(emptied).sort()).toEqual(['a', 'b', 'd'])
    expect(JSON.parse(JSON.stringify(emptied))).toEqual({ a: 1 })
  })

  it('takes a value not stored yet whole once something under it changes', () => {
    expect(applyFormEdit({}, { o: { p: 1, q: 2 } }, { o: { p: 1, q: 3 } })).toEqual({ o: { p: 1, q: 3 } })
    expect(applyFormEdit({}, { o: { p: 1 } }, { o: { p: 1 } })).toEqual({})
  })

  it('matches array items by position; a new item is taken whole, a removed one goes', () => {
    const stored = { list: [{ a: 1 }, { a: 2 }] }
    const shown = { list: [{ a: 1, d: 0 }, { a: 2, d: 0 }] }
    expect(applyFormEdit(stored, shown, { list: [{ a: 1, d: 0 }, { a: 3, d: 0 }] })).toEqual({ list: [{ a: 1 }, { a: 3 }] })
    expect(applyFormEdit(stored, shown, { list: [...shown.list, { a: 9, d: 0 }] })).toEqual({ list: [{ a: 1 }, { a: 2 }, { a: 9, d: 0 }] })
    expect(applyFormEdit(stored, shown, { list: [{ a: 2, d: 0 }] })).toEqual({ list: [{ a: 2 }] })
    expect(applyFormEdit({ to: ['x'] }, { to: ['x'] }, { to: ['x', 'y'] })).toEqual({ to: ['x', 'y'] })
  })

  it('takes a value of another kind as it is (a quorum of "any" becoming at least N)', () => {
    expect(applyFormEdit({ q: 'any' }, { q: 'any' }, { q: { atLeast: 2 } })).toEqual({ q: { atLeast: 2 } })
  })
})

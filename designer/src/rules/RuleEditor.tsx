/**
 * The rule editor of a node's config: a JsonLogic rule in three tabs.
 * - Builder: react-querybuilder over the order's fields and the workflow variables; a rule the
 *   builder cannot show exactly (see jsonlogic.ts) is edited in JSON only, with a notice.
 * - JSON: Monaco with a JsonLogic schema (unknown operators are flagged).
 * - Try it: evaluates the rule on the server against a sample order.
 * The builder keeps its own query (ids, empty groups, one-condition groups) while `value` equals (as
 * JSON) what it last wrote or received; any other value (the JSON tab, undo) replaces it.
 */
import { useMemo, useState } from 'react'
import { prepareRuleGroup, QueryBuilder, type Field, type RuleGroupType, type RuleType, type Translations } from 'react-querybuilder'
import 'react-querybuilder/dist/query-builder.css'
import './rules.css'
import { translateIfKnown, useLocale, useT, type Translate } from '../i18n/index.ts'
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import { addJsonSchema, type Monaco } from '../monaco/monaco.ts'
import { fieldsForQuery, queryFields, queryToRule, ruleToQuery } from './jsonlogic.ts'
import { sameJson } from '../graph/convert.ts'
import { jsonLogicSchema } from './jsonlogic-schema.ts'
import { orderRuleFields, triggerRuleFields, RULE_OPERATORS, VALUE_LABELS, type RuleField, type RuleOperatorName } from './order-fields.ts'
import { registerOrderSchemas } from './order-schemas.ts'
import { TryRule } from './TryRule.tsx'
import { AmountValueEditor, type AmountContext } from './AmountValueEditor.tsx'
import { ruleCurrency } from '../graph/describe-rule.ts'
import { formatMoney } from '../pages/money.ts'

const CONTROLS = { valueEditor: AmountValueEditor }

export interface RuleEditorProps {
  /** The JsonLogic rule; undefined for a rule not written yet (the builder starts empty). */
  value: unknown
  onChange(rule: unknown): void
  /** The workflow's variables (name → initial value), offered as `vars.<name>` fields. */
  variables?: Record<string, unknown>
  /** `trigger`: a trigger filter, which sees the order event (`event.kind`, `event.toStatus`…) and no variables. */
  scope?: 'run' | 'trigger'
  /** The event kinds a `trigger` rule may see (default a trigger's: created, updated, status_changed). */
  eventKinds?: readonly string[]
  readOnly?: boolean
  /** Unique id of Monaco's model, e.g. `ordo://rules/vip-check/rule.json`. */
  path: string
  /** The JSON tab's text while it does not parse (null once it does): the rule is not that text yet. */
  onInvalid?(text: string | null): void
}

type Tab = 'builder' | 'json' | 'try'

/** The models the JsonLogic schema applies to. */
const RULE_MODEL_MATCH = ['ordo://rules/*', 'ordo://rules/**']

/** Registers the JsonLogic schema for rule models and the order schemas (for "Try it" samples). */
function registerRuleSchemas(monaco: Monaco): void {
  addJsonSchema(monaco, 'ordo://schemas/jsonlogic.json', RULE_MODEL_MATCH, jsonLogicSchema())
  registerOrderSchemas(monaco)
}

function queryFor(value: unknown, fields: readonly RuleField[]): RuleGroupType | null {
  const query = value === undefined ? { combinator: 'and', rules: [] } : ruleToQuery(value, fields)
  return query ? prepareRuleGroup(query) : null
}

interface Synced { value: unknown; query: RuleGroupType | null }

export function RuleEditor({ value, onChange, onInvalid, variables, readOnly, path, scope = 'run', eventKinds }: RuleEditorProps) {
  const t = useT()
  const fields = useMemo(() => (scope === 'trigger' ? triggerRuleFields(eventKinds) : orderRuleFields(variables)), [variables, scope, eventKinds])

  // The builder's query and the value it last wrote or received; a value from outside that differs
  // from it replaces the query, unless it is what the query already writes.
  const [synced, setSynced] = useState<Synced>(() => ({ value, query: queryFor(value, fields) }))
  let current = synced
  if (!Object.is(value, synced.value) && !sameJson(value, synced.value)) {
    const keep = synced.query !== null && value !== undefined && sameJson(queryToRule(synced.query, fieldsForQuery(fields, synced.query)), value)
    current = { value, query: keep ? synced.query : queryFor(value, fields) }
    setSynced(current)
  }
  const query = current.query

  const [tab, setTab] = useState<Tab>(() => (query ? 'builder' : 'json'))
  const shownTab: Tab = tab === 'builder' && !query ? 'json' : tab

  const usedFields = query ? queryFields(query) : []
  const extraKey = usedFields.join('\n')
  const builderFields = useMemo(
    () => localizeFields(fieldsForQuery(fields, query), t),
    // Only the set of fields the query reads matters, not each edit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [fields, extraKey, t],
  )
  const translations = useMemo(() => builderTranslations(t), [t])
  const combinators = useMemo(() => [
    { name: 'and', value: 'and', label: t('rules.builder.and') },
    { name: 'or', value: 'or', label: t('rules.builder.or') },
  ], [t])
  const operators = useMemo(() => RULE_OPERATORS.map((name) => operatorOption(name, t)), [t])
  // The amount hint only when a condition reads an amount; it echoes each amount as the rule keeps it.
  const readsAmount = usedFields.some((name) => fields.some((f) => f.name === name && f.amount))
  const locale = useLocale((s) => s.locale)
  const currency = ruleCurrency(value)
  const amountContext = useMemo<AmountContext>(() => ({
    currency,
    unit: translateIfKnown(t, `rules.unit.${currency}`) ?? currency,
    invalidText: t('rules.amountInvalid'),
  }), [currency, t])
  const amountEchoes = query && readsAmount ? amountConditions(query, fields).map((c) => t('rules.amountEcho', {
    field: translateIfKnown(t, `rules.field.${c.field}`) ?? c.field,
    op: t(`rules.op.${c.operator}` as const),
    amount: c.minor.map((m) => formatMoney(m, currency, locale)).join(` ${t('rules.builder.between')} `),
    minor: c.minor.join(` ${t('rules.builder.between')} `),
  })) : []

  function onQueryChange(next: RuleGroupType) {
    const rule = queryToRule(next, fieldsForQuery(fields, next))
    setSynced({ value: rule, query: next })
    if (!sameJson(rule, value)) onChange(rule)
  }

  const tabs: Array<{ id: Tab; label: string; disabled?: boolean; title?: string }> = [
    { id: 'builder', label: t('rules.tab.builder'), disabled: !query, title: query ? undefined : t('rules.tooAdvanced') },
    { id: 'json', label: t('rules.tab.json') },
    { id: 'try', label: t('rules.tab.try') },
  ]
  const panelId = (id: Tab) => `${path}#${id}`

  return (
    <div className="rule-editor">
      <div className="rule-tabs" role="tablist" aria-label={t('rules.tabs')}>
        {tabs.map((item) => (
          <button
            key={item.id}
            type="button"
            role="tab"
            id={`${panelId(item.id)}-tab`}
            aria-selected={shownTab === item.id}
            aria-controls={panelId(item.id)}
            className={shownTab === item.id ? 'active' : undefined}
            disabled={item.disabled}
            title={item.title}
            data-testid={`rule-tab-${item.id}`}
            onClick={() => setTab(item.id)}
          >
            {item.label}
          </button>
        ))}
      </div>

      {!query && shownTab !== 'try' && <div className="rule-notice" role="note">{t('rules.tooAdvanced')}</div>}

      <div className="rule-panel" role="tabpanel" id={panelId(shownTab)} aria-labelledby={`${panelId(shownTab)}-tab`}>
        {shownTab === 'builder' && query && (
          <div className="rule-builder">
            <QueryBuilder
              query={query}
              onQueryChange={onQueryChange}
              fields={builderFields}
              operators={operators}
              combinators={combinators}
              translations={translations}
              getDefaultField={builderFields.some((f) => f.name === 'order.platform') ? 'order.platform' : undefined}
              getDefaultValue={defaultValue}
              getValueEditorSeparator={() => t('rules.builder.between')}
              listsAsArrays
              parseNumbers="strict-limited"
              showNotToggle
              resetOnOperatorChange
              enableMountQueryChange={false}
              disabled={readOnly}
              controlElements={CONTROLS}
              context={amountContext}
            />
            {query.rules.length === 0 && !query.not && <p className="hint">{t('rules.noConditions')}</p>}
            {readsAmount && (
              <div className="hint" data-testid="rule-amount-hint">
                {amountEchoes.length ? amountEchoes.map((line, i) => <div key={i}>{line}</div>) : t('rules.amountHint', { unit: amountContext.unit })}
              </div>
            )}
          </div>
        )}
        {shownTab === 'json' && (
          <JsonEditor
            path={path}
            value={value}
            onChange={readOnly ? undefined : onChange}
            onInvalid={onInvalid}
            readOnly={readOnly}
            height={200}
            onMonaco={registerRuleSchemas}
            testId="rule-json"
          />
        )}
        {shownTab === 'try' && <TryRule rule={value} path={path} scope={scope} registerSchemas={registerRuleSchemas} />}
      </div>
    </div>
  )
}

function operatorOption(name: RuleOperatorName, t: Translate) {
  return { name, value: name, label: t(`rules.op.${name}` as const) }
}

/** The conditions of a query on amount fields with their amounts (minor units), for the hint. */
function amountConditions(query: RuleGroupType, fields: readonly RuleField[]): Array<{ field: string; operator: RuleOperatorName; minor: number[] }> {
  const out: Array<{ field: string; operator: RuleOperatorName; minor: number[] }> = []
  const visit = (group: RuleGroupType) => {
    for (const r of group.rules) {
      if (typeof r !== 'object' || r === null) continue
      if ('rules' in r) { visit(r as RuleGroupType); continue }
      const rule = r as RuleType
      if (!fields.some((f) => f.name === rule.field && f.amount)) continue
      const values = Array.isArray(rule.value) ? rule.value : [rule.value]
      if (values.length && values.every((v) => typeof v === 'number')) out.push({ field: rule.field, operator: rule.operator as RuleOperatorName, minor: values as number[] })
    }
  }
  visit(query)
  return out
}

/** Fields with their operators, names and values in the operator's language; the path stays visible. */
function localizeFields(fields: RuleField[], t: Translate): Field[] {
  return fields.map((f) => {
    const name = translateIfKnown(t, `rules.field.${f.name}`)
    const prefix = VALUE_LABELS[f.name]
    const values = prefix && f.values
      ? f.values.map((v) => { const o = v as { name: string; label: string }; return { ...o, label: translateIfKnown(t, `${prefix}.${o.name}`) ?? o.label } })
      : f.values
    return { ...f, label: name ? `${name} · ${f.name}` : f.label, ...(values ? { values } : {}), operators: f.operators.map((op) => operatorOption(op, t)) }
  })
}

/** The value a condition starts with, shaped for its operator (lists are arrays, ranges pairs). */
function defaultValue(rule: RuleType, { fieldData }: { fieldData: Field }): unknown {
  const field = fieldData as Partial<RuleField>
  switch (rule.operator) {
    case 'null': case 'notNull': return null
    case 'in': case 'notIn': return []
    case 'between': case 'notBetween': return ['', '']
  }
  if (field.kind === 'boolean') return true
  if (field.kind === 'enum') return (field.values?.[0] as { name?: string } | undefined)?.name ?? ''
  return ''
}

function builderTranslations(t: Translate): Partial<Translations> {
  const placeholders = { placeholderName: '~', placeholderLabel: '------', placeholderGroupLabel: '------' }
  return {
    fields: { title: t('rules.builder.field'), ...placeholders },
    operators: { title: t('rules.builder.operator'), ...placeholders },
    values: { title: t('rules.builder.values'), ...placeholders },
    value: { title: t('rules.builder.value') },
    combinators: { title: t('rules.builder.combinator') },
    addRule: { label: t('rules.builder.addRule'), title: t('rules.builder.addRuleTitle') },
    addGroup: { label: t('rules.builder.addGroup'), title: t('rules.builder.addGroupTitle') },
    removeRule: { label: '×', title: t('rules.builder.removeRule') },
    removeGroup: { label: '×', title: t('rules.builder.removeGroup') },
    notToggle: { label: t('rules.builder.not'), title: t('rules.builder.notTitle') },
  }
}

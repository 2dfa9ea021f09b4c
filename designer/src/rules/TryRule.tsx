/**
 * "Try it" of the rule editor: the rule against an editable sample order, evaluated by the server
 * (in its sandbox); a failing rule says why in the operator's language.
 */
import { useState } from 'react'
import { api, ApiError } from '../api/client.ts'
import { useLocale, useT, type Translate } from '../i18n/index.ts'
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import type { Monaco } from '../monaco/monaco.ts'
import { sameJson } from '../graph/convert.ts'
import { describeReason } from '../editor/describe-problem.ts'
import { SAMPLE_MODEL_PREFIX } from './order-schemas.ts'
import { SAMPLE_ORDER } from './sample-order.ts'

type Outcome = { rule: unknown; sample: unknown } & ({ ok: true; result: unknown } | { ok: false; reason: string })

/** "Try it": `rule` against an editable sample order; `registerSchemas` registers the sample's schema with Monaco. */
export function TryRule({ rule, path, scope, registerSchemas }: { rule: unknown; path: string; scope: 'run' | 'trigger'; registerSchemas(monaco: Monaco): void }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const [sample, setSample] = useState<unknown>(SAMPLE_ORDER)
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const samplePath = SAMPLE_MODEL_PREFIX + path.replace(/^[a-z][\w+.-]*:\/\//i, '').replace(/[^\w.-]+/g, '_')

  async function evaluate() {
    setBusy(true)
    // A trigger filter sees the event that would start the run: the sample order arriving new.
    const data = scope === 'trigger'
      ? { order: sample, event: { kind: 'created', fromStatus: null, toStatus: (sample as { status?: string } | null)?.status ?? null } }
      : { order: sample, vars: {}, input: {} }
    try {
      const answer = await api<{ result: unknown }>('POST', '/api/rules/evaluate', { rule: rule ?? null, data })
      setOutcome({ rule, sample, ok: true, result: answer.result })
    } catch (error) {
      const reason = error instanceof ApiError
        ? (error.details.find((d) => d.pointer === '/rule') ?? error.details[0])?.reason ?? error.message
        : (error as Error).message
      setOutcome({ rule, sample, ok: false, reason })
    } finally {
      setBusy(false)
    }
  }

  // An answer about another rule or sample is not shown.
  // Compared by value: the form hands back an equal rule as a new object when other state changes.
  const shown = outcome && sameJson(outcome.rule, rule) && sameJson(outcome.sample, sample) ? outcome : null

  return (
    <div className="rule-try">
      <div className="row rule-try-head">
        <span className="rule-try-label">{t('rules.try.sample')}</span>
        <span className="spacer" />
        <button type="button" className="link" onClick={() => setSample(SAMPLE_ORDER)}>{t('rules.try.reset')}</button>
      </div>
      <JsonEditor path={samplePath} value={sample} onChange={setSample} height={220} onMonaco={registerSchemas} testId="rule-sample" />
      <p className="hint">{t('rules.try.hint')}</p>
      <div className="row">
        <button type="button" className="primary" data-testid="rule-evaluate" disabled={busy} onClick={() => void evaluate()}>
          {busy ? t('rules.evaluating') : t('rules.evaluate')}
        </button>
        <div className="rule-result" data-testid="rule-result" aria-live="polite">
          {shown?.ok === true && <ResultBadge value={shown.result} t={t} />}
          {shown?.ok === false && <span className="field-error" role="alert">{t('rules.result.error', { reason: describeReason(shown.reason, locale) })}</span>}
        </div>
      </div>
    </div>
  )
}

function ResultBadge({ value, t }: { value: unknown; t: Translate }) {
  if (value === true) return <span className="badge ok" data-result="true">{t('rules.result.true')}</span>
  if (value === false) return <span className="badge bad" data-result="false">{t('rules.result.false')}</span>
  return <span className="badge" data-result="other">{t('rules.result.value', { value: JSON.stringify(value) ?? 'null' })}</span>
}

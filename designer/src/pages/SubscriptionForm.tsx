/**
 * A new subscription: its name, the order events it hears of, where they go (a webhook URL, or a
 * RabbitMQ broker with its exchange and routing key; the broker's password typed in a password box)
 * and, optionally, a filter over { order, event } built with the rule editor. Checked as the API
 * checks it before sending; the API's own refusals show beside the form.
 */
import { useState, type FormEvent, type ReactNode } from 'react'
import { api, ApiError } from '../api/client.ts'
import type { Subscription } from '../api/types.ts'
import { useT } from '../i18n/index.ts'
import { RuleEditor } from '../rules/RuleEditor.tsx'
import { ErrorBox } from './shared.tsx'
import { draftProblems, EMPTY_DRAFT, eventKindLabel, SUBSCRIBABLE_KINDS, subscriptionBody, type DraftField, type SubscriptionDraft } from './subscriptions.ts'

/** Where the API's detail pointers land in the form. */
const POINTER_FIELD: Record<string, DraftField> = { '/name': 'name', '/events': 'events', '/target/url': 'url', '/target/exchange': 'exchange', '/target/routingKey': 'routingKey' }

export function SubscriptionForm({ onCreated, onCancel }: { onCreated(sub: Subscription): void; onCancel(): void }) {
  const t = useT()
  const [draft, setDraft] = useState<SubscriptionDraft>(EMPTY_DRAFT)
  const [useFilter, setUseFilter] = useState(false)
  const [filterText, setFilterText] = useState<string | null>(null)
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const set = <K extends keyof SubscriptionDraft>(key: K, value: SubscriptionDraft[K]) => setDraft((d) => ({ ...d, [key]: value }))
  const problems = draftProblems({ ...draft, filter: useFilter ? draft.filter : undefined })
  const serverProblems: Partial<Record<DraftField, string>> = {}
  if (error instanceof ApiError) for (const d of error.details) { const f = POINTER_FIELD[d.pointer]; if (f) serverProblems[f] = d.reason }
  const problemOf = (field: DraftField) => (touched && problems[field] ? t(problems[field]!) : serverProblems[field] ?? null)

  async function submit(e: FormEvent) {
    e.preventDefault()
    setTouched(true)
    if (Object.keys(problems).length > 0 || (useFilter && filterText !== null)) return
    setBusy(true)
    setError(null)
    try {
      const body = subscriptionBody({ ...draft, filter: useFilter ? draft.filter : undefined })
      const created = await api<Subscription>('POST', '/api/subscriptions', body)
      // The broker's password is in the URL sent: it is not kept here after.
      setDraft(EMPTY_DRAFT)
      onCreated(created)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  const field = (key: DraftField, label: string, input: ReactNode, hint?: string, wide = false) => (
    <label className={`form-field${wide ? ' wide' : ''}`}>
      <span>{label}</span>
      {input}
      {problemOf(key) ? <span className="field-error" data-testid={`problem-${key}`}>{problemOf(key)}</span> : hint ? <span className="hint">{hint}</span> : null}
    </label>
  )

  return (
    <form className="card subscription-form" onSubmit={(e) => void submit(e)} data-testid="subscription-form" autoComplete="off" noValidate>
      <h2>{t('subscriptions.form.title')}</h2>
      <div className="form-grid head">
        {field('name', t('pages.col.name'), <input value={draft.name} onChange={(e) => set('name', e.target.value)} maxLength={200} placeholder={t('subscriptions.form.namePlaceholder')} data-testid="sub-name" />)}
        <fieldset className="form-field">
          <legend>{t('subscriptions.col.events')}</legend>
          <div className="checks">
            {SUBSCRIBABLE_KINDS.map((k) => (
              <label key={k} className="check" title={t(`subscriptions.eventHint.${k}`)}>
                <input type="checkbox" checked={draft.events.includes(k)} data-testid={`sub-event-${k}`}
                  onChange={(e) => set('events', e.target.checked ? [...draft.events, k] : draft.events.filter((x) => x !== k))} />
                {eventKindLabel(t, k)}
              </label>
            ))}
          </div>
          {problemOf('events') ? <span className="field-error">{problemOf('events')}</span> : <span className="hint">{t('subscriptions.form.eventsHint')}</span>}
        </fieldset>
      </div>

      <fieldset className="form-field target-kind">
        <legend>{t('subscriptions.col.target')}</legend>
        <div className="checks">
          {(['webhook', 'rabbitmq'] as const).map((kind) => (
            <label key={kind} className="check">
              <input type="radio" name="target-kind" checked={draft.kind === kind} onChange={() => set('kind', kind)} data-testid={`sub-kind-${kind}`} />
              {t(`subscriptions.kind.${kind}`)}
            </label>
          ))}
        </div>
        <span className="hint">{t(`subscriptions.form.kindHint.${draft.kind}`)}</span>
      </fieldset>

      {draft.kind === 'webhook' ? (
        <div className="form-grid target">
          {field('url', t('subscriptions.form.webhookUrl'),
            <input value={draft.url} onChange={(e) => set('url', e.target.value)} maxLength={2000} placeholder="https://erp.example.com/ordo-events" spellCheck={false} data-testid="sub-url" />,
            t('subscriptions.form.webhookUrlHint'), true)}
        </div>
      ) : (
        <div className="form-grid target">
          {field('url', t('subscriptions.form.amqpUrl'),
            <input value={draft.url} onChange={(e) => set('url', e.target.value)} maxLength={2000} placeholder="amqp://mq.internal:5672/ordo" spellCheck={false} data-testid="sub-url" />,
            t('subscriptions.form.amqpUrlHint'), true)}
          {field('username', t('subscriptions.form.username'),
            <input value={draft.username} onChange={(e) => set('username', e.target.value)} maxLength={200} spellCheck={false} autoComplete="off" data-testid="sub-username" />)}
          <label className="form-field">
            <span>{t('subscriptions.form.password')}</span>
            <input type="password" value={draft.password} onChange={(e) => set('password', e.target.value)} autoComplete="new-password" data-testid="sub-password" />
            <span className="hint">{t('subscriptions.form.passwordHint')}</span>
          </label>
          {field('exchange', t('subscriptions.exchange'),
            <input value={draft.exchange} onChange={(e) => set('exchange', e.target.value)} maxLength={255} placeholder="ordo.orders" spellCheck={false} data-testid="sub-exchange" />)}
          {field('routingKey', t('subscriptions.routingKey'),
            <input value={draft.routingKey} onChange={(e) => set('routingKey', e.target.value)} maxLength={255} placeholder={t('subscriptions.routingKeyDefault')} spellCheck={false} data-testid="sub-routing-key" />,
            t('subscriptions.form.routingKeyHint'))}
        </div>
      )}

      <div className="form-field filter-field">
        <label className="check">
          <input type="checkbox" checked={useFilter} onChange={(e) => setUseFilter(e.target.checked)} data-testid="sub-use-filter" />
          {t('subscriptions.form.useFilter')}
        </label>
        <span className="hint">{t('subscriptions.form.filterHint')}</span>
        {useFilter && (
          <div className="rule-field">
            <RuleEditor path="ordo://rules/subscription-filter.json" value={draft.filter} onChange={(rule) => set('filter', rule)}
              onInvalid={setFilterText} scope="trigger" eventKinds={SUBSCRIBABLE_KINDS} />
            {touched && filterText !== null && <span className="field-error">{t('subscriptions.form.filterInvalid')}</span>}
          </div>
        )}
      </div>

      {error != null && !(error instanceof ApiError && error.details.every((d) => POINTER_FIELD[d.pointer]) && error.details.length > 0) && <ErrorBox error={error} />}
      <div className="row form-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="sub-create">{busy ? t('subscriptions.form.creating') : t('subscriptions.form.create')}</button>
        <button type="button" onClick={onCancel} data-testid="sub-cancel">{t('common.cancel')}</button>
      </div>
    </form>
  )
}

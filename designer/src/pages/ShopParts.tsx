/**
 * Pieces of the shops list and a shop's page: a time as "3 minutes ago" over its local date, the
 * health badge, the credential form generated from the platform's JSON Schema (secrets as password
 * boxes; nothing stored is ever filled in: the API never answers credentials), and each shop action
 * (pull now, rename, enable or disable, replace credentials, delete) with what came of it.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react'
import Form from '@rjsf/core'
import { Link } from 'wouter'
import { api, ApiError } from '../api/client.ts'
import type { ShopPlatform, ShopView } from '../../../schemas/generated/shop.ts'
import { translateIfKnown, useLocale, useT, type Translate } from '../i18n/index.ts'
import { formValidator } from '../editor/config-i18n.ts'
import { formatTime } from './format.ts'
import { credentialSchema, credentialsToSend, credentialUiSchema, formatRelative, healthState, readPullResult, splitProblems, type PullResult } from './shops.ts'
import { ErrorBox } from './shared.tsx'
import { platformLabel } from './names.ts'

/** "3 minutes ago" with the local date and time under it (and the ISO text on hover). */
export function Ago({ iso, inline = false }: { iso: string | null | undefined; inline?: boolean }) {
  const locale = useLocale((s) => s.locale)
  if (!iso) return <span className="muted">—</span>
  const relative = formatRelative(iso, locale)
  const absolute = formatTime(iso, locale)
  return (
    <time dateTime={iso} title={iso} className="ago">
      {relative}{inline ? <span className="hint"> · {absolute}</span> : <div className="hint">{absolute}</div>}
    </time>
  )
}

/** The shop's health in a word, coloured. */
export function HealthBadge({ shop }: { shop: Pick<ShopView, 'enabled' | 'health'> }) {
  const t = useT()
  const state = healthState(shop)
  return <span className={`badge health-${state}`} data-testid="shop-health">{t(`shops.health.${state}`)}</span>
}

/** A credential key's label and help in the reader's language. */
function credentialLabel(t: Translate, platform: ShopPlatform, key: string): { title: string; help?: string } {
  return {
    title: translateIfKnown(t, `shops.cred.${platform}.${key}`) ?? translateIfKnown(t, `shops.cred.${key}`) ?? key,
    help: translateIfKnown(t, `shops.credHelp.${platform}.${key}`) ?? translateIfKnown(t, `shops.credHelp.${key}`),
  }
}

/**
 * The credential fields of `platform`, generated from shop.schema.json by rjsf. Always empty at
 * first: stored credentials never come back, so replacing means typing them all again.
 */
export function CredentialsForm({ platform, busy, error, submitLabel, onSubmit, onInvalid, children }: {
  platform: ShopPlatform
  busy: boolean
  error: unknown
  submitLabel: string
  onSubmit(credentials: Record<string, string>): void
  /** The credentials do not validate yet (the form shows why): fields outside it may say theirs too. */
  onInvalid?(): void
  /** Fields shown before the credentials (the shop's name). */
  children?: ReactNode
}) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const schema = useMemo(() => credentialSchema(platform), [platform])
  const uiSchema = useMemo(() => credentialUiSchema(platform, (key) => credentialLabel(t, platform, key)), [platform, t])
  const [data, setData] = useState<Record<string, unknown>>({})
  const { extra, rest } = splitProblems(error, locale)
  return (
    <div className="credentials-form" data-testid={`credentials-${platform}`}>
      {children}
      <Form
        key={`${platform}:${locale}`}
        idPrefix={`cred-${platform}`}
        schema={schema}
        uiSchema={uiSchema}
        formData={data}
        validator={formValidator(locale)}
        showErrorList={false}
        noHtml5Validate
        extraErrors={extra as never}
        autoComplete="off"
        onChange={(e) => setData((e.formData ?? {}) as Record<string, unknown>)}
        onSubmit={(e) => onSubmit(credentialsToSend(platform, e.formData as Record<string, unknown>))}
        onError={() => onInvalid?.()}
      >
        <p className="hint">{t('shops.form.sealed')}</p>
        <ErrorBox error={rest} />
        <div className="row">
          <button type="submit" className="primary" disabled={busy} data-testid="shop-save">{busy ? t('shops.form.saving') : submitLabel}</button>
        </div>
      </Form>
    </div>
  )
}

/** A refusal for the signed-in role said plainly; any other error as the API gave it. */
export function ActionError({ error }: { error: unknown }) {
  const t = useT()
  if (error instanceof ApiError && error.status === 403) return <p className="error-box" role="alert" data-testid="forbidden">{t('shops.forbidden')}</p>
  return <ErrorBox error={error} />
}

type PullState = { busy: boolean; result: PullResult | null; error: unknown }

/** "Pull now": asks the platform for the shop's changed orders at once, and says what came of it. */
export function usePull(shopId: string, onDone: () => void) {
  const [state, setState] = useState<PullState>({ busy: false, result: null, error: null })
  async function pull() {
    setState({ busy: true, result: null, error: null })
    try {
      const body = await api<unknown>('POST', `/api/shops/${encodeURIComponent(shopId)}/pull`)
      setState({ busy: false, result: readPullResult(body), error: null })
      onDone()
    } catch (error) {
      setState({ busy: false, result: null, error })
    }
  }
  return { ...state, pull, clear: () => setState({ busy: false, result: null, error: null }) }
}

export function PullOutcome({ state, onClose }: { state: PullState; onClose(): void }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  if (!state.result && !state.error) return null
  return (
    <div className={`card pull-outcome ${state.error ? 'bad' : ''}`} role="status" data-testid="pull-outcome">
      {state.result && (
        <p>
          {t('shops.pull.done', { orders: state.result.orders, pages: state.result.pages })}
          {state.result.changed !== undefined && <> {t('shops.pull.changed', { changed: state.result.changed })}</>}
          {state.result.window && <span className="hint"> {t('shops.pull.window', { from: formatTime(state.result.window.from, locale), to: formatTime(state.result.window.to, locale) })}</span>}
        </p>
      )}
      {state.error != null && <ActionError error={state.error} />}
      <button className="link" onClick={onClose} aria-label={t('common.close')}>×</button>
    </div>
  )
}

export type EditMode = 'rename' | 'credentials' | 'delete'

/** The admin's panel for one shop: rename, replace its credentials, or delete it after asking. */
export function ShopEditPanel({ shop, mode, onDone, onCancel }: {
  shop: ShopView
  mode: EditMode
  /** The change went through: the new view (null after a delete) and what to tell. */
  onDone(view: ShopView | null, notice: string): void
  onCancel(): void
}) {
  const t = useT()
  const [name, setName] = useState(shop.name)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const url = `/api/shops/${encodeURIComponent(shop.id)}`

  async function run(action: () => Promise<void>) {
    setBusy(true)
    setError(null)
    try { await action() } catch (e) { setError(e) } finally { setBusy(false) }
  }

  function rename(e: FormEvent) {
    e.preventDefault()
    const trimmed = name.trim()
    if (!trimmed || trimmed === shop.name) { onCancel(); return }
    void run(async () => onDone(await api<ShopView>('PATCH', url, { name: trimmed }), t('shops.renamed', { name: trimmed })))
  }

  return (
    <div className={`card shop-edit ${mode === 'delete' ? 'asking' : ''}`} data-testid={`shop-edit-${mode}`}>
      {mode === 'rename' && (
        <form className="form-row" onSubmit={rename}>
          <label className="form-field">
            <span>{t('shops.form.name')}</span>
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoFocus data-testid="shop-rename-input" />
          </label>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy || !name.trim()} data-testid="shop-rename-save">{t('shops.rename')}</button>
            <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
      {mode === 'credentials' && (
        <>
          <h3>{t('shops.credentialsTitle', { name: shop.name })}</h3>
          <p className="hint">{t('shops.credentialsHint')}</p>
          <CredentialsForm platform={shop.platform} busy={busy} error={error} submitLabel={t('shops.replaceCredentials')}
            onSubmit={(credentials) => void run(async () => onDone(await api<ShopView>('PATCH', url, { credentials }), t('shops.credentialsReplaced', { name: shop.name })))} />
          <button type="button" className="link" onClick={onCancel}>{t('common.cancel')}</button>
        </>
      )}
      {mode === 'delete' && (
        <div role="alertdialog" aria-labelledby={`shop-delete-${shop.id}`} className="confirm">
          <p id={`shop-delete-${shop.id}`}>{t('shops.deleteQuestion', { name: shop.name })}</p>
          <p className="hint">{t('shops.deleteHint')}</p>
          <div className="row">
            <button className="danger" disabled={busy} data-testid="shop-delete-yes"
              onClick={() => void run(async () => {
                try {
                  await api('DELETE', url)
                } catch (e) {
                  // Someone else deleted it meanwhile: it is gone as asked.
                  if (!(e instanceof ApiError && e.status === 404)) throw e
                }
                onDone(null, t('shops.deleted', { name: shop.name }))
              })}>{t('shops.deleteYes')}</button>
            <button onClick={onCancel} data-testid="shop-delete-cancel">{t('common.cancel')}</button>
          </div>
        </div>
      )}
      {mode !== 'credentials' && <ActionError error={error} />}
    </div>
  )
}

/** Enables or disables a shop at once (a disabled shop takes no pushes and is not pulled). */
export async function setEnabled(shop: ShopView, enabled: boolean): Promise<ShopView> {
  return api<ShopView>('PATCH', `/api/shops/${encodeURIComponent(shop.id)}`, { enabled })
}

/** The orders a replay or a normalize named, each as its platform and number, linked when it is in the pool. */
export function OrderLinks({ results }: { results: Array<{ id?: string; platform: string; platformOrderId: string; outcome?: string }> }) {
  const t = useT()
  if (results.length === 0) return null
  return (
    <ul className="plain">
      {results.map((r) => (
        <li key={`${r.platform}:${r.platformOrderId}`}>
          {r.id ? <Link href={`/orders/${encodeURIComponent(r.id)}`}>{platformLabel(t, r.platform)} · {r.platformOrderId}</Link> : <>{platformLabel(t, r.platform)} · {r.platformOrderId}</>}
          {r.outcome && <span className="badge">{translateIfKnown(t, `shops.replay.order.${r.outcome}`) ?? r.outcome}</span>}
        </li>
      ))}
    </ul>
  )
}

/** How often a shop's health is fetched again: no live event carries it, and "3 minutes ago" ages. */
export const HEALTH_REFRESH_MS = 30_000

/** Calls `fn` every `ms` while the tab is shown. */
export function useEvery(ms: number, fn: () => void): void {
  const fnRef = useRef(fn)
  fnRef.current = fn
  useEffect(() => {
    const timer = setInterval(() => { if (document.visibilityState === 'visible') fnRef.current() }, ms)
    return () => clearInterval(timer)
  }, [ms])
}

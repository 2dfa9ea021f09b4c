/**
 * /shops/:id: one shop — its health in full, the admin's actions on it, "pull now", and its push
 * inbox newest first (received, status, error; the raw body as the platform sent it, in a read-only
 * JSON editor), each push replayable with what the replay did shown under it.
 */
import { Fragment, useState } from 'react'
import { Link, useLocation } from 'wouter'
import { api, ApiError } from '../api/client.ts'
import type { ShopPush, ShopPushPage, ShopPushReplay, ShopView } from '../../../schemas/generated/shop.ts'
import { useCan } from '../app/session.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import { formatPercent, formatSpan, prettyJsonText } from './shops.ts'
import { ActionError, Ago, HEALTH_REFRESH_MS, HealthBadge, OrderLinks, PullOutcome, setEnabled, ShopEditPanel, useEvery, usePull, type EditMode } from './ShopParts.tsx'
import { DetailFallback, Field, LoadMore, Loading, Time, useLoad, usePaged, Notice } from './shared.tsx'
import { platformLabel } from './names.ts'
import { describeReason } from '../editor/describe-problem.ts'

const PAGE_SIZE = 20

export function ShopDetailPage({ shopId }: { shopId: string }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const [, navigate] = useLocation()
  const canManage = useCan('manageShops')
  const canWork = useCan('workShops')
  const shop = useLoad(() => api<ShopView>('GET', `/api/shops/${encodeURIComponent(shopId)}`), [shopId])
  const pushes = usePaged<ShopPush>((limit, cursor) => api<ShopPushPage>('GET', `/api/shops/${encodeURIComponent(shopId)}/pushes?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), shopId, PAGE_SIZE)
  const [mode, setMode] = useState<EditMode | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [toggleError, setToggleError] = useState<unknown>(null)
  const pull = usePull(shopId, () => { shop.reload(); pushes.refresh() })
  useEvery(HEALTH_REFRESH_MS, () => { shop.reload(); pushes.refresh() })

  const s = shop.data
  // A role that may not see shops is told so, not shown the API's words.
  if (!s && shop.error instanceof ApiError && shop.error.status === 403) return <div className="page-body pages"><p><Link href="/shops">← {t('shops.title')}</Link></p><ActionError error={shop.error} /></div>
  if (!s) return <DetailFallback backHref="/shops" backLabel={t('shops.title')} error={shop.error} notFound={t('shops.notFound')} />
  const h = s.health

  async function toggle(view: ShopView) {
    setToggleError(null)
    try {
      const next = await setEnabled(view, !view.enabled)
      shop.setData(() => next)
      setNotice(t(next.enabled ? 'shops.enabledNotice' : 'shops.disabledNotice', { name: next.name }))
    } catch (e) {
      setToggleError(e)
    }
  }

  return (
    <div className="page-body pages shop-detail" data-testid="shop-detail">
      <p><Link href="/shops">← {t('shops.title')}</Link></p>
      <div className="page-head">
        <h1>{platformLabel(t, s.platform)} · {s.name}</h1>
        <HealthBadge shop={s} />
        {!s.enabled && <span className="badge">{t('shops.disabled')}</span>}
        <span className="spacer" />
        {shop.loading && <span className="hint">{t('common.loading')}</span>}
        <button onClick={() => { shop.reload(); pushes.refresh() }} data-testid="refresh">{t('common.refresh')}</button>
      </div>

      <div className="row shop-actions">
        {canWork && <button disabled={pull.busy || !s.enabled} title={s.enabled ? undefined : t('shops.pull.disabledHint')} onClick={() => void pull.pull()} data-testid="shop-pull">{pull.busy ? t('shops.pull.busy') : t('shops.pull.now')}</button>}
        {canManage && (
          <>
            <button onClick={() => setMode('rename')} data-testid="shop-rename">{t('shops.rename')}</button>
            <button onClick={() => void toggle(s)} data-testid="shop-toggle">{s.enabled ? t('shops.disable') : t('shops.enable')}</button>
            <button onClick={() => setMode('credentials')} data-testid="shop-credentials">{t('shops.replaceCredentials')}</button>
            <button className="danger" onClick={() => setMode('delete')} data-testid="shop-delete">{t('shops.delete')}</button>
          </>
        )}
      </div>
      {notice && (
        <Notice testid="shop-notice" onClose={() => setNotice(null)}><span>{notice}</span></Notice>
      )}
      <PullOutcome state={pull} onClose={pull.clear} />
      {toggleError != null && <ActionError error={toggleError} />}
      {mode && (
        <ShopEditPanel shop={s} mode={mode} onCancel={() => setMode(null)} onDone={(view, text) => {
          setMode(null)
          if (!view) { navigate('/shops'); return }
          shop.setData(() => view)
          setNotice(text)
        }} />
      )}

      <section className="card grid-fields" data-testid="shop-health-fields">
        <Field label={t('shops.col.lastPush')}><Ago iso={h.lastPushAt} /></Field>
        <Field label={t('shops.health.lastMessage')}><Ago iso={h.lastMessageAt} /></Field>
        <Field label={t('shops.col.lastPull')}><Ago iso={h.lastPullAt} /></Field>
        <Field label={t('shops.col.lag')} testid="shop-lag">{h.lagMs === null ? '—' : formatSpan(h.lagMs, locale)}</Field>
        <Field label={t('shops.col.errorRate')} testid="shop-error-rate">
          {formatPercent(h.errorRate, locale)}
          <div className="hint">{t('shops.errorRateHint', { errors: h.errors, events: h.events, window: formatSpan(h.windowMs, locale) })}</div>
        </Field>
        <Field label={t('shops.health.rejected')}>{h.rejectedPushes}</Field>
        <Field label={t('shops.health.pending')}>{h.pendingPushes}</Field>
        <Field label={t('shops.col.lastError')} testid="shop-last-error">
          {h.lastError ? <><div>{describeReason(h.lastError.message, locale)}{h.lastError.code && <code className="hint"> {h.lastError.code}</code>}</div><Ago iso={h.lastError.at} inline /></> : '—'}
        </Field>
        <Field label={t('pages.order.created')}><Time iso={s.createdAt} /></Field>
        <Field label={t('pages.col.updated')}><Time iso={s.updatedAt} /></Field>
      </section>

      <h2 className="section-title">{t('shops.pushes')}</h2>
      <p className="hint">{t('shops.pushesHint')}</p>
      {pushes.error != null && <ActionError error={pushes.error} />}
      {pushes.loading && <Loading />}
      {!pushes.loading && pushes.items.length === 0 && <p className="empty">{t('shops.noPushes')}</p>}
      {pushes.items.length > 0 && (
        <table className="list pushes-list" data-testid="pushes-list">
          <thead>
            <tr>
              <th>{t('shops.push.received')}</th>
              <th>{t('shops.push.kind')}</th>
              <th>{t('pages.col.status')}</th>
              <th className="num">{t('shops.push.attempts')}</th>
              <th>{t('shops.push.error')}</th>
              <th>{t('shops.push.processed')}</th>
              <th><span className="sr-only">{t('pages.col.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {pushes.items.map((p) => <PushRow key={p.id} shopId={shopId} push={p} canReplay={canWork} onReplayed={(next) => pushes.replace(p.id, () => next)} />)}
          </tbody>
        </table>
      )}
      <LoadMore paged={{ nextCursor: pushes.nextCursor, loadMore: pushes.loadMore, loadingMore: pushes.loadingMore }} />
    </div>
  )
}

function PushRow({ shopId, push, canReplay, onReplayed }: { shopId: string; push: ShopPush; canReplay: boolean; onReplayed(push: ShopPush): void }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const [replay, setReplay] = useState<ShopPushReplay | null>(null)
  const [error, setError] = useState<unknown>(null)

  async function doReplay() {
    setBusy(true)
    setError(null)
    setReplay(null)
    try {
      const answer = await api<ShopPushReplay>('POST', `/api/shops/${encodeURIComponent(shopId)}/pushes/${push.id}/replay`)
      setReplay(answer)
      onReplayed(answer.push)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Fragment>
      <tr data-testid={`push-${push.id}`}>
        <td className="nowrap"><Ago iso={push.receivedAt} /></td>
        <td>{t(`shops.pushKind.${push.kind}`)}</td>
        <td><span className={`badge push-${push.status}`}>{t(`shops.pushStatus.${push.status}`)}</span>
          {push.nextTryAt && <div className="hint">{t('shops.push.nextTry')} <Time iso={push.nextTryAt} short /></div>}</td>
        <td className="num">{push.attempts}</td>
        <td className="push-error">{push.error ? <span title={push.error}>{describeReason(push.error, locale)}</span> : <span className="muted">—</span>}</td>
        <td className="nowrap">{push.processedAt ? <Time iso={push.processedAt} short /> : <span className="muted">—</span>}</td>
        <td className="actions">
          <button className="link" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid={`push-body-${push.id}`}>{open ? t('shops.push.hideBody') : t('shops.push.showBody')}</button>
          {canReplay && <button className="link" disabled={busy} onClick={() => void doReplay()} data-testid={`push-replay-${push.id}`}>{busy ? t('shops.push.replaying') : t('shops.push.replay')}</button>}
        </td>
      </tr>
      {(open || replay || error != null) && (
        <tr className="confirm-row">
          <td colSpan={7}>
            {replay && <ReplayOutcome replay={replay} onClose={() => setReplay(null)} />}
            {error != null && <ActionError error={error} />}
            {open && <PushBody shopId={shopId} push={push} />}
          </td>
        </tr>
      )}
    </Fragment>
  )
}

function ReplayOutcome({ replay, onClose }: { replay: ShopPushReplay; onClose(): void }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const good = replay.outcome === 'processed' || replay.outcome === 'ignored'
  return (
    <div className={`card replay-outcome ${good ? '' : 'bad'}`} role="status" data-testid="replay-outcome">
      <div className="row">
        <strong>{t('shops.replay.outcome', { outcome: t(`shops.pushStatus.${replay.outcome}`) })}</strong>
        <span className="spacer" />
        <button className="link" onClick={onClose} aria-label={t('common.close')}>×</button>
      </div>
      {replay.results.length > 0 ? <OrderLinks results={replay.results} /> : <p className="hint">{t('shops.replay.noOrders')}</p>}
      {/* The details name each problem; the push's error is their summary, shown only without them. */}
      {replay.push.error && replay.details.length === 0 && <p className="field-error">{describeReason(replay.push.error, locale)}</p>}
      {replay.details.length > 0 && (
        <ul className="plain problems">
          {replay.details.map((d, i) => <li key={`${d.pointer}-${i}`}><code>{d.pointer || '/'}</code> {describeReason(d.reason, locale)}</li>)}
        </ul>
      )}
    </div>
  )
}

/** A push's headers and raw body; JSON in a read-only editor, re-indented without reparsing its numbers. */
function PushBody({ shopId, push }: { shopId: string; push: ShopPush }) {
  const t = useT()
  let parsed: unknown
  let isJson = true
  try { parsed = JSON.parse(push.body) } catch { isJson = false }
  const headers = Object.entries(push.headers)
  return (
    <div className="push-body" data-testid={`push-raw-${push.id}`}>
      {headers.length > 0 && (
        <dl className="push-headers">
          {headers.map(([k, v]) => <Fragment key={k}><dt><code>{k}</code></dt><dd><code>{v}</code></dd></Fragment>)}
        </dl>
      )}
      <div className="hint">{t('shops.push.dedupe')} <code>{push.dedupeKey}</code></div>
      {isJson
        ? <JsonEditor path={`ordo://shops/${encodeURIComponent(shopId)}/push-${push.id}.json`} value={parsed} initialText={prettyJsonText(push.body)} readOnly height={280} testId="push-body-editor" />
        : <pre className="json">{push.body || '—'}</pre>}
    </div>
  )
}

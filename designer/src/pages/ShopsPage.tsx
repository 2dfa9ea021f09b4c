/**
 * /shops: the shops Ordo takes orders from (Taobao/Tmall, JD, Pinduoduo, Douyin, Shopify,
 * WooCommerce), each with its health as people read it; admins add, rename, enable or disable,
 * re-key and delete them; admins and operators pull one now. A second tab tries the normalizer on
 * a pasted platform payload.
 */
import { Fragment, useState } from 'react'
import { Link, useSearchParams } from 'wouter'
import { api } from '../api/client.ts'
import type { ShopCreated, ShopList, ShopPlatform, ShopView } from '../../../schemas/generated/shop.ts'
import { useCan } from '../app/session.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { formatPercent, formatSpan, lastHeard, SHOP_PLATFORMS } from './shops.ts'
import { ActionError, Ago, CredentialsForm, HEALTH_REFRESH_MS, HealthBadge, PullOutcome, setEnabled, ShopEditPanel, useEvery, usePull, type EditMode } from './ShopParts.tsx'
import { NormalizeBox } from './NormalizeBox.tsx'
import { Loading, useLoad, Notice } from './shared.tsx'
import { platformLabel } from './names.ts'

type Tab = 'shops' | 'normalize'

export function ShopsPage() {
  const t = useT()
  const [params, setParams] = useSearchParams()
  const tab: Tab = params.get('tab') === 'normalize' ? 'normalize' : 'shops'
  const setTab = (next: Tab) => setParams(() => new URLSearchParams(next === 'shops' ? {} : { tab: next }), { replace: true })
  return (
    <div className="page-body pages shops" data-testid="shops-page">
      <div className="page-head">
        <h1>{t('shops.title')}</h1>
        <div className="shop-tabs" role="tablist">
          <button role="tab" aria-selected={tab === 'shops'} className={tab === 'shops' ? 'active' : ''} onClick={() => setTab('shops')} data-testid="tab-shops">{t('shops.tab.list')}</button>
          <button role="tab" aria-selected={tab === 'normalize'} className={tab === 'normalize' ? 'active' : ''} onClick={() => setTab('normalize')} data-testid="tab-normalize">{t('shops.tab.normalize')}</button>
        </div>
      </div>
      {tab === 'shops' ? <ShopsList /> : <NormalizeBox />}
    </div>
  )
}

function ShopsList() {
  const t = useT()
  const canManage = useCan('manageShops')
  const list = useLoad(() => api<ShopList>('GET', '/api/shops'), [])
  const [notice, setNotice] = useState<string | null>(null)
  const [adding, setAdding] = useState(false)
  const shops = list.data?.items ?? []
  useEvery(HEALTH_REFRESH_MS, list.reload)

  function changed(text: string) {
    setNotice(text)
    list.reload()
  }

  return (
    <>
      <div className="filters">
        <p className="hint intro">{t('shops.intro')}</p>
        <span className="spacer" />
        {canManage && !adding && <button className="primary" onClick={() => { setAdding(true); setNotice(null) }} data-testid="shop-add">{t('shops.add')}</button>}
        <button onClick={list.reload} data-testid="refresh">{t('common.refresh')}</button>
      </div>
      {!canManage && <p className="notice" role="note" data-testid="shops-read-only">{t('shops.readOnly')}</p>}
      {notice && (
        <Notice testid="shop-notice" onClose={() => setNotice(null)}><span>{notice}</span></Notice>
      )}
      {adding && <AddShop onCancel={() => setAdding(false)} onAdded={(shop) => { setAdding(false); changed(t('shops.added', { name: shop.name, platform: platformLabel(t, shop.platform) })) }} />}

      {list.error != null && <ActionError error={list.error} />}
      {!list.data && list.loading && <Loading />}
      {list.data && shops.length === 0 && <p className="empty">{canManage ? t('shops.emptyAdmin') : t('shops.empty')}</p>}
      {shops.length > 0 && (
        <table className="list shops-list" data-testid="shops-list">
          <thead>
            <tr>
              <th>{t('pages.col.platform')}</th>
              <th>{t('shops.col.name')}</th>
              <th>{t('shops.col.health')}</th>
              <th>{t('shops.col.lastPush')}</th>
              <th>{t('shops.col.lastPull')}</th>
              <th>{t('shops.col.lastError')}</th>
              <th className="num">{t('shops.col.errorRate')}</th>
              <th>{t('shops.col.lag')}</th>
              <th><span className="sr-only">{t('pages.col.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {shops.map((shop) => <ShopRow key={shop.id} shop={shop} onChanged={changed} onPulled={list.reload} />)}
          </tbody>
        </table>
      )}
    </>
  )
}

function ShopRow({ shop, onChanged, onPulled }: { shop: ShopView; onChanged(notice: string): void; onPulled(): void }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const canManage = useCan('manageShops')
  const canWork = useCan('workShops')
  const [mode, setMode] = useState<EditMode | null>(null)
  const [toggleError, setToggleError] = useState<unknown>(null)
  const [toggling, setToggling] = useState(false)
  // The outcome shows under the row; the list is fetched again for the new health.
  const pull = usePull(shop.id, onPulled)
  const h = shop.health
  const href = `/shops/${encodeURIComponent(shop.id)}`

  async function toggle() {
    setToggling(true)
    setToggleError(null)
    try {
      const next = await setEnabled(shop, !shop.enabled)
      onChanged(t(next.enabled ? 'shops.enabledNotice' : 'shops.disabledNotice', { name: shop.name }))
    } catch (e) {
      setToggleError(e)
    } finally {
      setToggling(false)
    }
  }

  const open = mode !== null || pull.result !== null || pull.error != null || toggleError != null
  return (
    <Fragment>
      <tr data-testid={`shop-${shop.id}`} className={shop.enabled ? '' : 'disabled-row'}>
        <td className="nowrap">{platformLabel(t, shop.platform)}</td>
        <td>
          <Link href={href} data-testid={`shop-open-${shop.id}`}>{shop.name}</Link>
          {!shop.enabled && <span className="badge">{t('shops.disabled')}</span>}
        </td>
        <td><HealthBadge shop={shop} /></td>
        <td className="nowrap"><Ago iso={lastHeard(h)} /></td>
        <td className="nowrap"><Ago iso={h.lastPullAt} /></td>
        <td className="last-error">
          {h.lastError ? <><span className="ellipsis" title={h.lastError.message}>{h.lastError.message}</span><Ago iso={h.lastError.at} inline /></> : <span className="muted">—</span>}
        </td>
        <td className="num nowrap" title={t('shops.errorRateHint', { errors: h.errors, events: h.events, window: formatSpan(h.windowMs, locale) })}>
          {formatPercent(h.errorRate, locale)}
          <div className="hint">{t('shops.errorsOf', { errors: h.errors, events: h.events })}</div>
        </td>
        <td className="nowrap">{h.lagMs === null ? <span className="muted">—</span> : formatSpan(h.lagMs, locale)}</td>
        <td className="actions">
          {canWork && <button className="link" disabled={pull.busy || !shop.enabled} title={shop.enabled ? undefined : t('shops.pull.disabledHint')}
            onClick={() => void pull.pull()} data-testid={`shop-pull-${shop.id}`}>{pull.busy ? t('shops.pull.busy') : t('shops.pull.now')}</button>}
          {canManage && (
            <>
              <button className="link" onClick={() => setMode('rename')} data-testid={`shop-rename-${shop.id}`}>{t('shops.rename')}</button>
              <button className="link" disabled={toggling} onClick={() => void toggle()} data-testid={`shop-toggle-${shop.id}`}>{shop.enabled ? t('shops.disable') : t('shops.enable')}</button>
              <button className="link" onClick={() => setMode('credentials')} data-testid={`shop-credentials-${shop.id}`}>{t('shops.replaceCredentials')}</button>
              <button className="link danger" onClick={() => setMode('delete')} data-testid={`shop-delete-${shop.id}`}>{t('shops.delete')}</button>
            </>
          )}
        </td>
      </tr>
      {open && (
        <tr className="confirm-row">
          <td colSpan={9}>
            <PullOutcome state={pull} onClose={pull.clear} />
            {toggleError != null && <ActionError error={toggleError} />}
            {mode && <ShopEditPanel shop={shop} mode={mode} onCancel={() => setMode(null)} onDone={(_view, notice) => { setMode(null); onChanged(notice) }} />}
          </td>
        </tr>
      )}
    </Fragment>
  )
}

/** Add a shop: its platform, a name, and the credential fields that platform's schema asks for. */
function AddShop({ onAdded, onCancel }: { onAdded(shop: ShopCreated): void; onCancel(): void }) {
  const t = useT()
  const [platform, setPlatform] = useState<ShopPlatform>('taobao')
  const [name, setName] = useState('')
  const [touched, setTouched] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  async function save(credentials: Record<string, string>) {
    setTouched(true)
    if (!name.trim()) return
    setBusy(true)
    setError(null)
    try {
      onAdded(await api<ShopCreated>('POST', '/api/shops', { platform, name: name.trim(), credentials }))
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card shop-add" data-testid="shop-add-form">
      <div className="row">
        <h2>{t('shops.addTitle')}</h2>
        <span className="spacer" />
        <button className="link" onClick={onCancel} data-testid="shop-add-cancel">{t('common.cancel')}</button>
      </div>
      <CredentialsForm key={platform} platform={platform} busy={busy} error={error} submitLabel={t('shops.addSave')} onSubmit={(c) => void save(c)} onInvalid={() => setTouched(true)}>
        <div className="form-row">
          <label className="form-field">
            <span>{t('pages.col.platform')}</span>
            <select value={platform} onChange={(e) => { setPlatform(e.target.value as ShopPlatform); setError(null) }} data-testid="shop-platform">
              {SHOP_PLATFORMS.map((p) => <option key={p} value={p}>{t(`shops.platformFull.${p}`)}</option>)}
            </select>
          </label>
          <label className="form-field">
            <span>{t('shops.form.name')}</span>
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder={t('shops.form.namePlaceholder')}
              data-testid="shop-name" aria-invalid={touched && !name.trim()} />
            {touched && !name.trim() ? <span className="field-error">{t('shops.form.nameRequired')}</span> : <span className="hint">{t('shops.form.nameHint')}</span>}
          </label>
        </div>
      </CredentialsForm>
    </section>
  )
}

/**
 * Try the normalizer: a platform, a raw payload pasted into a JSON editor (sent as typed, so a
 * 19-digit id is not rounded by the browser), and what Ordo reads from it — each order by its
 * platform and number, status, customer, amounts in currency units, items — or each refusal by its
 * JSON pointer. Nothing is stored.
 */
import { useState } from 'react'
import { apiText, ApiError } from '../api/client.ts'
import type { OrderInput } from '../../../schemas/generated/order-input.ts'
import type { ShopPlatform } from '../../../schemas/generated/shop.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { JsonEditor } from '../monaco/JsonEditor.tsx'
import { describeReason } from '../editor/describe-problem.ts'
import { formatMoney } from './money.ts'
import { OrderItems } from './OrderItems.tsx'
import { SHOP_PLATFORMS } from './shops.ts'
import { ActionError } from './ShopParts.tsx'
import { JsonFold, Time } from './shared.tsx'
import { platformLabel } from './names.ts'

/** Each platform's documented sample payload (the adapters' fixtures), as text: loaded when asked for. */
const EXAMPLES: Record<ShopPlatform, () => Promise<{ default: string }>> = {
  taobao: () => import('../../../connectors/platforms/fixtures/taobao-order.json?raw'),
  jd: () => import('../../../connectors/platforms/fixtures/jd-order.json?raw'),
  pinduoduo: () => import('../../../connectors/platforms/fixtures/pinduoduo-order.json?raw'),
  douyin: () => import('../../../connectors/platforms/fixtures/douyin-order.json?raw'),
  shopify: () => import('../../../connectors/platforms/fixtures/shopify-order.json?raw'),
  woocommerce: () => import('../../../connectors/platforms/fixtures/woocommerce-order.json?raw'),
}

type Outcome = { orders: OrderInput[] } | { error: unknown }

export function NormalizeBox() {
  const t = useT()
  const [platform, setPlatform] = useState<ShopPlatform>('taobao')
  const [value, setValue] = useState<unknown>({})
  const [text, setText] = useState('{}')
  const [invalid, setInvalid] = useState(false)
  // A new editor (and its text) when an example is loaded: the editor takes its text once, on creation.
  const [generation, setGeneration] = useState(0)
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome | null>(null)

  async function loadExample() {
    const example = (await EXAMPLES[platform]()).default
    setText(example)
    setValue(JSON.parse(example))
    setInvalid(false)
    setOutcome(null)
    setGeneration((g) => g + 1)
  }

  async function normalize() {
    setBusy(true)
    setOutcome(null)
    try {
      const answer = await apiText<{ orders: OrderInput[] }>('POST', `/api/platforms/${platform}/normalize`, text)
      setOutcome({ orders: answer.value.orders })
    } catch (error) {
      setOutcome({ error })
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="normalize" data-testid="normalize">
      <p className="hint intro">{t('shops.normalize.intro')}</p>
      <div className="filters">
        <label>
          <span>{t('pages.col.platform')}</span>
          <select value={platform} onChange={(e) => { setPlatform(e.target.value as ShopPlatform); setOutcome(null) }} data-testid="normalize-platform">
            {SHOP_PLATFORMS.map((p) => <option key={p} value={p}>{t(`shops.platformFull.${p}`)}</option>)}
          </select>
        </label>
        <button onClick={() => void loadExample()} data-testid="normalize-example">{t('shops.normalize.example')}</button>
        <span className="spacer" />
        <button className="primary" disabled={busy || invalid} onClick={() => void normalize()} data-testid="normalize-run">
          {busy ? t('shops.normalize.running') : t('shops.normalize.run')}
        </button>
      </div>
      <div className="normalize-panes">
        <div className="pane">
          <h3>{t('shops.normalize.payload')}</h3>
          <JsonEditor key={generation} path={`ordo://normalize/payload-${generation}.json`} value={value} initialText={text} height={420} testId="normalize-editor"
            onChange={(v, typed) => { setValue(v); setText(typed) }} onInvalid={(bad) => setInvalid(bad !== null)} />
        </div>
        <div className="pane" data-testid="normalize-result">
          <h3>{t('shops.normalize.result')}</h3>
          {!outcome && <p className="hint">{t('shops.normalize.nothingYet')}</p>}
          {outcome && 'orders' in outcome && (outcome.orders.length === 0
            ? <p className="empty">{t('shops.normalize.noOrders')}</p>
            : outcome.orders.map((o, i) => <NormalizedOrder key={`${o.platformOrderId}-${i}`} order={o} />))}
          {outcome && 'error' in outcome && <NormalizeErrors error={outcome.error} />}
        </div>
      </div>
    </section>
  )
}

function NormalizeErrors({ error }: { error: unknown }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  if (!(error instanceof ApiError) || error.status !== 400 || error.details.length === 0) return <ActionError error={error} />
  return (
    <div className="error-box" role="alert" data-testid="normalize-errors">
      <div>{t('shops.normalize.refused', { count: error.details.length })}</div>
      <ul>
        {error.details.map((d, i) => <li key={`${d.pointer}-${i}`}><code>{d.pointer || '/'}</code> {describeReason(d.reason, locale)}</li>)}
      </ul>
    </div>
  )
}

function NormalizedOrder({ order }: { order: OrderInput }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const { raw: _raw, ...shown } = order
  const customer = [order.customer?.name, order.customer?.phone, order.customer?.email].filter(Boolean).join(' · ')
  const address = order.shippingAddress ? [order.shippingAddress.province, order.shippingAddress.city, order.shippingAddress.district, order.shippingAddress.detail].filter(Boolean).join(' ') : ''
  return (
    <article className="card normalized-order" data-testid={`normalized-${order.platformOrderId}`}>
      <div className="row">
        <strong>{platformLabel(t, order.platform)} · {order.platformOrderId}</strong>
        <span className={`badge order-${order.status}`}>{t(`pages.orderStatus.${order.status}`)}</span>
        {order.presale && <span className="badge waiting">{t('pages.order.presale')}</span>}
        <span className="spacer" />
        <strong data-testid="normalized-amount">{formatMoney(order.totalAmount, order.currency, locale)}</strong>
      </div>
      <dl className="normalized-fields">
        <dt>{t('pages.order.customer')}</dt><dd>{customer || '—'}</dd>
        <dt>{t('pages.order.address')}</dt><dd>{address || '—'}</dd>
        <dt>{t('pages.order.payment')}</dt>
        <dd>{order.payment?.status ? t(`pages.payment.${order.payment.status}`) : '—'}{order.payment?.paidAt && <> · <Time iso={order.payment.paidAt} /></>}</dd>
        <dt>{t('pages.order.created')}</dt><dd><Time iso={order.createdAt} /></dd>
        {order.tags && order.tags.length > 0 && <><dt>{t('pages.col.tags')}</dt><dd>{order.tags.map((tag) => <span className="badge tag" key={tag}>{tag}</span>)}</dd></>}
      </dl>
      <OrderItems order={order} compact />
      <JsonFold label={t('shops.normalize.asJson')} value={shown} />
    </article>
  )
}

/**
 * Picks the dry run's sample order from the 20 most recently updated real orders, each shown by
 * platform, order number and amount in yuan; or goes back to the built-in example order.
 */
import { useEffect, useState } from 'react'
import { api, query } from '../api/client.ts'
import type { Order, OrderInput, Page } from '../api/types.ts'
import { translateIfKnown, useLocale, useT } from '../i18n/index.ts'
import { formatMoney } from '../pages/money.ts'
import { sampleOrderInput } from '../rules/sample-order.ts'

/** The order as a platform would send it (what a dry run takes), from the order as Ordo stores it. */
export function orderAsInput(order: Order): OrderInput {
  return sampleOrderInput(order)
}

/** A select of recent orders; `onPick` gets the order as a dry run takes it. */
export function RecentOrderPicker({ onPick }: { onPick(order: OrderInput): void }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  const [orders, setOrders] = useState<Order[] | null>(null)
  const [picked, setPicked] = useState('')
  useEffect(() => {
    let live = true
    api<Page<Order>>('GET', `/api/orders${query({ limit: 20 })}`).then((p) => { if (live) setOrders(p.items) }, () => { if (live) setOrders([]) })
    return () => { live = false }
  }, [])
  const label = (o: Order) => [translateIfKnown(t, `pages.platform.${o.platform}`) ?? o.platform, o.platformOrderId, formatMoney(o.totalAmount, o.currency, locale)].join(' · ')

  return (
    <div className="row recent-orders">
      <select
        value={picked}
        aria-label={t('editor.dry.recent')}
        data-testid="dry-run-recent"
        disabled={!orders || orders.length === 0}
        onChange={(e) => {
          setPicked(e.target.value)
          const order = orders?.find((o) => o.id === e.target.value)
          if (order) onPick(orderAsInput(order))
        }}
      >
        <option value="" disabled>{orders === null ? t('common.loading') : orders.length ? t('editor.dry.recent') : t('editor.dry.noRecent')}</option>
        {orders?.map((o) => <option key={o.id} value={o.id}>{label(o)}</option>)}
      </select>
      <button type="button" className="link" onClick={() => { setPicked(''); onPick(sampleOrderInput()) }} data-testid="dry-run-example">{t('editor.dry.example')}</button>
    </div>
  )
}

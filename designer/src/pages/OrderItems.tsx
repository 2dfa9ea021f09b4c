/** An order's line items: title, SKU (the platform's SKU id under it), quantity, unit price and line total in the order's currency. */
import type { Order } from '../api/types.ts'
import { useLocale, useT } from '../i18n/index.ts'
import { formatMoney } from './money.ts'

export function OrderItems({ order, compact = false, testId }: { order: Pick<Order, 'items' | 'currency'>; compact?: boolean; testId?: string }) {
  const t = useT()
  const locale = useLocale((s) => s.locale)
  return (
    <table className={compact ? 'list compact' : 'list'} data-testid={testId}>
      <thead>
        <tr>
          <th>{t('pages.order.itemTitle')}</th>
          <th>{t('pages.order.sku')}</th>
          <th className="num">{t('pages.order.quantity')}</th>
          <th className="num">{t('pages.order.unitPrice')}</th>
          <th className="num">{t('pages.order.lineTotal')}</th>
        </tr>
      </thead>
      <tbody>
        {order.items.map((item, i) => (
          <tr key={`${item.sku}-${i}`}>
            <td>{item.title ?? '—'}</td>
            <td><code>{item.sku}</code>{item.platformSkuId && <div className="hint">{item.platformSkuId}</div>}</td>
            <td className="num">{item.quantity}</td>
            <td className="num">{formatMoney(item.unitPrice, order.currency, locale)}</td>
            <td className="num">{formatMoney(item.unitPrice * item.quantity, order.currency, locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

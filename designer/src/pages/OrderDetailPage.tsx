export function OrderDetailPage(_: { orderId: string }) {
  return null
}

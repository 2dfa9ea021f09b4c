/**
 * The built-in connector nodes: every node type that touches the outside world. They register
 * through the same path as custom nodes from ORDO_NODES_DIR (engine/runtime/node-catalog.ts).
 */
import type { AnyNodeModule } from '../engine/core/registry.ts'
import httpRequest from './http/http.request.node.ts'
import inventoryRelease from './inventory/inventory.release.node.ts'
import inventoryReserve from './inventory/inventory.reserve.node.ts'
import inventorySync from './inventory/inventory.sync.node.ts'
import notifyEmail from './notify/notify.email.node.ts'
import notifyIm from './notify/notify.im.node.ts'
import notifySms from './notify/notify.sms.node.ts'
import platformPullOrders from './platforms/platform.pull-orders.node.ts'
import platformShipNotice from './platforms/nodes/platform.ship-notice.node.ts'
import platformUpdateStock from './platforms/nodes/platform.update-stock.node.ts'
import publishRabbitmq from './publish/publish.rabbitmq.node.ts'
import publishWebhook from './publish/publish.webhook.node.ts'

export const builtinConnectors: readonly AnyNodeModule[] = [
  httpRequest, inventoryRelease, inventoryReserve, inventorySync, notifyEmail, notifyIm, notifySms, platformPullOrders, platformShipNotice, platformUpdateStock,
  publishRabbitmq, publishWebhook,
]

/**
 * Runs the platform simulator on its own:
 *
 *   npx tsx connectors/simulator/cli.ts --port 4100 --push-target http://127.0.0.1:3000 \
 *     --shop-id shopify=shp_… --shops-file ./data/sim-shops.json --orders-per-hour 60
 *
 * The shops' credentials (apiBaseUrl pointing at the simulator) go to --shops-file (mode 600), never
 * to the terminal: POST each to Ordo's /api/shops. Orders move on every second of the wall clock.
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { PlatformName } from '../platforms/adapter.ts'
import { PLATFORMS, startSimulator } from './simulator.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4100' },
    host: { type: 'string', default: '127.0.0.1' },
    'push-target': { type: 'string' },
    'shop-id': { type: 'string', multiple: true, default: [] },
    'shops-file': { type: 'string' },
    seed: { type: 'string' },
    'initial-orders': { type: 'string', default: '20' },
    'orders-per-hour': { type: 'string', default: '30' },
    'latency-ms': { type: 'string', default: '0' },
    'error-rate': { type: 'string', default: '0' },
    'timeout-rate': { type: 'string', default: '0' },
    'throttle-rate': { type: 'string', default: '0' },
    'duplicate-rate': { type: 'string', default: '0' },
    'out-of-order-rate': { type: 'string', default: '0' },
  },
})

function number(name: string, text: string | undefined, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0 || value > max) {
    process.stderr.write(`--${name} must be a number from 0 to ${max} (got ${text})\n`)
    process.exit(2)
  }
  return value
}

const shopIds: Partial<Record<PlatformName, string>> = {}
for (const pair of values['shop-id'] ?? []) {
  const [platform, id] = pair.split('=')
  if (!PLATFORMS.includes(platform as PlatformName) || !id) {
    process.stderr.write(`--shop-id takes <platform>=<Ordo shop id>, the platform one of ${PLATFORMS.join(', ')} (got ${pair})\n`)
    process.exit(2)
  }
  shopIds[platform as PlatformName] = id
}

const sim = await startSimulator({
  port: number('port', values.port, 65535), host: values.host,
  ...(values.seed ? { seed: number('seed', values.seed) } : {}),
  initialOrders: number('initial-orders', values['initial-orders'], 10_000),
  ...(values['push-target'] ? { pushTarget: values['push-target'] } : {}),
  shopIds,
  lifecycle: { ordersPerHour: number('orders-per-hour', values['orders-per-hour'], 100_000) },
  settings: {
    latencyMs: number('latency-ms', values['latency-ms'], 600_000),
    errorRate: number('error-rate', values['error-rate'], 1), timeoutRate: number('timeout-rate', values['timeout-rate'], 1),
    throttleRate: number('throttle-rate', values['throttle-rate'], 1), duplicateRate: number('duplicate-rate', values['duplicate-rate'], 1),
    outOfOrderRate: number('out-of-order-rate', values['out-of-order-rate'], 1),
  },
})

if (values['shops-file']) writeFileSync(values['shops-file'], `${JSON.stringify(sim.shops(), null, 2)}\n`, { mode: 0o600 })
process.stdout.write(`Platform simulator on ${sim.url}${values['push-target'] ? `, pushing to ${values['push-target']}` : ''}\n`)
process.stdout.write(values['shops-file'] ? `Shop credentials written to ${values['shops-file']}\n` : 'No --shops-file given: the shops\' credentials are not written anywhere\n')

const ticking = setInterval(() => sim.tick(), 1000)
const stop = () => {
  clearInterval(ticking)
  void sim.stop().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

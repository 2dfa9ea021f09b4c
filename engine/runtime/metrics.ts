/** Prometheus metrics (prom-client), one registry per engine so tests and instances stay apart. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** The engine's metrics, exposed at GET /metrics. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry()
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry })
  return {
    registry,
    ordersIngested: new Counter({ name: 'ordo_orders_ingested_total', help: 'Orders ingested, by outcome', labelNames: ['outcome'] as const, registers: [registry] }),
    stepsExecuted: new Counter({ name: 'ordo_steps_total', help: 'Node executions committed, by status', labelNames: ['status'] as const, registers: [registry] }),
    runsFinished: new Counter({ name: 'ordo_runs_finished_total', help: 'Runs that reached an end state, by status', labelNames: ['status'] as const, registers: [registry] }),
    runDuration: new Histogram({ name: 'ordo_run_duration_seconds', help: 'Run start to finish', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 60, 3600], registers: [registry] }),
    runQueue: new Gauge({ name: 'ordo_run_queue_length', help: 'Runs with work waiting in this process', registers: [registry] }),
    outsideCalls: new Counter({ name: 'ordo_outside_calls_total', help: 'Calls to other systems (activities and deliveries), by connector and error class (ok for a success)', labelNames: ['connector', 'outcome'] as const, registers: [registry] }),
    outsideCallSeconds: new Histogram({ name: 'ordo_outside_call_duration_seconds', help: 'Latency of calls to other systems, by connector', labelNames: ['connector'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] }),
    activitiesInFlight: new Gauge({ name: 'ordo_activities_in_flight', help: 'Activities being performed in this process', registers: [registry] }),
    outboxPending: new Gauge({ name: 'ordo_outbox_pending', help: 'Order events waiting for delivery to subscriptions', registers: [registry] }),
    shopPushes: new Counter({ name: 'ordo_shop_pushes_total', help: 'Platform pushes and long-connection messages, by platform and outcome (taken, duplicate, ping, unreadable, refused: a missing or wrong signature)', labelNames: ['platform', 'outcome'] as const, registers: [registry] }),
    clockSkew: new Gauge({ name: 'ordo_clock_skew_max_seconds', help: 'Largest lead of an order timestamp over Ordo\'s clock', registers: [registry] }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>

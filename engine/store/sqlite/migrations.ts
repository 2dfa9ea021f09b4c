/**
 * The SQLite schema as numbered migrations. A migration, once released, is never edited: a change
 * is a new entry at the end. Times are INTEGER epoch ms; JSON columns hold TEXT.
 */
import type Database from 'better-sqlite3'

/** One schema step; `version` numbers are 1, 2, 3... in order. */
export interface Migration { version: number; name: string; sql: string }

/** Every migration, oldest first. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'orders',
    sql: `
      CREATE TABLE orders (
        id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        platform_order_id TEXT NOT NULL,
        status TEXT NOT NULL,
        total_amount INTEGER NOT NULL,
        currency TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        tags TEXT NOT NULL,
        exception_type TEXT,
        assigned_team TEXT,
        -- the Order without its raw payload, which is stored once, in raw
        doc TEXT NOT NULL,
        -- the order's own raw payload when it has one (order_has_raw = 1), else the payload given to ingest, kept for replay
        raw TEXT,
        order_has_raw INTEGER NOT NULL,
        UNIQUE (platform, platform_order_id)
      );
      -- id closes each index so the (updated_at DESC, id DESC) keyset order needs no sort step.
      CREATE INDEX orders_status_updated ON orders (status, updated_at, id);
      CREATE INDEX orders_platform_updated ON orders (platform, updated_at, id);
      CREATE INDEX orders_updated ON orders (updated_at, id);
      CREATE INDEX orders_exception_updated ON orders (exception_type, updated_at, id)
        WHERE exception_type IS NOT NULL;

      CREATE TABLE order_tags (
        order_id TEXT NOT NULL REFERENCES orders (id),
        tag TEXT NOT NULL,
        PRIMARY KEY (order_id, tag)
      ) WITHOUT ROWID;
      CREATE INDEX order_tags_tag ON order_tags (tag, order_id);

      -- No AUTOINCREMENT: the history is append-only, so rowids never repeat anyway, and
      -- AUTOINCREMENT would write sqlite_sequence on every commit.
      CREATE TABLE order_events (
        id INTEGER PRIMARY KEY,
        order_id TEXT NOT NULL REFERENCES orders (id),
        revision INTEGER NOT NULL,
        kind TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT,
        source TEXT NOT NULL,
        at INTEGER NOT NULL,
        detail TEXT NOT NULL,
        -- set for run patches: a patch re-committed after a crash finds its event and is not applied twice
        idempotency_key TEXT
      );
      CREATE INDEX order_events_order ON order_events (order_id, id);
      CREATE UNIQUE INDEX order_events_idempotency ON order_events (idempotency_key)
        WHERE idempotency_key IS NOT NULL;
    `,
  },
  {
    version: 2,
    name: 'workflows',
    sql: `
      CREATE TABLE workflows (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        draft TEXT NOT NULL,
        draft_revision INTEGER NOT NULL,
        latest_version INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE workflow_versions (
        workflow_id TEXT NOT NULL REFERENCES workflows (id),
        version INTEGER NOT NULL,
        definition TEXT NOT NULL,
        published_at INTEGER NOT NULL,
        published_by TEXT NOT NULL,
        PRIMARY KEY (workflow_id, version)
      );
      -- Running instances stay pinned to their version, so a version must never change under them.
      CREATE TRIGGER workflow_versions_no_update BEFORE UPDATE ON workflow_versions
      BEGIN SELECT RAISE(ABORT, 'workflow versions are immutable'); END;
      CREATE TRIGGER workflow_versions_no_delete BEFORE DELETE ON workflow_versions
      BEGIN SELECT RAISE(ABORT, 'workflow versions are immutable'); END;
    `,
  },
  {
    version: 3,
    name: 'runs',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        order_id TEXT,
        status TEXT NOT NULL,
        "trigger" TEXT NOT NULL,
        trigger_key TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX runs_status ON runs (status, started_at, id);
      CREATE INDEX runs_order ON runs (order_id, started_at, id);
      CREATE INDEX runs_workflow_started ON runs (workflow_id, started_at, id);
      CREATE INDEX runs_started ON runs (started_at, id);

      -- One row per attempt of a node visit. (run_id, node_id, visit) is the idempotency key and
      -- idempotencyKey:attempt the step id, so neither is stored twice; re-recording an attempt upserts.
      CREATE TABLE steps (
        run_id TEXT NOT NULL REFERENCES runs (id),
        node_id TEXT NOT NULL,
        visit INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        node_type TEXT NOT NULL,
        status TEXT NOT NULL,
        port TEXT,
        input TEXT,
        output TEXT,
        error TEXT,
        started_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE UNIQUE INDEX steps_attempt ON steps (run_id, node_id, visit, attempt);

      CREATE TABLE timers (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        token_id TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        purpose TEXT NOT NULL
      );
      CREATE INDEX timers_due ON timers (due_at, id);
      CREATE INDEX timers_run ON timers (run_id);
    `,
  },
  {
    version: 4,
    name: 'tasks',
    sql: `
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        node_id TEXT NOT NULL,
        status TEXT NOT NULL,
        assignees TEXT NOT NULL,
        form TEXT,
        due_at INTEGER,
        created_at INTEGER NOT NULL,
        completed_at INTEGER,
        completed_by TEXT,
        result TEXT
      );
      CREATE INDEX tasks_status_due ON tasks (status, due_at);
      CREATE INDEX tasks_run ON tasks (run_id);
    `,
  },
  {
    version: 5,
    name: 'outbox, integration log, audit log, api tokens',
    sql: `
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);

      CREATE TABLE integration_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        connector TEXT NOT NULL,
        url TEXT,
        status_code INTEGER,
        latency_ms INTEGER,
        error TEXT,
        run_id TEXT
      );
      CREATE INDEX integration_log_at ON integration_log (at);

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX audit_log_at ON audit_log (at);

      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'designer', 'operator', 'approver')),
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
    `,
  },
  {
    version: 6,
    name: 'unfinished turns of runs',
    sql: `
      -- Turns of a run begun since its state was last saved. A turn that takes the process down never
      -- saves, so after a restart a count above 1 names a run that may do it again: it runs alone, and
      -- after a few such turns it is parked as an incident instead of being resumed forever.
      ALTER TABLE runs ADD COLUMN unfinished_turns INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 7,
    name: 'waiting: tasks, subscriptions, run events, notifications, activities, child runs, schedules',
    sql: `
      -- The tasks table of version 4 was never written by any build: it is replaced by its real shape.
      DROP TABLE tasks;
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        workflow_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        order_id TEXT,
        node_id TEXT NOT NULL,
        token_id TEXT NOT NULL,
        title TEXT NOT NULL,
        -- open | completed | expired | cancelled
        status TEXT NOT NULL,
        priority TEXT NOT NULL,
        -- low 0 .. urgent 3, so the inbox sorts by it
        priority_rank INTEGER NOT NULL,
        level INTEGER NOT NULL,
        level_name TEXT,
        assignees TEXT NOT NULL,
        quorum TEXT NOT NULL,
        form TEXT,
        comment_required INTEGER NOT NULL,
        excluded TEXT NOT NULL,
        votes TEXT NOT NULL,
        claimed_by TEXT,
        due_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        completed_at INTEGER,
        completed_by TEXT,
        decision TEXT,
        comment TEXT,
        data TEXT
      );
      CREATE INDEX tasks_status ON tasks (status, priority_rank, due_at, id);
      CREATE INDEX tasks_run ON tasks (run_id);
      CREATE INDEX tasks_order ON tasks (order_id);
      -- Who may act on a task, one row per user or role: "my tasks" is an index look-up.
      CREATE TABLE task_assignees (
        task_id TEXT NOT NULL REFERENCES tasks (id),
        kind TEXT NOT NULL CHECK (kind IN ('user', 'role')),
        name TEXT NOT NULL,
        PRIMARY KEY (task_id, kind, name)
      ) WITHOUT ROWID;
      CREATE INDEX task_assignees_name ON task_assignees (kind, name, task_id);

      -- A waiting token's interest in a signal for its order, or in any change of its order.
      CREATE TABLE subscriptions (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        token_id TEXT NOT NULL,
        order_id TEXT,
        signal TEXT,
        order_change INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX subscriptions_order ON subscriptions (order_id, signal);
      CREATE INDEX subscriptions_run ON subscriptions (run_id);

      -- Events waiting to be applied to a run (a signal, a task decision, an order change, a result),
      -- written in the transaction of their cause and deleted in the transaction that applies them.
      CREATE TABLE run_events (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX run_events_run ON run_events (run_id, id);

      CREATE TABLE notifications (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        node_id TEXT NOT NULL,
        task_id TEXT,
        kind TEXT NOT NULL,
        recipients TEXT NOT NULL,
        title TEXT NOT NULL,
        message TEXT,
        priority TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX notifications_at ON notifications (at, id);
      CREATE TABLE notification_recipients (
        notification_id TEXT NOT NULL REFERENCES notifications (id),
        kind TEXT NOT NULL CHECK (kind IN ('user', 'role')),
        name TEXT NOT NULL,
        PRIMARY KEY (notification_id, kind, name)
      ) WITHOUT ROWID;
      CREATE INDEX notification_recipients_name ON notification_recipients (kind, name, notification_id);

      -- Outside work a node waits for, performed after commit, at least once under its idempotency key.
      CREATE TABLE activities (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        token_id TEXT NOT NULL,
        node_id TEXT NOT NULL,
        performer TEXT NOT NULL,
        request TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        timeout_ms INTEGER,
        -- pending | done | cancelled
        status TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        next_try_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        result TEXT
      );
      CREATE INDEX activities_due ON activities (status, next_try_at);

      -- Child runs a node started (for-each, sub-workflow), at most concurrency at a time.
      CREATE TABLE child_groups (
        id TEXT PRIMARY KEY,
        parent_run_id TEXT NOT NULL REFERENCES runs (id),
        parent_token_id TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        order_id TEXT,
        concurrency INTEGER NOT NULL,
        item_variable TEXT NOT NULL,
        variables TEXT NOT NULL,
        await_all INTEGER NOT NULL,
        -- running | done | cancelled
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX child_groups_status ON child_groups (status);
      CREATE TABLE child_runs (
        group_id TEXT NOT NULL REFERENCES child_groups (id),
        idx INTEGER NOT NULL,
        item TEXT NOT NULL,
        run_id TEXT,
        -- queued | running | done | cancelled
        status TEXT NOT NULL,
        outcome TEXT,
        PRIMARY KEY (group_id, idx)
      ) WITHOUT ROWID;
      CREATE INDEX child_runs_run ON child_runs (run_id);
      CREATE INDEX child_runs_queued ON child_runs (group_id, status, idx);

      -- The next tick of each published workflow that a schedule starts.
      CREATE TABLE schedules (
        workflow_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        cron TEXT NOT NULL,
        time_zone TEXT NOT NULL,
        next_at INTEGER NOT NULL,
        last_tick INTEGER
      );

      -- Who last changed the order (a person's token name), for rules that forbid self-approval.
      ALTER TABLE orders ADD COLUMN changed_by TEXT;
    `,
  },
  {
    version: 8,
    name: 'outside work: activity retries and leases, secrets, integration log, event subscriptions and their outbox',
    sql: `
      -- The retry policy an activity is tried under, who holds it (lease) and why its last try failed.
      ALTER TABLE activities ADD COLUMN retry TEXT;
      ALTER TABLE activities ADD COLUMN lease_until INTEGER;
      ALTER TABLE activities ADD COLUMN detached INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE activities ADD COLUMN last_error TEXT;
      ALTER TABLE activities ADD COLUMN error_class TEXT;
      CREATE INDEX activities_key ON activities (idempotency_key);

      -- Secret values sealed with AES-256-GCM (iv, tag and ciphertext in one blob, the name as associated data).
      CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        sealed BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      ) WITHOUT ROWID;

      -- Version 5's integration log and outbox were never written: they make way for these.
      DROP TABLE integration_log;
      CREATE TABLE integration_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        -- the node type, or subscription.webhook / subscription.rabbitmq for deliveries
        connector TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        method TEXT,
        status_code INTEGER,
        latency_ms INTEGER NOT NULL,
        -- null for a success; timeout | auth | 4xx | 5xx | network | error
        error_class TEXT,
        error TEXT,
        attempt INTEGER NOT NULL,
        idempotency_key TEXT NOT NULL,
        run_id TEXT,
        node_id TEXT,
        activity_id TEXT,
        subscription_id TEXT,
        event_id TEXT,
        order_id TEXT
      );
      CREATE INDEX integration_log_at ON integration_log (at);
      CREATE INDEX integration_log_connector ON integration_log (connector, id);
      CREATE INDEX integration_log_failures ON integration_log (connector, id) WHERE error_class IS NOT NULL;
      CREATE INDEX integration_log_run ON integration_log (run_id, id) WHERE run_id IS NOT NULL;
      CREATE INDEX integration_log_subscription ON integration_log (subscription_id, id) WHERE subscription_id IS NOT NULL;
      CREATE INDEX integration_log_order ON integration_log (order_id, id) WHERE order_id IS NOT NULL;
      -- Per connector and minute: calls, failures by class and a latency histogram, for health figures
      -- over hours without reading every call.
      CREATE TABLE integration_minutes (
        connector TEXT NOT NULL,
        minute INTEGER NOT NULL,
        calls INTEGER NOT NULL,
        errors TEXT NOT NULL,
        latency TEXT NOT NULL,
        PRIMARY KEY (connector, minute)
      ) WITHOUT ROWID;

      -- Who hears about order events: a signed webhook or a RabbitMQ exchange.
      CREATE TABLE event_subscriptions (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        events TEXT NOT NULL,
        filter TEXT,
        -- the target without its secret
        target TEXT NOT NULL,
        -- the webhook signing secret (whsec_...), sealed like the secrets
        sealed_secret BLOB,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        deleted_at INTEGER
      );

      DROP TABLE outbox;
      -- One row per event and subscription, written in the transaction of the order change.
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        subscription_id TEXT NOT NULL,
        order_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        -- pending | delivered | dead
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try_at INTEGER NOT NULL,
        lease_until INTEGER,
        last_error TEXT,
        last_status INTEGER,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER
      );
      CREATE INDEX outbox_due ON outbox (next_try_at) WHERE status = 'pending';
      -- An order's next event waits for its previous one: the head of each (subscription, order) is its lowest pending id.
      CREATE INDEX outbox_order ON outbox (subscription_id, order_id, id) WHERE status = 'pending';
      CREATE INDEX outbox_dead ON outbox (subscription_id, id) WHERE status = 'dead';
      CREATE INDEX outbox_done ON outbox (created_at) WHERE status = 'delivered';
    `,
  },
  {
    version: 9,
    name: 'due activities per connector; activities, notifications and child groups by run',
    sql: `
      -- The worker asks each connector below its concurrency limit for its due activities: one index
      -- range each, so thousands waiting on a saturated connector cost nothing to the others.
      CREATE INDEX activities_performer_due ON activities (status, performer, next_try_at);
      -- A finished run cancels its pending activities, and pruning deletes a run's rows: by run, not
      -- by scanning every pending activity, notification or child group.
      CREATE INDEX activities_run ON activities (run_id);
      CREATE INDEX notifications_run ON notifications (run_id);
      CREATE INDEX child_groups_parent ON child_groups (parent_run_id);
    `,
  },
  {
    version: 10,
    name: 'shops, their push inbox and health',
    sql: `
      -- A shop: one account on one platform. Its credentials are sealed like the secrets (the shop's id bound in).
      CREATE TABLE shops (
        id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        name TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        sealed_credentials BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER,
        -- health that must survive a restart
        last_push_at INTEGER,
        last_message_at INTEGER,
        last_pull_at INTEGER,
        lag_ms INTEGER,
        last_error TEXT,
        last_error_code TEXT,
        last_error_at INTEGER
      );
      CREATE INDEX shops_live ON shops (created_at, id) WHERE deleted_at IS NULL;

      -- Every push taken (signature checked) and every long-connection message, committed before the
      -- platform is answered; the body byte-exact, for processing after the answer and for replay.
      CREATE TABLE shop_pushes (
        id INTEGER PRIMARY KEY,
        shop_id TEXT NOT NULL,
        -- push | message
        kind TEXT NOT NULL,
        -- the platform's delivery id, or sha256 of the body: the same push twice is one row
        dedupe_key TEXT NOT NULL,
        body BLOB NOT NULL,
        headers TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        -- received | processed | ignored | unreadable | failed
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try_at INTEGER,
        error TEXT,
        processed_at INTEGER,
        UNIQUE (shop_id, dedupe_key)
      );
      CREATE INDEX shop_pushes_due ON shop_pushes (next_try_at, id) WHERE status = 'received';
      CREATE INDEX shop_pushes_shop ON shop_pushes (shop_id, id);

      -- Per shop and minute: what was handled, what failed, what was refused (the error rate's window).
      CREATE TABLE shop_health_minutes (
        shop_id TEXT NOT NULL,
        minute INTEGER NOT NULL,
        events INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        PRIMARY KEY (shop_id, minute)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 11,
    name: 'stock: levels per SKU, listings with allocations, reservations, the ledger of movements, and the queue of pushes to shops',
    sql: `
      -- One row per SKU (the merchant's code): units on hand and how many of them orders hold.
      -- available = on_hand - reserved; a reservation only ever takes what is available.
      CREATE TABLE stock_items (
        sku TEXT PRIMARY KEY,
        on_hand INTEGER NOT NULL,
        reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      -- The shops that list a SKU, with the platform's own SKU id and how much of the available
      -- stock the shop may sell: at most cap units and/or share_percent of it (null: no limit).
      CREATE TABLE stock_listings (
        sku TEXT NOT NULL REFERENCES stock_items (sku),
        shop_id TEXT NOT NULL,
        platform_sku_id TEXT,
        cap INTEGER CHECK (cap >= 0),
        share_percent INTEGER CHECK (share_percent BETWEEN 0 AND 100),
        PRIMARY KEY (sku, shop_id)
      ) WITHOUT ROWID;

      -- What one reservation (one activity's idempotency key) holds of each SKU: held until released
      -- (back to available) or sold (gone from on hand). A retry with the same key finds its rows.
      CREATE TABLE stock_reservations (
        idempotency_key TEXT NOT NULL,
        sku TEXT NOT NULL,
        order_id TEXT,
        run_id TEXT,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        -- held | released | sold
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        settled_at INTEGER,
        PRIMARY KEY (idempotency_key, sku)
      ) WITHOUT ROWID;
      CREATE INDEX stock_reservations_order ON stock_reservations (order_id, status) WHERE order_id IS NOT NULL;
      CREATE INDEX stock_reservations_run ON stock_reservations (run_id, status) WHERE run_id IS NOT NULL;
      -- Pruning: reservations settled before the retention horizon.
      CREATE INDEX stock_reservations_settled ON stock_reservations (settled_at) WHERE status != 'held';

      -- Every movement of a SKU's levels, append-only, so a level can be explained: the deltas of a
      -- SKU's rows add up to its levels.
      CREATE TABLE stock_ledger (
        id INTEGER PRIMARY KEY,
        sku TEXT NOT NULL,
        -- reservation | release | sale | adjustment
        kind TEXT NOT NULL,
        on_hand_delta INTEGER NOT NULL,
        reserved_delta INTEGER NOT NULL,
        on_hand_after INTEGER NOT NULL,
        reserved_after INTEGER NOT NULL,
        order_id TEXT,
        run_id TEXT,
        idempotency_key TEXT NOT NULL,
        -- run:<runId>:<nodeId> or api:<tokenName>
        source TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX stock_ledger_sku ON stock_ledger (sku, id);
      CREATE INDEX stock_ledger_at ON stock_ledger (at);

      -- The latest sellable level to push to each shop that lists a SKU: one row per (shop, SKU), so a
      -- burst of changes sends only the last level. generation rises with every new level, so a push
      -- in flight when a newer level arrived does not mark the newer one as pushed.
      CREATE TABLE stock_pushes (
        shop_id TEXT NOT NULL,
        sku TEXT NOT NULL,
        platform_sku_id TEXT,
        quantity INTEGER NOT NULL CHECK (quantity >= 0),
        generation INTEGER NOT NULL,
        -- pending | pushed | failed
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try_at INTEGER NOT NULL,
        lease_until INTEGER,
        last_error TEXT,
        queued_at INTEGER NOT NULL,
        pushed_quantity INTEGER,
        pushed_at INTEGER,
        PRIMARY KEY (shop_id, sku)
      ) WITHOUT ROWID;
      CREATE INDEX stock_pushes_due ON stock_pushes (next_try_at) WHERE status = 'pending';
      CREATE INDEX stock_pushes_sku ON stock_pushes (sku);
    `,
  },
  {
    version: 12,
    name: 'shop pull cursors',
    sql: `
      -- Per shop, the end of the last modification-time window pulled through (every page ingested),
      -- UTC epoch ms: the next pull starts from it, less an overlap. It only moves forward.
      CREATE TABLE shop_pull_cursors (
        shop_id TEXT PRIMARY KEY,
        pulled_through INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 13,
    name: 'lean outbox rows: the event by reference, the order document only once the order has moved on',
    sql: `
      -- An outbox row names its event (order_events.id; on the wire evt_<event>) instead of holding
      -- its body: the body is built when it is sent, from the event and the order. The order after
      -- the event is the order's own document until the order changes again; only then is it copied
      -- into order_doc (a change copies it into its order's undelivered rows first). Dead letters
      -- keep their copy. Rows of version 8 keep the order their payload carried.
      ALTER TABLE outbox RENAME TO outbox_v8;
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        subscription_id TEXT NOT NULL,
        order_id TEXT NOT NULL,
        event INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        kind TEXT NOT NULL,
        -- pending | delivered | dead
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_try_at INTEGER NOT NULL,
        lease_until INTEGER,
        last_error TEXT,
        last_status INTEGER,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER,
        order_doc TEXT
      );
      INSERT INTO outbox (id, subscription_id, order_id, event, revision, kind, status, attempts, next_try_at, lease_until,
          last_error, last_status, created_at, delivered_at, order_doc)
        SELECT id, subscription_id, order_id, CAST(substr(event_id, 5) AS INTEGER), revision, kind, status, attempts, next_try_at, lease_until,
          last_error, last_status, created_at, delivered_at,
          CASE WHEN status IN ('pending', 'dead') AND json_type(payload, '$.order') = 'object' THEN json_extract(payload, '$.order') END
        FROM outbox_v8;
      -- Its indexes go with it, making way for the new ones of the same names.
      DROP TABLE outbox_v8;
      CREATE INDEX outbox_due ON outbox (next_try_at) WHERE status = 'pending';
      -- An order's next event waits for its previous one: the head of each (subscription, order) is its
      -- lowest pending id. Keyed by order first, so a change finds its order's undelivered rows.
      CREATE INDEX outbox_order ON outbox (order_id, subscription_id, id) WHERE status = 'pending';
      CREATE INDEX outbox_dead ON outbox (subscription_id, id) WHERE status = 'dead';
      CREATE INDEX outbox_done ON outbox (created_at) WHERE status = 'delivered';
    `,
  },
]

/**
 * Applies the migrations the database lacks, each in its own transaction, and returns the versions
 * applied. Safe on every open and against a second process opening the same file at once.
 */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
  const appliedVersions = db.prepare<[], number>('SELECT version FROM schema_migrations ORDER BY version').pluck()
  const record = db.prepare<[number, string, number]>('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  const known = new Set(list.map((m) => m.version))
  const unknown = appliedVersions.all().filter((v) => !known.has(v))
  // A database migrated by newer code may hold tables this code would misread.
  if (unknown.length > 0) throw new Error(`database has schema versions this build does not know: ${unknown.join(', ')}`)

  const applied: number[] = []
  for (const migration of [...list].sort((a, b) => a.version - b.version)) {
    // IMMEDIATE takes the write lock first, so the re-check inside cannot race another opener.
    db.transaction(() => {
      if (appliedVersions.all().includes(migration.version)) return
      db.exec(migration.sql)
      record.run(migration.version, migration.name, Date.now())
      applied.push(migration.version)
    }).immediate()
  }
  return applied
}

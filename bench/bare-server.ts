/**
 * The bare baseline: plain Fastify 5 (no auth, no validation beyond JSON parsing) whose POST handler
 * does one better-sqlite3 INSERT of the JSON body (or one per element of an array, in one transaction)
 * into a WAL database with synchronous=NORMAL. Run as a script it listens on PORT with BARE_DB.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import Database from 'better-sqlite3'
import { pathToFileURL } from 'node:url'

/** Builds the bare app on the SQLite file `dbPath` (not listening); `close` closes app and database. */
export async function buildBareApp(dbPath: string): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const db = new Database(dbPath)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec('CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)')
  const insert = db.prepare('INSERT INTO orders (body, at) VALUES (?, ?)')
  const insertMany = db.transaction((list: unknown[], at: number) => { for (const o of list) insert.run(JSON.stringify(o), at) })
  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 })
  app.post('/orders', async (request) => {
    const body = request.body
    if (Array.isArray(body)) {
      insertMany(body, Date.now())
      return { accepted: body.length }
    }
    insert.run(JSON.stringify(body), Date.now())
    return { accepted: 1 }
  })
  app.get('/health', async () => ({ status: 'ok' }))
  return { app, close: async () => { await app.close(); db.close() } }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { app, close } = await buildBareApp(process.env.BARE_DB ?? 'bare.db')
  const stop = () => { void close().finally(() => process.exit(0)) }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  await app.listen({ port: Number(process.env.PORT ?? 3001), host: process.env.HOST ?? '127.0.0.1' })
}

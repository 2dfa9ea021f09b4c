/**
 * A webhook receiver for the subscribed-ingest bench, in a process of its own so that answering
 * Ordo's deliveries does not slow the load generator: node:http, every POST answered 204 at once,
 * GET /count says how many arrived. Run as a script it listens on PORT.
 */
import { createServer } from 'node:http'

let received = 0
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ received }))
    return
  }
  req.resume()
  req.on('end', () => { received++; res.writeHead(204); res.end() })
})
server.keepAliveTimeout = 30_000
process.once('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)) })
server.listen(Number(process.env.PORT ?? 3002), process.env.HOST ?? '127.0.0.1')

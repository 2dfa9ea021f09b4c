/**
 * An answer sent before its request has fully arrived (a 401 from the auth hook, a 413, a 415...)
 * ends the connection. Kept alive, Node would read and throw away the rest of the body to reach the
 * next request, and a client that sends an endless body slowly would hold the socket for ever.
 */
import fp from 'fastify-plugin'

/** Adds `Connection: close` to every answer whose request body is still arriving; Node then destroys the socket once the answer is written. */
export const closeUnfinishedRequests = fp(async (app) => {
  app.addHook('onSend', async (request, reply) => {
    // `complete` is Node's "the whole message arrived"; injected test requests have none.
    if (request.raw.complete === false) reply.header('connection', 'close')
  })
}, { name: 'ordo-close-unfinished-requests' })

/**
 * The machine's HTTP ceiling for `hanglian bench --api`: a bare fastify (the node API's own server
 * library) answering one trivial JSON route, run as its own process like a node. Prints
 * `{"url": "http://127.0.0.1:<port>"}` once it listens; stops on SIGTERM.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/ping', async () => ({ ok: true, height: 1 }));

/**
 * Listens on a random port in 10000-31999, below Linux's ephemeral range (32768-60999), from which the
 * load generator's thousands of outgoing connections take their local ports; a port found taken is
 * exchanged for another. (@hanglian/testkit's listenBelowEphemeral does this for tests; it is only a dev
 * dependency of this package.)
 */
async function listenBelowEphemeral(): Promise<string> {
  const tries = 20;
  for (let attempt = 0; attempt < tries; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * 22_000);
    try {
      return await app.listen({ host: '127.0.0.1', port });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`the HTTP ceiling server found no free port between 10000 and 31999 in ${tries} tries`);
}

const url = await listenBelowEphemeral();
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});

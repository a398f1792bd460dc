/**
 * The machine's HTTP ceiling for `hanglian bench --api`: a bare fastify (the node API's own server
 * library) answering one trivial JSON route, run as its own process like a node. Prints
 * `{"url": "http://127.0.0.1:<port>"}` once it listens; stops on SIGTERM.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/ping', async () => ({ ok: true, height: 1 }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});

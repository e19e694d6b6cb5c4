// Per-call cost of a VTX component run by jco transpile in Node (V8), measured like bench/Vtx.Benchmarks
// measures the host: GET /copy?hello on a warm instance, a fresh instance, and a whole request on a fresh
// instance. The host imports are host.mjs's (sql.js, files, WASI from preview2-shim).
//
// Usage: node bench.mjs COMPONENT.wasm DATABASE.db FILES_DIR [ITERATIONS]
import { createHost, loadComponent } from './host.mjs';

const [componentPath, databasePath, filesDir, iterations = '2000'] = process.argv.slice(2);
const count = Number(iterations);
const { imports } = await createHost(databasePath, filesDir);
const instantiate = await loadComponent(componentPath);
const request = { method: 'GET', path: '/copy', query: 'hello' };

/** Runs `body` `n` times after as many warm-up runs; prints the mean in microseconds per run. */
async function time(label, n, body) {
  for (let i = 0; i < n; i++) await body();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await body();
  const micros = Number(process.hrtime.bigint() - start) / 1000 / n;
  console.log(`${label}: ${micros.toFixed(micros < 10 ? 2 : 1)} us`);
}

const warm = await instantiate(imports);
await time('handle /copy (warm instance)', count, () => { warm.handle(request); });
await time('instantiate (fresh instance)', Math.max(1, count / 10), () => instantiate(imports));
await time('whole request, fresh instance', Math.max(1, count / 10), async () => { (await instantiate(imports)).handle(request); });

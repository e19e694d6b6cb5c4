// The sample VTX plugin in JavaScript: notes kept in SQL (migrations, resources), served by `handle` through the
// `sql` and `stream-io` imports, and a Bearer-token `authenticate`. Built with componentize-js by build.sh.
import { execute, queryJson } from 'vtx:api/sql@1.2.6';
import { createMemoryBuffer, openFile } from 'vtx:api/stream-io@1.2.6';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Module state: an instance that served a request before would count on from it.
let calls = 0;

const text = (status, body) => ({ status, body: createMemoryBuffer(encoder.encode(body)) });
const failure = (e) => (e !== null && typeof e === 'object' && 'payload' in e ? String(e.payload) : String(e));

export function getManifest() {
  return { id: 'js-notes', name: 'JS notes', version: '1.0.0', description: 'Notes in SQL, written in JavaScript', entrypoint: '/js-notes' };
}

export function getMigrations() {
  return [
    'CREATE TABLE js_notes(id INTEGER PRIMARY KEY, title TEXT NOT NULL, score REAL, tag TEXT)',
    'CREATE INDEX js_notes_title ON js_notes(title)',
  ];
}

export function getResources() {
  return ['js_notes'];
}

export async function handle({ method, path, query }) {
  switch (`${method} ${path}`) {
    case 'GET ':
      return text(200, queryJson('SELECT id, title, score, tag FROM js_notes WHERE id > ? ORDER BY id', [{ tag: 'integer', val: 0n }]));
    case 'POST /add': {
      const changed = execute('INSERT INTO js_notes(title, score, tag) VALUES (?, ?, ?)',
        [{ tag: 'text', val: decodeURIComponent(query) }, { tag: 'real', val: 1.5 }, { tag: 'null-val' }]);
      return text(201, JSON.stringify({ inserted: Number(changed) }));
    }
    case 'GET /bad-sql':
      try {
        execute('INSERT INTO missing VALUES (?)', [{ tag: 'integer', val: 7n }]);
        return { status: 200 };
      } catch (e) {
        return text(400, failure(e));
      }
    case 'GET /copy': {
      // A host buffer round trip: "<size>:<bytes 1..3>".
      const buffer = createMemoryBuffer(encoder.encode(query));
      return text(200, `${buffer.size()}:${decoder.decode(buffer.read(1n, 3n))}`);
    }
    case 'GET /file':
      try {
        return { status: 200, body: openFile(query) };
      } catch (e) {
        return text(404, failure(e));
      }
    case 'GET /log':
      console.log(`handling ${method} ${path}`);
      return text(200, 'logged');
    case 'GET /fetch':
      // Outgoing HTTP through wasi:http: the host refuses it unless the operator allows the host.
      try {
        const response = await fetch(query ? decodeURIComponent(query) : 'http://example.com/');
        return text(200, `fetched ${response.status}: ${await response.text()}`);
      } catch {
        return text(502, 'fetch refused');
      }
    case 'GET /calls':
      calls += 1;
      return text(200, `call ${calls} of this instance`);
    case 'GET /random':
      return text(200, `${crypto.getRandomValues(new Uint8Array(16)).length} random bytes, now > 0: ${Date.now() > 0}`);
    default:
      return { status: 404 };
  }
}

export function authenticate(headers) {
  for (const [name, value] of headers) {
    if (name === 'x-probe') {
      // What a write and a file open answer while authenticate runs (the Restricted policy).
      let write = 'write allowed';
      try {
        execute('CREATE TABLE probe(x)', []);
      } catch (e) {
        write = failure(e);
      }
      let file = 'file allowed';
      try {
        openFile('x');
      } catch {
        file = 'file denied';
      }
      return { userId: 'probe', username: write, groups: [], metadata: file };
    }
    if (name === 'authorization' && value === 'Bearer alice') {
      return { userId: 'u-1', username: 'alice', groups: ['admin', 'dev'], metadata: '{"plan":"pro"}' };
    }
    if (name === 'authorization' && value === 'Bearer blocked') {
      throw 403;
    }
  }
  throw 401;
}

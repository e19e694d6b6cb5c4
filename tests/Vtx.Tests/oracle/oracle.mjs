// An independent host for VTX components: jco transpiles the component to JS, this file gives
// it host imports written from the WIT (sql over sql.js, stream-io over files and memory), then
// replays a script of calls and prints one JSON line per call.
//
// Usage: node oracle.mjs COMPONENT.wasm DATABASE.db FILES_DIR SCRIPT.json
// SCRIPT: [{"export":"handle","method":"GET","path":"/x","query":""} | {"export":"authenticate","headers":[["k","v"]]}
//          | {"export":"get-manifest"} | {"export":"get-migrations"} | {"export":"get-resources"}]
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import initSqlJs from 'sql.js';
import { Buffer as Bytes } from 'node:buffer';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [componentPath, databasePath, filesDir, scriptPath] = process.argv.slice(2);

const SQL = await initSqlJs();
const db = new SQL.Database(readFileSync(databasePath));

class Buffer {
  constructor(bytes) { this.bytes = bytes; }
  size() { return BigInt(this.bytes.length); }
  read(offset, maxBytes) {
    const start = Number(offset > BigInt(this.bytes.length) ? BigInt(this.bytes.length) : offset);
    const end = Math.min(this.bytes.length, start + Number(maxBytes > 16777216n ? 16777216n : maxBytes));
    return this.bytes.subarray(start, end);
  }
}

// db-value → sql.js binding (positional).
const bindValue = (v) => v.tag === 'null-val' ? null : v.tag === 'integer' ? Number(v.val) : v.val;

function prepare(statement, params) {
  const stmt = db.prepare(statement);
  if (params.length > 0) stmt.bind(params.map(bindValue));
  return stmt;
}

// vtx-core's Restricted policy while authenticate runs: no writes, no files.
let restricted = false;

const sql = {
  execute(statement, params) {
    if (restricted) throw { payload: 'Permission Denied' };
    try {
      const stmt = prepare(statement, params);
      const hasRow = stmt.step();
      stmt.free();
      if (hasRow) throw new Error('Execute returned results - did you mean to call query?');
      return BigInt(db.getRowsModified());
    } catch (e) {
      throw { payload: 'SQL Error: ' + e.message };
    }
  },
  queryJson(statement, params) {
    let stmt;
    try {
      stmt = prepare(statement, params);
    } catch (e) {
      throw { payload: e.message };
    }
    const rows = [];
    while (stmt.step()) {
      const columns = stmt.getColumnNames();
      // useBigInt: INTEGER comes back as a BigInt, REAL as a number, so the two stay apart.
      const values = stmt.get(null, { useBigInt: true });
      const row = new Map();
      columns.forEach((name, i) => row.set(name, values[i]));
      rows.push(row);
    }
    stmt.free();
    return '[' + rows.map(serdeObject).join(',') + ']';
  },
};

// The text serde_json::to_string gives for vtx-core's rows, written from serde_json's documented behaviour:
// a serde_json::Map is a BTreeMap (keys in UTF-8 byte order, a later duplicate column replacing an earlier one);
// i64 in decimal; f64 as ryu prints it, non-finite as null; strings escaped only for '"', '\\' and U+0000-U+001F
// (JSON.stringify escapes exactly those, in the same forms, for well-formed text); BLOB as "<BLOB>".
const utf8 = new TextEncoder();
function serdeObject(row) {
  const keys = [...row.keys()].sort((a, b) => Bytes.compare(utf8.encode(a), utf8.encode(b)));
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + serdeValue(row.get(k))).join(',') + '}';
}

function serdeValue(v) {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return serdeFloat(v);
  if (v instanceof Uint8Array) return '"<BLOB>"';
  return JSON.stringify(v);
}

// ryu's layout: shortest round-trip digits d1d2…dn with value 0.d1…dn × 10^kk; positional when -5 < kk <= 16
// (at least one digit after the point), else d1.d2…dn e(kk-1).
function serdeFloat(x) {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const kk = Number(exponent) + 1;
  const n = digits.length;
  const sign = x < 0 ? '-' : '';
  if (n <= kk && kk <= 16) return sign + digits + '0'.repeat(kk - n) + '.0';
  if (0 < kk && kk <= 16) return sign + digits.slice(0, kk) + '.' + digits.slice(kk);
  if (-5 < kk && kk <= 0) return sign + '0.' + '0'.repeat(-kk) + digits;
  return sign + digits[0] + (n > 1 ? '.' + digits.slice(1) : '') + 'e' + (kk - 1);
}

const streamIo = {
  Buffer,
  createMemoryBuffer: (data) => new Buffer(Uint8Array.from(data)),
  openFile(uuid) {
    if (restricted) throw { payload: 'Permission Denied' };
    const name = readdirSync(filesDir).find((f) => f === uuid || f.startsWith(uuid + '.'));
    if (!name) throw { payload: 'UUID not found' };
    return new Buffer(readFileSync(join(filesDir, name)));
  },
};

const transpiled = await transpileBytes(readFileSync(componentPath), { name: 'plugin', instantiation: { tag: 'async' } });
const outDir = mkdtempSync(join(tmpdir(), 'vtx-oracle-'));
for (const [name, bytes] of Object.entries(transpiled.files)) {
  if (!name.endsWith('.d.ts')) writeFileSync(join(outDir, name.split('/').pop()), bytes);
}
const { instantiate } = await import(pathToFileURL(join(outDir, 'plugin.js')));
const getCoreModule = (path) => WebAssembly.compile(readFileSync(join(outDir, path)));
const imports = { 'vtx:api/sql': sql, 'vtx:api/stream-io': streamIo, 'vtx:api/types': {}, 'vtx:api/auth-types': {} };

const text = (buffer) => buffer ? new TextDecoder().decode(buffer.bytes) : '<none>';
const outcome = (call) => {
  try { return call(); } catch (e) { return 'err(' + (e !== null && typeof e === 'object' && 'payload' in e ? e.payload : e) + ')'; }
};

for (const step of JSON.parse(readFileSync(scriptPath, 'utf8'))) {
  // A fresh instance per call, as the host does.
  const plugin = await instantiate(getCoreModule, imports);
  let result;
  switch (step.export) {
    case 'handle':
      result = outcome(() => { const r = plugin.handle({ method: step.method, path: step.path, query: step.query }); return `${r.status} ${text(r.body)}`; });
      break;
    case 'authenticate':
      restricted = true;
      result = outcome(() => { const u = plugin.authenticate(step.headers); return `ok(${u.userId}|${u.username}|${u.groups.join(',')}|${u.metadata})`; });
      break;
    case 'get-manifest':
      result = outcome(() => { const m = plugin.getManifest(); return [m.id, m.name, m.version, m.description, m.entrypoint].join('|'); });
      break;
    case 'get-migrations':
      result = plugin.getMigrations().join('|');
      break;
    case 'get-resources':
      result = plugin.getResources().join('|');
      break;
  }
  restricted = false;
  console.log(JSON.stringify(result));
}

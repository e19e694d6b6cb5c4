// The host side of the Node oracle and benchmark: host imports written from the WIT (sql over sql.js,
// stream-io over files and memory), WASI 0.2 from preview2-shim set up as the host's sandbox
// (environment VTX_ENV=production, argv plugin_worker, no working directory, no preopens, outgoing
// HTTP denied, the plugin's stdout sent to stderr), and a component loader on jco transpile.
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import initSqlJs from 'sql.js';
import { cli, clocks, filesystem, http, io, random } from '@bytecodealliance/preview2-shim';
import { Buffer as Bytes } from 'node:buffer';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Host imports over the SQLite file DATABASE_PATH and the folder FILES_DIR; `setRestricted` switches the authenticate policy. */
export async function createHost(databasePath, filesDir) {
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

  cli._setEnv({ VTX_ENV: 'production' });
  cli._setArgs(['plugin_worker']);
  cli._setCwd(undefined);
  cli._setStdout(cli.stderr.getStderr());
  filesystem._clearPreopens();
  const wasi = {
    'wasi:cli/environment': cli.environment, 'wasi:cli/exit': cli.exit, 'wasi:cli/stdin': cli.stdin,
    'wasi:cli/stdout': cli.stdout, 'wasi:cli/stderr': cli.stderr,
    'wasi:cli/terminal-input': cli.terminalInput, 'wasi:cli/terminal-output': cli.terminalOutput,
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined }, 'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
    'wasi:clocks/monotonic-clock': clocks.monotonicClock, 'wasi:clocks/wall-clock': clocks.wallClock,
    'wasi:filesystem/preopens': filesystem.preopens, 'wasi:filesystem/types': filesystem.types,
    'wasi:http/types': http.types,
    'wasi:http/outgoing-handler': { handle: () => { throw { payload: { tag: 'HTTP-request-denied' } }; } },
    'wasi:io/error': io.error, 'wasi:io/poll': io.poll, 'wasi:io/streams': io.streams,
    'wasi:random/random': random.random, 'wasi:random/insecure': random.insecure, 'wasi:random/insecure-seed': random.insecureSeed,
  };
  const imports = { ...wasi, 'vtx:api/sql': sql, 'vtx:api/stream-io': streamIo, 'vtx:api/types': {}, 'vtx:api/auth-types': {} };
  return { imports, setRestricted: (value) => { restricted = value; } };
}

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

/** Transpiles a component with jco; gives `instantiate(imports)` making a fresh instance (core modules compiled once). */
export async function loadComponent(componentPath) {
  const transpiled = await transpileBytes(readFileSync(componentPath), { name: 'plugin', instantiation: { tag: 'async' } });
  const outDir = mkdtempSync(join(tmpdir(), 'vtx-oracle-'));
  for (const [name, bytes] of Object.entries(transpiled.files)) {
    if (!name.endsWith('.d.ts')) writeFileSync(join(outDir, name.split('/').pop()), bytes);
  }
  const { instantiate } = await import(pathToFileURL(join(outDir, 'plugin.js')));
  const compiled = new Map();
  const getCoreModule = (path) => {
    if (!compiled.has(path)) compiled.set(path, WebAssembly.compile(readFileSync(join(outDir, path))));
    return compiled.get(path);
  };
  return (imports) => instantiate(getCoreModule, imports);
}

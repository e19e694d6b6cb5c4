// An independent host for VTX components: jco transpiles the component to JS, host.mjs gives it
// host imports written from the WIT and WASI 0.2 set up as the host's sandbox; this script
// replays a script of calls and prints one JSON line per call.
//
// Usage: node oracle.mjs COMPONENT.wasm DATABASE.db FILES_DIR SCRIPT.json
// SCRIPT: [{"export":"handle","method":"GET","path":"/x","query":""} | {"export":"authenticate","headers":[["k","v"]]}
//          | {"export":"get-manifest"} | {"export":"get-migrations"} | {"export":"get-resources"}]
import { readFileSync } from 'node:fs';
import { createHost, loadComponent } from './host.mjs';

const [componentPath, databasePath, filesDir, scriptPath] = process.argv.slice(2);
const { imports, setRestricted } = await createHost(databasePath, filesDir);
const instantiate = await loadComponent(componentPath);

const text = (buffer) => buffer ? new TextDecoder().decode(buffer.bytes) : '<none>';
const outcome = (call) => {
  try { return call(); } catch (e) { return 'err(' + (e !== null && typeof e === 'object' && 'payload' in e ? e.payload : e) + ')'; }
};

for (const step of JSON.parse(readFileSync(scriptPath, 'utf8'))) {
  // A fresh instance per call, as the host does.
  const plugin = await instantiate(imports);
  let result;
  switch (step.export) {
    case 'handle':
      result = outcome(() => { const r = plugin.handle({ method: step.method, path: step.path, query: step.query }); return `${r.status} ${text(r.body)}`; });
      break;
    case 'authenticate':
      setRestricted(true);
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
  setRestricted(false);
  console.log(JSON.stringify(result));
}

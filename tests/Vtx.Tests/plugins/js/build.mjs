// Builds a JavaScript plugin into a component with componentize-js, as a plugin author runs it (default features):
//   node build.mjs SOURCE.js WIT_FILE OUT.wasm
// componentize-js reads its inputs through preview2-shim's filesystem, which since 0.26 starts with no preopens:
// give it the host's root first (it is a build tool, not a sandboxed plugin).
import { _setPreopens } from '@bytecodealliance/preview2-shim/filesystem';
import { componentize } from '@bytecodealliance/componentize-js';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const [source, wit, out] = process.argv.slice(2);
if (!source || !wit || !out) {
  console.error('usage: node build.mjs SOURCE.js WIT_FILE OUT.wasm');
  process.exit(2);
}

_setPreopens({ '/': '/' });
const { component } = await componentize({ sourcePath: resolve(source), witPath: resolve(wit), worldName: 'plugin' });
await writeFile(out, component);

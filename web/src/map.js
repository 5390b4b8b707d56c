// The map: an offline Natural Earth basemap (TopoJSON from world-atlas, drawn as a GeoJSON layer,
// no tile server), country and town labels from bundled files, and clustered event markers
// coloured by event type.
import L from './leaflet-global.js';
import 'leaflet.markercluster';
import { feature } from 'topojson-client';
import { h } from './dom.js';
import { TYPE_COLORS, OTHER_COLOR, OTHER_LABEL, typeColor } from './colors.js';

let map = null;
let cluster = null;
let selected = null;
let onOpen = () => {};
let onBoundsChange = () => {};

// Town labels: the smallest population (thousands) named at each zoom; capitals from CAPITAL_ZOOM.
const TOWN_MIN_K = { 2: 8000, 3: 3000, 4: 1000, 5: 300, 6: 120, 7: 50 };
const CAPITAL_ZOOM = 4;
const COUNTRY_ZOOM = [3, 7]; // country names between these zooms
const MAX_TOWN_LABELS = 300;
// Clusters: a click zooms to the box holding this share of the cluster's own markers, so a few
// far-off members cannot stretch it across a continent.
const CLUSTER_CORE = 0.9;
function pieStyle(counts, total) {
  const stops = [];
  let acc = 0;
  for (const [type, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) {
    const from = (acc / total) * 360;
    acc += n;
    const to = (acc / total) * 360;
    stops.push(`${typeColor(type)} ${from.toFixed(1)}deg ${to.toFixed(1)}deg`);
  }
  return `conic-gradient(${stops.join(', ')})`;
}

function clusterIcon(c) {
  const markers = c.getAllChildMarkers();
  const counts = {};
  for (const m of markers) counts[m.options.fpType] = (counts[m.options.fpType] || 0) + 1;
  const n = c.getChildCount();
  const size = n < 10 ? 30 : n < 100 ? 38 : 46;
  const ring = h('div', { class: 'fp-cluster-ring' });
  ring.style.background = pieStyle(counts, markers.length);
  const label = h('span', { class: 'fp-cluster-count' }, String(n));
  ring.append(label);
  return L.divIcon({ html: ring, className: 'fp-cluster', iconSize: [size, size] });
}

function legend() {
  const control = L.control({ position: 'bottomleft' });
  control.onAdd = () => {
    const items = [...Object.entries(TYPE_COLORS), [OTHER_LABEL, OTHER_COLOR]].map(([name, color]) => {
      const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      sw.style.background = color;
      return h('li', null, sw, name);
    });
    // Collapsed by default so it never hides pins; one click shows the colours.
    const list = h('ul', { id: 'fp-legend-list', hidden: true }, items);
    const toggle = h('button', {
      type: 'button', class: 'fp-legend-toggle', 'aria-expanded': 'false', 'aria-controls': 'fp-legend-list',
      title: 'Marker colours by event type',
    }, 'Legend');
    toggle.addEventListener('click', () => {
      const open = list.hidden;
      list.hidden = !open;
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
    const box = h('div', { class: 'fp-legend', role: 'group', 'aria-label': 'Marker colours by event type' }, toggle, list);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  return control;
}

export async function initMap(container, { open, boundsChanged }) {
  onOpen = open;
  onBoundsChange = boundsChanged;
  map = L.map(container, {
    zoomControl: true,
    minZoom: 1,
    maxZoom: 12,
    worldCopyJump: true,
    preferCanvas: false,
    attributionControl: true,
    keyboard: true,
  }).setView([30, 20], 2);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Basemap: Natural Earth (public domain) · Leaflet');
  container.setAttribute('aria-label', 'Map of events; use arrow keys to pan and + or - to zoom');
  legend().addTo(map);
  cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    maxClusterRadius: 45,
    zoomToBoundsOnClick: false,
    iconCreateFunction: clusterIcon,
  });
  cluster.on('clusterclick', (e) => zoomToCluster(e.layer));
  cluster.addTo(map);
  map.on('moveend', () => onBoundsChange(boundsString()));
  try {
    const res = await fetch('basemap/countries-50m.json');
    const topo = await res.json();
    const land = splitAntimeridian(feature(topo, topo.objects.countries));
    const renderer = L.canvas({ padding: 0.5 });
    L.geoJSON(land, {
      renderer,
      interactive: false,
      style: { color: '#a7aca0', weight: 0.7, fillColor: '#f2f1ea', fillOpacity: 1 },
    }).addTo(map);
    addCountryLabels(land);
    loadTownLabels();
  } catch (err) {
    container.dataset.basemap = 'failed';
    console.warn('basemap not loaded', err);
    return;
  }
  container.dataset.basemap = 'ok';
}

// TopoJSON rings that cross ±180° (Russia, Fiji, Antarctica) jump from one edge of the world to
// the other; drawn as they are, those edges become grey bands across the map. Each ring is
// unwrapped into continuous longitudes (Chukotka at 190° rather than -170°), a ring around a
// pole is closed along it, and a polygon pushed past 180° gets a copy shifted back by 360°, so
// both sides of the antimeridian show it.
export function splitAntimeridian(fc) {
  const unwrap = (ring) => {
    const out = [ring[0].slice()];
    let shift = 0;
    for (let i = 1; i < ring.length; i++) {
      const d = ring[i][0] - ring[i - 1][0];
      if (d > 180) shift -= 360;
      else if (d < -180) shift += 360;
      out.push([ring[i][0] + shift, ring[i][1]]);
    }
    if (shift !== 0) {
      const pole = out.reduce((s, p) => s + p[1], 0) / out.length < 0 ? -90 : 90;
      out.push([out[out.length - 1][0], pole], [out[0][0], pole], out[0].slice());
    }
    return out;
  };
  const fixPolygon = (poly) => {
    const rings = poly.map(unwrap);
    const lons = rings[0].map((p) => p[0]);
    const [lo, hi] = [Math.min(...lons), Math.max(...lons)];
    const copies = [rings];
    if (hi > 180) copies.push(rings.map((r) => r.map(([x, y]) => [x - 360, y])));
    if (lo < -180) copies.push(rings.map((r) => r.map(([x, y]) => [x + 360, y])));
    return copies;
  };
  for (const f of fc.features) {
    const g = f.geometry;
    if (!g) continue;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : null;
    if (!polys || !polys.some((p) => p.some((r) => r.some((pt, i) => i && Math.abs(pt[0] - r[i - 1][0]) > 180)))) continue;
    f.geometry = { type: 'MultiPolygon', coordinates: polys.flatMap(fixPolygon) };
  }
  return fc;
}

function labelPane() {
  if (!map.getPane('fp-labels')) {
    const pane = map.createPane('fp-labels');
    pane.style.zIndex = '450';
    pane.style.pointerEvents = 'none';
  }
  return 'fp-labels';
}

// Country names at the centre of each country's largest polygon, between COUNTRY_ZOOM's zooms.
function addCountryLabels(land) {
  labelPane();
  const labels = L.layerGroup();
  for (const f of land.features) {
    const name = f.properties && f.properties.name;
    const g = f.geometry;
    if (!name || !g) continue;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    let best = null;
    let bestArea = 0;
    for (const poly of polys) {
      const ring = poly[0];
      let [w, s, e, n] = [Infinity, 90, -Infinity, -90];
      for (const [x, y] of ring) {
        w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
      }
      const area = (e - w) * (n - s);
      if (area > bestArea) {
        bestArea = area;
        best = [(s + n) / 2, (w + e) / 2];
      }
    }
    if (!best || bestArea < 0.5 || best[1] > 180 || best[1] < -180) continue;
    const label = h('span', null, name);
    labels.addLayer(L.marker(best, {
      icon: L.divIcon({ html: label, className: 'fp-country', iconSize: null }),
      interactive: false,
      keyboard: false,
      pane: 'fp-labels',
    }));
  }
  const update = () => {
    const z = map.getZoom();
    if (z >= COUNTRY_ZOOM[0] && z <= COUNTRY_ZOOM[1]) labels.addTo(map);
    else labels.remove();
  };
  map.on('zoomend', update);
  update();
}

// Town names (GeoNames' large towns, bundled in basemap/places.json): larger towns first, a town
// shown only where its label overlaps no label already placed, more towns as the map zooms in.
let towns = [];
let townLayer = null;

async function loadTownLabels() {
  try {
    const res = await fetch('basemap/places.json');
    towns = (await res.json()).rows || [];
  } catch (err) {
    console.warn('town labels not loaded', err);
    return;
  }
  townLayer = L.layerGroup().addTo(map);
  map.on('moveend', drawTownLabels);
  drawTownLabels();
}

function drawTownLabels() {
  if (!townLayer) return;
  townLayer.clearLayers();
  const z = map.getZoom();
  const minK = TOWN_MIN_K[Math.min(7, Math.floor(z))];
  const view = map.getBounds().pad(0.05);
  const placed = [];
  const pane = labelPane();
  for (const [name, lat, lon, popK, capital] of towns) {
    if (placed.length >= MAX_TOWN_LABELS) break;
    if (!(minK !== undefined && popK >= minK) && !(capital && z >= CAPITAL_ZOOM)) continue;
    const at = L.latLng(lat, lon);
    if (!view.contains(at)) continue;
    const p = map.latLngToContainerPoint(at);
    const w = name.length * 6.2 + 12;
    const box = [p.x - 4, p.y - 8, p.x + w, p.y + 8];
    if (placed.some((b) => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
    placed.push(box);
    townLayer.addLayer(L.marker(at, {
      icon: L.divIcon({ html: h('span', null, name), className: capital ? 'fp-town capital' : 'fp-town', iconSize: null }),
      interactive: false,
      keyboard: false,
      pane,
    }));
  }
  map.getContainer().dataset.townLabels = String(placed.length);
}

// The box of a cluster's own markers, trimmed of its outliers: the central CLUSTER_CORE share of
// its latitudes and longitudes (all of them for a small cluster).
export function clusterCore(latlngs) {
  const n = latlngs.length;
  if (n < 10) return L.latLngBounds(latlngs);
  const cut = Math.floor((n * (1 - CLUSTER_CORE)) / 2);
  const lats = latlngs.map((p) => p.lat).sort((a, b) => a - b);
  const lngs = latlngs.map((p) => p.lng).sort((a, b) => a - b);
  return L.latLngBounds([lats[cut], lngs[cut]], [lats[n - 1 - cut], lngs[n - 1 - cut]]);
}

function zoomToCluster(c) {
  const latlngs = c.getAllChildMarkers().map((m) => m.getLatLng());
  const core = clusterCore(latlngs);
  const zoom = Math.min(map.getMaxZoom(), Math.max(map.getZoom() + 1, map.getBoundsZoom(core.pad(0.15))));
  if (map.getZoom() >= map.getMaxZoom()) {
    c.spiderfy();
    return;
  }
  const box = core.pad(0.15);
  map.getContainer().dataset.clusterBox = [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()]
    .map((v) => v.toFixed(3)).join(',');
  map.setView(core.getCenter(), zoom, { animate: false });
}

export function boundsString() {
  if (!map) return null;
  const b = map.getBounds();
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const w = clamp(b.getWest(), -180, 180).toFixed(3);
  const s = clamp(b.getSouth(), -90, 90).toFixed(3);
  const e = clamp(b.getEast(), -180, 180).toFixed(3);
  const n = clamp(b.getNorth(), -90, 90).toFixed(3);
  return `${w},${s},${e},${n}`;
}

export function showEvents(events, { fit = true } = {}) {
  if (!map) return 0;
  cluster.clearLayers();
  const markers = [];
  for (const ev of events) {
    const loc = ev.location;
    if (!loc || typeof loc.lat !== 'number' || typeof loc.lon !== 'number') continue;
    const type = ev.acled?.event_type || 'Other';
    const pin = h('span', { class: 'fp-pin-dot' });
    pin.style.background = typeColor(ev.acled?.event_type);
    const icon = L.divIcon({ html: pin, className: 'fp-pin', iconSize: [14, 14] });
    const title = `${ev.date || 'undated'} · ${ev.acled?.sub_event_type || type} · ${loc.name || ''}`;
    const marker = L.marker([loc.lat, loc.lon], { icon, keyboard: false, title, fpType: type });
    marker.on('click', () => onOpen(ev.id, null));
    markers.push(marker);
  }
  cluster.addLayers(markers);
  if (fit && markers.length) {
    const bounds = L.latLngBounds(markers.map((m) => m.getLatLng()));
    map.fitBounds(bounds.pad(0.1), {
      maxZoom: 7, animate: false, paddingTopLeft: [20, 44], paddingBottomRight: [20, 34],
    });
  }
  map.getContainer().dataset.markers = String(markers.length);
  return markers.length;
}

export function selectEvent(ev) {
  if (!map) return;
  if (selected) {
    selected.remove();
    selected = null;
  }
  const loc = ev?.location;
  if (!loc || typeof loc.lat !== 'number' || typeof loc.lon !== 'number') return;
  if (!map.getPane('fp-selected')) {
    const pane = map.createPane('fp-selected');
    pane.style.zIndex = '650';
    pane.style.pointerEvents = 'none';
  }
  selected = L.circleMarker([loc.lat, loc.lon], {
    radius: 16, color: '#111', weight: 3, fill: false, interactive: false, pane: 'fp-selected', className: 'fp-selected',
  }).addTo(map);
  if (loc.name) {
    selected.bindTooltip(h('span', null, loc.name), {
      permanent: true, direction: 'right', offset: [16, 0], className: 'fp-place-label', pane: 'fp-selected',
    });
  }
  // Close enough to see the place, not so close that the surroundings vanish; events placed only
  // at a region or country centroid get a wider view.
  const precise = !loc.geo_precision || loc.geo_precision < 3;
  map.setView(selected.getLatLng(), Math.max(map.getZoom(), precise ? 6 : 5), { animate: false });
}

export function clearSelection() {
  if (selected) selected.remove();
  selected = null;
}

export function invalidate() {
  map?.invalidateSize();
}

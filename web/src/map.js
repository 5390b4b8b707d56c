// The map: an offline Natural Earth basemap (TopoJSON from world-atlas, drawn as a GeoJSON layer,
// no tile server) and clustered event markers coloured by event type.
import L from './leaflet-global.js';
import 'leaflet.markercluster';
import { feature } from 'topojson-client';
import { h } from './dom.js';
import { TYPE_COLORS, OTHER_COLOR, typeColor } from './colors.js';

let map = null;
let cluster = null;
let selected = null;
let onOpen = () => {};
let onBoundsChange = () => {};

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
    const items = [...Object.entries(TYPE_COLORS), ['Other / uncoded', OTHER_COLOR]].map(([name, color]) => {
      const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      sw.style.background = color;
      return h('li', null, sw, name);
    });
    const box = h('div', { class: 'fp-legend', role: 'group', 'aria-label': 'Marker colours by event type' },
      h('ul', null, items));
    L.DomEvent.disableClickPropagation(box);
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
    iconCreateFunction: clusterIcon,
  });
  cluster.addTo(map);
  map.on('moveend', () => onBoundsChange(boundsString()));
  try {
    const res = await fetch('basemap/countries-50m.json');
    const topo = await res.json();
    const land = feature(topo, topo.objects.countries);
    const renderer = L.canvas({ padding: 0.5 });
    L.geoJSON(land, {
      renderer,
      interactive: false,
      style: { color: '#a7aca0', weight: 0.7, fillColor: '#f2f1ea', fillOpacity: 1 },
    }).addTo(map);
    addCountryLabels(land);
  } catch (err) {
    container.dataset.basemap = 'failed';
    console.warn('basemap not loaded', err);
    return;
  }
  container.dataset.basemap = 'ok';
}

// Country names at the centre of each country's largest polygon, shown from zoom 4 on.
function addCountryLabels(land) {
  const pane = map.createPane('fp-labels');
  pane.style.zIndex = '450';
  pane.style.pointerEvents = 'none';
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
      let [w, s, e, n] = [180, 90, -180, -90];
      for (const [x, y] of ring) {
        w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
      }
      const area = (e - w) * (n - s);
      if (area > bestArea) {
        bestArea = area;
        best = [(s + n) / 2, (w + e) / 2];
      }
    }
    if (!best || bestArea < 0.5) continue;
    const label = h('span', null, name);
    labels.addLayer(L.marker(best, {
      icon: L.divIcon({ html: label, className: 'fp-country', iconSize: null }),
      interactive: false,
      keyboard: false,
      pane: 'fp-labels',
    }));
  }
  const update = () => {
    if (map.getZoom() >= 4) labels.addTo(map);
    else labels.remove();
  };
  map.on('zoomend', update);
  update();
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
    map.fitBounds(bounds.pad(0.25), { maxZoom: 7, animate: false });
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

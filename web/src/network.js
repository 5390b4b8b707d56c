// The actor network (cytoscape): actors sized by mentions, coloured by actor type, linked by the
// relations read from the articles. Choosing an actor (click, or the keyboard list) filters by it.
import cytoscape from 'cytoscape';
import { h, clear } from './dom.js';
import { actorColor, ACTOR_COLORS, TYPE_COLORS, typeColor } from './colors.js';

const MAX_NODES = 60;
let cy = null;
let host = null;
let list = null;
let info = null;
let onPick = () => {};
let graph = null;

export function initNetwork(el, { pick }) {
  host = el.querySelector('.cy');
  list = el.querySelector('.actor-list');
  info = el.querySelector('.network-info');
  onPick = pick;
}

function topGraph(g) {
  const nodes = (g.nodes || []).slice().sort((a, b) => (b.mentions || 0) - (a.mentions || 0));
  const linked = new Set();
  for (const e of g.edges || []) {
    if (e.source === e.target) continue;
    linked.add(e.source);
    linked.add(e.target);
  }
  // The drawing keeps actors that take part in a link (most mentioned first); the list beside it
  // offers the most mentioned actors whether linked or not.
  const kept = nodes.filter((n) => linked.has(n.id)).slice(0, MAX_NODES);
  const ids = new Set(kept.map((n) => n.id));
  const edges = (g.edges || []).filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target);
  return { nodes: kept, edges, listed: nodes.slice(0, 150), total: nodes.length };
}

function renderList(nodes, active) {
  clear(list);
  const sorted = nodes.slice().sort((a, b) => (b.mentions || 0) - (a.mentions || 0));
  for (const n of sorted) {
    const sw = h('span', { class: 'swatch round', 'aria-hidden': 'true' });
    sw.style.background = actorColor(n.actor_type);
    const pressed = active && active.toLowerCase() === String(n.label).toLowerCase();
    list.append(h('li', null, h('button', {
      type: 'button',
      'aria-pressed': pressed ? 'true' : 'false',
      title: `${n.label}${n.actor_type ? ` (${n.actor_type})` : ''}: ${n.mentions || 0} mentions. Filter events by this actor.`,
      onclick: () => onPick(n.label),
    }, sw, h('span', { class: 'name' }, n.label), h('span', { class: 'muted' }, String(n.mentions || 0)))));
  }
}

export function renderNetwork(g, activeActor) {
  graph = g;
  const { nodes, edges, listed, total } = topGraph(g);
  host.dataset.nodes = String(nodes.length);
  host.dataset.edges = String(edges.length);
  clear(info).append(`${nodes.length} linked actors of ${total}, ${edges.length} links (solid: events, coloured by type; dashed: relations read in the text). Click an actor to filter by it.`);
  const present = new Set(nodes.map((n) => n.actor_type));
  const legendItems = Object.entries(ACTOR_COLORS).filter(([t]) => present.has(t)).map(([t, c]) => {
    const sw = h('span', { class: 'swatch round', 'aria-hidden': 'true' });
    sw.style.background = c;
    return h('span', { class: 'legend-item' }, sw, t);
  });
  info.append(h('div', { class: 'actor-legend' }, legendItems));
  renderList(listed, activeActor);
  const maxMentions = Math.max(1, ...nodes.map((n) => n.mentions || 1));
  const maxWeight = Math.max(1, ...edges.map((e) => e.weight || 1));
  const elements = [
    ...nodes.map((n) => ({
      data: {
        id: String(n.id), label: String(n.label ?? n.id), color: actorColor(n.actor_type),
        size: 14 + 30 * Math.sqrt((n.mentions || 1) / maxMentions),
      },
    })),
    ...edges.map((e, i) => {
      const rel = String(e.relation || '');
      const isEvent = rel.startsWith('event:');
      const name = isEvent ? rel.slice(6) : rel.replace(/_/g, ' ');
      return {
        data: {
          id: `e${i}`, source: String(e.source), target: String(e.target),
          relation: e.weight > 1 ? `${name} ×${e.weight}` : name,
          color: isEvent ? (TYPE_COLORS[name] ? typeColor(name) : '#90a4ae') : '#b0b7bf',
          width: 1 + 4 * ((e.weight || 1) / maxWeight),
        },
        classes: isEvent ? 'event' : 'relation',
      };
    }),
  ];
  if (cy) cy.destroy();
  cy = cytoscape({
    container: host,
    elements,
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(color)', width: 'data(size)', height: 'data(size)', label: 'data(label)',
          'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 3, color: '#222',
          'text-outline-color': '#fff', 'text-outline-width': 2, 'border-width': 1, 'border-color': '#fff',
        },
      },
      {
        selector: 'edge',
        style: {
          width: 'data(width)', 'line-color': 'data(color)', 'curve-style': 'bezier', 'target-arrow-shape': 'triangle',
          'target-arrow-color': 'data(color)', 'arrow-scale': 0.7, opacity: 0.85,
        },
      },
      { selector: 'edge.relation', style: { 'line-style': 'dashed' } },
      { selector: 'edge:selected, edge.hover', style: { label: 'data(relation)', 'font-size': 9, 'line-color': '#555', 'target-arrow-color': '#555', 'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.8 } },
      { selector: 'node.active', style: { 'border-width': 3, 'border-color': '#111' } },
      { selector: '.faded', style: { opacity: 0.2 } },
    ],
    layout: { name: 'cose', animate: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 70, padding: 20, randomize: true },
  });
  cy.on('tap', 'node', (e) => onPick(e.target.data('label')));
  cy.on('mouseover', 'node', (e) => {
    const hood = e.target.closedNeighborhood();
    cy.elements().not(hood).addClass('faded');
    hood.edges().addClass('hover');
  });
  cy.on('mouseout', 'node', () => cy.elements().removeClass('faded').removeClass('hover'));
  cy.on('mouseover', 'edge', (e) => e.target.addClass('hover'));
  cy.on('mouseout', 'edge', (e) => e.target.removeClass('hover'));
  markActive(activeActor);
}

export function markActive(actor) {
  if (!cy) return;
  cy.resize();
  cy.nodes().removeClass('active');
  if (!actor) return;
  const wanted = actor.toLowerCase();
  cy.nodes().filter((n) => String(n.data('label')).toLowerCase().includes(wanted)).addClass('active');
  if (graph) renderList(topGraph(graph).listed, actor);
}

export function resizeNetwork() {
  if (cy) {
    cy.resize();
    cy.fit(undefined, 20);
  }
}

export function hasNetwork() {
  return cy !== null;
}

// Colours by ACLED event type (markers, legend, table swatches) and by actor type (network).
// Event-type colours come from src/flashpoint/data/ontology.yaml (acled_event_types), put in by
// build.mjs: the situation report draws with the same palette.
/* global __TYPE_COLORS__ */
export const TYPE_COLORS = __TYPE_COLORS__.colors;
export const OTHER_COLOR = __TYPE_COLORS__.other.color;
export const OTHER_LABEL = __TYPE_COLORS__.other.name;

export function typeColor(type) {
  return TYPE_COLORS[type] || OTHER_COLOR;
}

export const ACTOR_COLORS = {
  'State forces': '#1565c0',
  'Rebel group': '#c62828',
  'Political militia': '#ef6c00',
  'Identity militia': '#8d6e63',
  'Rioters': '#ad1457',
  'Protesters': '#2e7d32',
  'Civilians': '#9e9e9e',
  'External/Other forces': '#6a1b9a',
  'Armed person': '#d81b60',
  'Organisation': '#00897b',
  'Person': '#78909c',
};

export function actorColor(type) {
  return ACTOR_COLORS[type] || '#546e7a';
}

// Colours by ACLED event type (markers, legend, table swatches) and by actor type (network).
export const TYPE_COLORS = {
  'Battles': '#c62828',
  'Explosions/Remote violence': '#ef6c00',
  'Violence against civilians': '#6a1b9a',
  'Protests': '#2e7d32',
  'Riots': '#8d6e63',
  'Strategic developments': '#1565c0',
};
export const OTHER_COLOR = '#757575';

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

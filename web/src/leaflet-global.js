// leaflet.markercluster extends the global `L`; this module runs before it is imported.
import * as Leaflet from 'leaflet';

const L = window.L || Leaflet;
window.L = L;
export default L;

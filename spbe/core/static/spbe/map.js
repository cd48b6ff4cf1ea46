/* The map widget of {% map %} (spbe/core/templatetags/maps.py) on the vendored Leaflet.
   Reads a GeoJSON answer of ours and draws its points and lines; popups are built from text nodes only,
   so a name in the data can never become markup. Every failure ends in words in the status line. */
(function () {
  "use strict";

  function say(el, text) {
    var status = el.parentNode.querySelector("[data-map-status]");
    if (status) { status.textContent = text; }
  }

  function popup(props) {
    var box = document.createElement("div");
    var title = document.createElement(props.url ? "a" : "strong");
    title.textContent = props.name || "";
    if (props.url) { title.href = props.url; }
    box.appendChild(title);
    (props.lines || []).forEach(function (line) {
      var p = document.createElement("div");
      p.textContent = String(line);
      box.appendChild(p);
    });
    return box;
  }

  function markerClass(props, base) {
    var kind = /^[a-z-]+$/.test(props.marker || "") ? props.marker : "default";
    return base + " " + base + "-" + kind;
  }

  function init(el) {
    if (typeof window.L === "undefined") { say(el, el.dataset.textError); return; }
    var L = window.L;
    var centre = (el.dataset.center || "-2.5,118").split(",").map(Number);
    var map = L.map(el, { scrollWheelZoom: false }).setView(centre, Number(el.dataset.zoom || 5));
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');  // a constant, no data
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, {
        maxZoom: Number(el.dataset.maxZoom || 19),
        attribution: el.dataset.attribution || ""
      }).addTo(map);
    }
    say(el, el.dataset.textLoading);
    fetch(el.dataset.geojson, { headers: { Accept: "application/geo+json, application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var count = 0;
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 7, className: markerClass(feature.properties || {}, "map-marker") });
          },
          // Leaflet applies this style to the circle markers too, so points keep their own class here.
          style: function (feature) {
            var point = /Point$/.test((feature.geometry || {}).type || "");
            return { className: markerClass(feature.properties || {}, point ? "map-marker" : "map-line") };
          },
          onEachFeature: function (feature, item) {
            count += 1;
            item.bindPopup(popup(feature.properties || {}));
          }
        }).addTo(map);
        var bounds = layer.getBounds();
        if (count && bounds.isValid()) {
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
          say(el, count.toLocaleString("id-ID") + " " + el.dataset.textCount);
        } else {
          say(el, el.dataset.textEmpty);
        }
        el.dataset.mapReady = String(count);
      })
      .catch(function () { say(el, el.dataset.textError); el.dataset.mapReady = "error"; });
  }

  function start() { document.querySelectorAll("[data-map]").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

// Public map: Publik reports at their coarsened (~200 m) locations, or one report's approximate area.
// The list under the map carries the same information for keyboard and screen-reader users.
(function () {
  "use strict";

  var el = document.getElementById("public-map");
  if (!el || !window.L) {
    return;
  }
  var COLOURS = {
    red: "#b3261e", orange: "#a04a00", yellow: "#7a5c00", green: "#1e6b2f", blue: "#0b5394",
    grey: "#555555", black: "#1a1a1a",
  };
  el.hidden = false;
  var map = L.map(el, { scrollWheelZoom: false }).setView([-6.2, 106.85], 11);
  window.Sigap.baseMap(map, el);

  if (el.dataset.point) {
    // One report: its approximate area inside its kelurahan's boundary.
    var point = JSON.parse(el.dataset.point);
    L.circle(point, { radius: 150, color: "#0b5394", weight: 2, fillOpacity: 0.15, interactive: false }).addTo(map);
    map.setView(point, 15);
    if (el.dataset.boundaryUrl) {
      fetch(el.dataset.boundaryUrl, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (feature) {
          if (!feature) {
            return;
          }
          var area = L.geoJSON(feature, { style: { color: "#4a4a4a", weight: 2, fill: false }, interactive: false }).addTo(map);
          map.fitBounds(area.getBounds(), { maxZoom: 16 });
        }).catch(function () {});
    }
    return;
  }

  function popup(props) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = props.category;
    title.appendChild(strong);
    var meta = document.createElement("p");
    meta.textContent = props.status + " · " + props.kelurahan + " · " + props.date;
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = (el.dataset.labelDetail || "") + " " + props.number;
    var linkP = document.createElement("p");
    linkP.appendChild(link);
    box.appendChild(title);
    box.appendChild(meta);
    box.appendChild(linkP);
    return box;
  }

  fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
    var group = L.featureGroup();
    (fc.features || []).forEach(function (f) {
      var c = f.geometry.coordinates;
      var colour = COLOURS[f.properties.colour] || COLOURS.grey;
      L.circleMarker([c[1], c[0]], { radius: 8, color: colour, fillColor: colour, fillOpacity: 0.75, weight: 2 })
        .bindPopup(popup(f.properties)).addTo(group);
    });
    group.addTo(map);
    if (group.getLayers().length) {
      map.fitBounds(group.getBounds(), { maxZoom: 15, padding: [20, 20] });
    }
  }).catch(function () {});
})();

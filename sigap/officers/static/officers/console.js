// Officer console behaviours. Loaded as a static file (the Content-Security-Policy forbids inline scripts).
(function () {
  "use strict";

  function live(text) {
    var region = document.getElementById("console-live");
    if (!region || !text) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // Refusals come back as a re-rendered panel with a 4xx status and an X-Sigap-Refusal header: show them in place.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-Sigap-Refusal")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("X-Sigap-Refusal")) { return; }
    var region = document.getElementById("console-live");
    live(region && region.getAttribute("data-msg-error"));
  });
  document.addEventListener("htmx:sendError", function () {
    var region = document.getElementById("console-live");
    live(region && region.getAttribute("data-msg-offline"));
  });
  // After an action, move focus to its result (success or refusal) so keyboard and screen-reader users land on it.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = document.querySelector("[data-focus]");
    if (target && !(event.detail.elt && event.detail.elt.id === "queue-live")) {
      target.removeAttribute("data-focus");
      target.focus();
    }
    initMaps(document);
  });

  var COLOURS = { red: "#b3261e", orange: "#a04a00", yellow: "#7a5c00", green: "#1e6b2f", blue: "#0b5394",
                  grey: "#555555", black: "#1a1a1a" };


  function reportMap(el) {
    var lat = parseFloat(el.getAttribute("data-lat"));
    var lon = parseFloat(el.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) { return; }
    var map = window.L.map(el, { scrollWheelZoom: false }).setView([lat, lon], 16);
    window.Sigap.baseMap(map, el);
    window.L.marker([lat, lon], { keyboard: false, interactive: false,
                                  alt: el.getAttribute("data-marker-label") || "" }).addTo(map);
  }

  function pointsMap(el) {
    var map = window.L.map(el, { scrollWheelZoom: false }).setView(
      [parseFloat(el.getAttribute("data-center-lat")), parseFloat(el.getAttribute("data-center-lon"))], 11);
    window.Sigap.baseMap(map, el);
    var openLabel = el.getAttribute("data-label-open") || "";
    fetch(el.getAttribute("data-points-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (data) {
        var bounds = [];
        var cellLabel = el.getAttribute("data-label-cell") || "";
        (data.cells || []).forEach(function (c) {  // reports outside the user's queue: only a count per grid cell
          var cell = window.L.circleMarker([c.lat, c.lon], { radius: Math.min(18, 6 + 2 * Math.sqrt(c.count)),
            color: COLOURS.grey, fillColor: COLOURS.grey, fillOpacity: 0.35, weight: 1 });
          cell.bindPopup(document.createTextNode(c.count + " " + cellLabel));
          cell.addTo(map);
          bounds.push([c.lat, c.lon]);
        });
        var statuses = data.statuses || {};
        var at = {};  // each point is a row of data.columns: lat, lon, number, status, category, unit
        (data.columns || []).forEach(function (name, i) { at[name] = i; });
        (data.points || []).forEach(function (row) {
          var lat = row[at.lat], lon = row[at.lon], number = row[at.number];
          var status = statuses[row[at.status]] || {};
          var colour = COLOURS[status.colour] || COLOURS.grey;
          var marker = window.L.circleMarker([lat, lon], { radius: 6, color: colour, fillColor: colour, fillOpacity: 0.8, weight: 1 });
          var box = document.createElement("div");
          var title = document.createElement("strong");
          title.textContent = number;
          box.appendChild(title);
          box.appendChild(document.createElement("br"));
          box.appendChild(document.createTextNode(
            [row[at.category], status.label].filter(function (t) { return t; }).join(" — ")));
          if (row[at.unit]) {
            box.appendChild(document.createElement("br"));
            box.appendChild(document.createTextNode(row[at.unit]));
          }
          if (data.report_url) {
            box.appendChild(document.createElement("br"));
            var a = document.createElement("a");
            a.href = data.report_url.replace("~", encodeURIComponent(number));
            a.textContent = openLabel;
            box.appendChild(a);
          }
          marker.bindPopup(box);
          marker.addTo(map);
          bounds.push([lat, lon]);
        });
        var note = document.getElementById(el.getAttribute("data-truncated-note") || "");
        if (note && data.truncated) { note.hidden = false; }  // more open reports than the map shows
        if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 }); }
      })
      .catch(function () { /* the tables above carry the same information */ });
  }

  function initMaps(root) {
    if (!window.L) { return; }
    root.querySelectorAll(".js-map:not([data-ready])").forEach(function (el) {
      el.setAttribute("data-ready", "1");
      if (el.hasAttribute("data-points-url")) { pointsMap(el); } else { reportMap(el); }
    });
  }

  function ready() {
    initMaps(document);
    // a result or refusal rendered by the server (no htmx involved): take the focus to it
    var target = document.querySelector("[data-focus]");
    if (target) {
      target.removeAttribute("data-focus");
      target.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();

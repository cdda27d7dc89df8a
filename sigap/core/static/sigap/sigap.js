// Small behaviours shared by every page. No inline scripts anywhere (Content-Security-Policy).
(function () {
  "use strict";
  // A search over a category <select> (sigap/_category_search.html): option texts and data-keywords, every word
  // in any order; one match is chosen, several are offered as buttons that choose one.
  function normalize(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function categorySearch(wrap) {
    var select = document.getElementById(wrap.dataset.categorySearch);
    var search = wrap.querySelector("input[type=search]");
    var count = wrap.querySelector("[aria-live]");
    var matches = wrap.querySelector(".category-matches");
    if (!select || !search || !count || !matches) {
      return;
    }
    function msg(name, value) {
      return (wrap.dataset["msg" + name] || "").replace("{n}", value);
    }
    function choose(option) {
      if (select.value !== option.value) {
        select.value = option.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    wrap.hidden = false;
    search.addEventListener("input", function () {
      var words = normalize(search.value).split(/\s+/).filter(Boolean);
      var shown = [];
      select.querySelectorAll("option").forEach(function (option) {
        if (!option.value) {
          return;
        }
        var haystack = normalize(option.textContent + " " + (option.dataset.keywords || ""));
        var match = words.every(function (w) { return haystack.indexOf(w) >= 0; });
        option.hidden = !match;
        option.disabled = !match && option.value !== select.value;
        if (match) {
          shown.push(option);
        }
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      matches.textContent = "";
      if (!words.length) {
        count.textContent = "";
      } else if (shown.length === 1) {
        choose(shown[0]);
        count.textContent = msg("One", shown[0].textContent.trim());
      } else {
        count.textContent = msg("Count", String(shown.length));
        shown.slice(0, 8).forEach(function (option) {
          var b = document.createElement("button");
          b.type = "button";
          b.className = "btn btn-small btn-secondary";
          b.textContent = option.textContent.trim();
          b.addEventListener("click", function () {
            choose(option);
            matches.textContent = "";
            count.textContent = msg("Chosen", option.textContent.trim());
            select.focus();
          });
          matches.appendChild(b);
        });
      }
    });
  }
  // Keeping a tracking code (report_done.html): copy it, or save it as a small text file on this device.
  function keepCodes(box) {
    var text = box.dataset.keepText || "";
    var status = box.querySelector("[data-keep-status]");
    box.hidden = false;
    var copy = box.querySelector("[data-keep-copy]");
    if (copy && navigator.clipboard) {
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(text).then(function () { status.textContent = box.dataset.msgCopied || ""; });
      });
    } else if (copy) {
      copy.hidden = true;
    }
    // the phone's own share sheet (WhatsApp, email, notes...): Sigap sends nothing anywhere itself
    var share = box.querySelector("[data-keep-share]");
    if (share && navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ text: text }).catch(function () {});
      });
    }
    var save = box.querySelector("[data-keep-save]");
    if (save) {
      save.addEventListener("click", function () {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
        a.download = box.dataset.keepFile || "sigap.txt";
        document.body.appendChild(a);
        a.click();
        a.remove();
      });
    }
  }
  // The base layer of a Leaflet map, from the map element's data (sigap/_map_data.html). When no tile loads (a
  // weak connection, a city intranet, a tile server that refuses) the map says so under itself and draws the kota
  // outlines, so a resident or an officer still sees where things are; a map with no tile server configured
  // draws the outlines from the start.
  function baseMap(map, el) {
    var d = el.dataset;
    var outlined = false;
    function outlines() {
      if (outlined || !d.outlineUrl) {
        return;
      }
      outlined = true;
      fetch(d.outlineUrl, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (fc) {
          if (fc) {
            window.L.geoJSON(fc, { style: { className: "map-outline", color: "#4a4a4a", weight: 1, fill: false },
              interactive: false }).addTo(map);
          }
        }).catch(function () {});
    }
    if (!d.tileUrl) {
      outlines();
      return;
    }
    var layer = window.L.tileLayer(d.tileUrl, { attribution: d.tileAttribution || "", maxZoom: 19 });
    var loaded = 0;
    var failed = 0;
    var gaveUp = false;
    function giveUp() {
      if (gaveUp || loaded) {
        return;
      }
      gaveUp = true;
      map.removeLayer(layer);
      outlines();
      var notice = document.createElement("p");
      notice.className = "map-notice";
      notice.setAttribute("role", "status");
      notice.textContent = d.msgTileFail || "";
      el.parentNode.insertBefore(notice, el.nextSibling);
    }
    layer.on("tileload", function () { loaded += 1; });
    layer.on("tileerror", function () {
      failed += 1;
      if (failed >= 3) {
        giveUp();
      }
    });
    layer.addTo(map);
    window.setTimeout(giveUp, 12000);  // nothing loaded nor refused: a connection that hangs
  }
  window.Sigap = { baseMap: baseMap };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-category-search]").forEach(categorySearch);
    document.querySelectorAll("[data-keep]").forEach(keepCodes);
  });

  // htmx: show refusals from the server (4xx JSON or HTML) in place instead of silently ignoring them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422 || status === 403 || status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();

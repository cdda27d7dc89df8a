// The report form ("Buat laporan"): category search, privacy choices, the location map, geolocation,
// the kota/kecamatan/kelurahan selects, the photo GPS check and the similar-reports check.
// Everything here is an enhancement: without JavaScript the form still works with plain selects.
(function () {
  "use strict";

  var form = document.getElementById("report-form");
  if (!form) {
    return;
  }
  var data = form.dataset;
  var csrf = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var latInput = document.getElementById("id_lat");
  var lonInput = document.getElementById("id_lon");
  var statusEl = document.getElementById("location-status");
  var category = document.getElementById("id_category");
  var JAKARTA = [-6.2, 106.85];

  function msg(name, value) {
    var text = data["msg" + name] || "";
    return value === undefined ? text : text.replace("{n}", value);
  }

  function show(id) {
    var el = document.getElementById(id);
    if (el) {
      el.hidden = false;
    }
    return el;
  }

  function setStatus(text) {
    statusEl.textContent = text || "";
  }

  // --- privacy: sensitive categories cannot be public; Anonim hides the contact fields --------------
  var publicRadio = document.getElementById("privacy-public");
  var privateRadio = document.getElementById("privacy-private");
  var contact = document.getElementById("contact-fieldset");

  function updatePrivacy() {
    var anonymous = form.querySelector("input[name=privacy]:checked");
    contact.hidden = !!anonymous && anonymous.value === "anonymous";
  }

  function updateCategory() {
    var option = category.selectedOptions[0];
    var sensitive = !!option && option.dataset.sensitive === "1";
    publicRadio.disabled = sensitive;
    document.getElementById("category-sensitive-note").hidden = !sensitive;
    document.getElementById("geolocate-sensitive-note").hidden = !sensitive;
    document.getElementById("privacy-public-disabled").hidden = !sensitive;
    if (sensitive && publicRadio.checked) {
      privateRadio.checked = true;
      updatePrivacy();
    }
  }

  form.querySelectorAll("input[name=privacy]").forEach(function (radio) {
    radio.addEventListener("change", updatePrivacy);
  });
  category.addEventListener("change", function () {
    updateCategory();
    similarSoon();
  });
  updateCategory();
  updatePrivacy();

  // --- similar reports nearby (htmx: the button listens for "sigap:similar" on body) ----------------
  var similarTimer = null;
  show("similar-section");
  show("similar-check");

  function hasLocation() {
    var kel = document.getElementById("id_kelurahan");
    return !!(latInput.value && lonInput.value) || !!(kel && kel.value);
  }

  // An advisory check (nothing stored): the form's place (pin, else kelurahan) sent with ``fields``; its JSON answer.
  function checkWithPlace(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (name) { body.append(name, fields[name]); });
    var kel = document.getElementById("id_kelurahan");
    body.append("lat", latInput.value);
    body.append("lon", lonInput.value);
    body.append("kelurahan", kel ? kel.value : "");
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf },
    }).then(function (response) { return response.json(); });
  }

  // --- the address against the place chosen: a warning, nothing stored ----------------------------
  var addressInput = document.getElementById("id_address");
  var addressWarning = document.getElementById("address-warning");
  var addressTimer = null;
  var addressAsked = 0;

  function checkAddressSoon() {
    clearTimeout(addressTimer);
    addressTimer = setTimeout(function () {
      var asked = ++addressAsked;
      if (!addressInput || !data.addressCheckUrl || !addressInput.value.trim() || !hasLocation()) {
        addressWarning.hidden = true;
        return;
      }
      checkWithPlace(data.addressCheckUrl, { address: addressInput.value }).then(function (result) {
        if (asked !== addressAsked) {
          return;
        }
        addressWarning.textContent = result.warning || "";
        addressWarning.hidden = !result.warning;
      }).catch(function () { /* advisory: the report is filed where the resident put it */ });
    }, 400);
  }

  if (addressInput) {
    addressInput.addEventListener("change", checkAddressSoon);
  }

  function similarSoon() {
    checkAddressSoon();
    clearTimeout(similarTimer);
    similarTimer = setTimeout(function () {
      if (category.value && hasLocation()) {
        document.body.dispatchEvent(new CustomEvent("sigap:similar"));
      }
    }, 250);
  }

  // --- photos: preview and the GPS check (nothing is stored by the check) ---------------------------
  var photoInput = document.getElementById("id_photos");
  var preview = document.getElementById("photo-preview");
  var photoWarnings = document.getElementById("photo-warnings");
  var photoGeneration = 0;
  var maxPhotos = parseInt(data.maxPhotos || "5", 10);
  var maxPhotoBytes = parseInt(data.maxPhotoBytes || "0", 10);
  var maxUploadBytes = parseInt(data.maxUploadBytes || "0", 10);

  function megabytes(bytes) {
    return String(Math.floor(bytes / (1024 * 1024)));
  }

  function addPhotoNote(text, kind) {
    var p = document.createElement("p");
    p.className = "alert alert-" + (kind || "warning");
    p.textContent = text;
    photoWarnings.appendChild(p);
  }

  function checkPhotos() {
    var files = Array.prototype.slice.call(photoInput.files || []);
    var generation = ++photoGeneration;
    photoWarnings.textContent = "";
    if (files.length > maxPhotos) {
      addPhotoNote(msg("Toomanyphotos", String(maxPhotos)), "error");
    }
    // the server's limits, said at once beside the photos (a photo over its limit is not even sent to the check)
    var total = files.slice(0, maxPhotos).reduce(function (sum, file) { return sum + file.size; }, 0);
    if (maxUploadBytes && total > maxUploadBytes) {
      addPhotoNote(msg("Photostoobig", megabytes(maxUploadBytes)), "error");
    }
    files.slice(0, maxPhotos).forEach(function (file) {
      if (maxPhotoBytes && file.size > maxPhotoBytes) {
        addPhotoNote(file.name + ": " + msg("Phototoobig", megabytes(maxPhotoBytes)), "error");
        return;
      }
      checkWithPlace(data.photoCheckUrl, { photo: file }).then(function (result) {
        if (generation !== photoGeneration) {
          return;
        }
        (result.errors || []).forEach(function (text) { addPhotoNote(file.name + ": " + text, "error"); });
        (result.warnings || []).forEach(function (text) { addPhotoNote(file.name + ": " + text, "warning"); });
      }).catch(function () { /* the check is advisory; the server checks again on submit */ });
    });
  }

  function renderPreview() {
    preview.textContent = "";
    Array.prototype.slice.call(photoInput.files || [], 0, maxPhotos).forEach(function (file) {
      var img = document.createElement("img");
      img.src = URL.createObjectURL(file);
      img.alt = file.name;
      img.addEventListener("load", function () { URL.revokeObjectURL(img.src); });
      preview.appendChild(img);
    });
  }

  photoInput.addEventListener("change", function () {
    var reselect = document.getElementById("photos-reselect");
    if (reselect) {
      reselect.hidden = true;
    }
    renderPreview();
    checkPhotos();
  });

  // --- the map ----------------------------------------------------------------------------------
  var mapEl = document.getElementById("report-map");
  var map = null;
  var marker = null;
  var boundary = null;
  var boundaryWanted = "";

  // The outline of a kelurahan (or of the kecamatan or kota chosen so far); fit: zoom the map to it.
  function drawBoundary(code, fit) {
    if (!map) {
      return;
    }
    boundaryWanted = code;
    if (boundary) {
      map.removeLayer(boundary);
      boundary = null;
    }
    if (!code) {
      return;
    }
    fetch(data.boundaryUrl.replace("CODE", encodeURIComponent(code)), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (feature) {
        if (!feature || !map || code !== boundaryWanted) {  // a later choice has asked for another outline
          return;
        }
        if (boundary) {
          map.removeLayer(boundary);
        }
        boundary = L.geoJSON(feature, {
          style: { className: "map-area", color: "#0b5394", weight: 2, fillOpacity: 0.08 }, interactive: false,
        }).addTo(map);
        if (fit) {
          map.fitBounds(boundary.getBounds(), { maxZoom: 16 });
        }
      }).catch(function () {});
  }

  function placeMarker(lat, lon) {
    if (!map) {
      return;
    }
    if (!marker) {
      marker = L.marker([lat, lon], { draggable: true, keyboard: true, title: msg("Marker"), alt: msg("Marker") }).addTo(map);
      marker.on("dragend", function () {
        var p = marker.getLatLng();
        setPoint(p.lat, p.lng, "map");
      });
    } else {
      marker.setLatLng([lat, lon]);
    }
  }

  function clearPoint() {
    latInput.value = "";
    lonInput.value = "";
    if (marker && map) {
      map.removeLayer(marker);
      marker = null;
    }
    drawBoundary("");
    setStatus("");
  }

  // A pin from the map or the geolocation button: locate it, which re-renders the selects.
  function setPoint(lat, lon, source) {
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    placeMarker(lat, lon);
    if (source !== "kelurahan") {
      setStatus(msg("Locating"));
      htmx.ajax("POST", data.regionUrl, {
        target: "#region-block", swap: "outerHTML settle:0ms", values: { lat: latInput.value, lon: lonInput.value },
        headers: { "X-CSRFToken": csrf },
      });
    }
    if (photoInput.files && photoInput.files.length) {
      checkPhotos();
    }
    similarSoon();
  }

  if (mapEl && window.L) {
    mapEl.hidden = false;
    map = L.map(mapEl, { scrollWheelZoom: false, zoomControl: false }).setView(JAKARTA, 11);
    L.control.zoom({ zoomInTitle: msg("Zoomin"), zoomOutTitle: msg("Zoomout") }).addTo(map);
    window.Sigap.baseMap(map, mapEl);
    map.on("click", function (event) {
      setPoint(event.latlng.lat, event.latlng.lng, "map");
    });
    if (latInput.value && lonInput.value) {
      var lat0 = parseFloat(latInput.value);
      var lon0 = parseFloat(lonInput.value);
      placeMarker(lat0, lon0);
      map.setView([lat0, lon0], 15);
    }
  }

  var kelInit = document.getElementById("region-block");
  if (kelInit && kelInit.dataset.kelurahan) {
    drawBoundary(kelInit.dataset.kelurahan, !(latInput.value && lonInput.value));
  }

  // --- geolocation ------------------------------------------------------------------------------
  var geoButton = document.getElementById("geolocate-btn");
  if (geoButton && navigator.geolocation) {
    show("map-tools");
    geoButton.addEventListener("click", function () {
      setStatus(msg("Geowait"));
      navigator.geolocation.getCurrentPosition(function (position) {
        var lat = position.coords.latitude;
        var lon = position.coords.longitude;
        if (map) {
          map.setView([lat, lon], 16);
        }
        setPoint(lat, lon, "geo");
      }, function () {
        setStatus(msg("Geoerror"));
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  // --- the kota → kecamatan → kelurahan selects -------------------------------------------------
  // Choosing a kelurahan puts the pin at its inner point. Choosing a kota or kecamatan (htmx re-renders
  // the block) starts over: the last way the resident chose the place wins.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el || el.id !== "id_kelurahan") {
      return;
    }
    var option = el.selectedOptions[0];
    if (!option || !option.value) {
      clearPoint();
      return;
    }
    var lat = parseFloat(option.dataset.lat);
    var lon = parseFloat(option.dataset.lon);
    if (isFinite(lat) && isFinite(lon)) {
      setPoint(lat, lon, "kelurahan");
      drawBoundary(option.value, true);
      setStatus(msg("Kelurahanchosen", option.textContent.trim()));
    }
    var kota = document.getElementById("id_kota");
    if (kota && !kota.value) {  // chosen straight from the full list: fill in kota and kecamatan
      htmx.ajax("GET", data.regionUrl + "?kelurahan=" + encodeURIComponent(option.value),
        { target: "#region-block", swap: "outerHTML settle:0ms" });
    }
  });

  // htmx:afterSwap fires on the new block in the same task as the swap, before the resident can act again.
  document.addEventListener("htmx:afterSwap", function (event) {
    var block = event.target;
    if (!block || block.id !== "region-block") {
      return;
    }
    var kelurahan = document.getElementById("id_kelurahan");
    if (block.dataset.located) {
      setStatus("");
      drawBoundary(block.dataset.kelurahan, false);
      similarSoon();
    } else if (block.dataset.error) {
      setStatus("");
      drawBoundary("");
    } else if (!block.dataset.kelurahan && !(kelurahan && kelurahan.value)) {
      clearPoint();
      if (block.dataset.area) {  // a kota or kecamatan chosen: show it, without choosing a place in it
        drawBoundary(block.dataset.area, true);
      }
    }
  });
  // --- sending: in place, so nothing the resident chose is lost -------------------------------------
  // A plain form post loses the chosen photos whenever the server refuses the form (a missing location, say),
  // and everything on a dropped connection. Sent with fetch, a refusal comes back as the re-rendered form, whose
  // errors are shown here, on the form the resident is still holding (photos, map pin and all). The hidden
  // submission key makes a second send of the same form answer the first report, never file a second one.
  var sending = false;
  var submitButton = document.getElementById("submit-report");
  var problem = document.getElementById("send-problem");

  function showProblem(text) {
    problem.textContent = text;
    problem.hidden = false;
    problem.focus();
  }

  function showServerErrors(doc) {
    form.querySelectorAll(".field-error, #photos-reselect").forEach(function (el) { el.remove(); });
    var oldSummary = document.getElementById("error-summary");
    if (oldSummary) {
      oldSummary.remove();
    }
    form.querySelectorAll("input[id], select[id], textarea[id]").forEach(function (el) {
      var fresh = doc.getElementById(el.id);
      if (!fresh) {
        return;
      }
      ["aria-invalid", "aria-describedby"].forEach(function (name) {
        var value = fresh.getAttribute(name);
        if (value && name === "aria-describedby") {
          value = value.split(" ").filter(function (id) { return id !== "photos-reselect"; }).join(" ");
        }
        if (value) {
          el.setAttribute(name, value);
        } else {
          el.removeAttribute(name);
        }
      });
    });
    // each field's error goes where the server put it: before the next element that has an id
    doc.querySelectorAll("#report-form .field-error").forEach(function (error) {
      var anchor = error.nextElementSibling;
      while (anchor && !anchor.id) {
        anchor = anchor.nextElementSibling;
      }
      var here = anchor && document.getElementById(anchor.id);
      if (here && form.contains(here)) {
        here.parentNode.insertBefore(document.importNode(error, true), here);
      }
    });
    var summary = doc.getElementById("error-summary");
    if (summary) {
      summary = document.importNode(summary, true);
      form.parentNode.insertBefore(summary, form);
      summary.focus();
    } else {
      showProblem(msg("Sendfailed"));
    }
  }

  if (window.fetch && window.FormData && window.DOMParser && problem) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (sending) {
        return;
      }
      sending = true;
      submitButton.disabled = true;
      submitButton.setAttribute("aria-busy", "true");
      problem.hidden = true;
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual" })
        .then(function (response) {
          if (response.type === "opaqueredirect") {  // filed: the done page shows the number and codes once
            // replace: Back must not return to this filled form (a shared phone), and its key is spent
            form.querySelector("input[name=submission]").value = "";
            window.location.replace(data.doneUrl);
            return null;
          }
          return response.text().then(function (html) {
            if (response.status === 200) {
              showServerErrors(new DOMParser().parseFromString(html, "text/html"));
              return;
            }
            // a request the limits refused (too large, unreadable: a 4xx page saying why) is not "try again"
            var refused = response.status >= 400 && response.status < 500 && response.status !== 429
              ? new DOMParser().parseFromString(html, "text/html").querySelector(".refused p") : null;
            if (refused && refused.textContent.trim()) {
              showProblem(refused.textContent.trim());
            } else {
              showProblem(msg(response.status === 429 ? "Sendbusy" : "Sendfailed"));
            }
          });
        })
        .catch(function () { showProblem(msg("Sendoffline")); })
        .then(function () {
          sending = false;
          submitButton.disabled = false;
          submitButton.removeAttribute("aria-busy");
        });
    });
  }
})();

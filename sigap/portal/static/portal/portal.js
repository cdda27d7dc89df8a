// Citizen portal: behaviour shared by every portal page. No inline scripts (Content-Security-Policy).
(function () {
  "use strict";

  function focusMarked() {
    var el = document.querySelector("[data-focus]");
    if (el) {
      el.removeAttribute("data-focus");
      el.focus();
    }
  }

  // After an htmx swap (journey actions, "this is the same report"), move focus to the message that
  // says what happened, so keyboard and screen-reader users are not left on a vanished button.
  document.addEventListener("htmx:afterSettle", focusMarked);

  // "Laporan saya": reports the resident chose to keep on this device (number and tracking code, never the
  // secret), in the browser's own storage, so they outlive the session. Nothing of it is sent to the server
  // except a code posted to the Lacak form when the resident opens that report.
  var KEY = "sigap.laporanSaya";
  function mine() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }
  function keep(list) {
    try {
      if (list.length) {
        window.localStorage.setItem(KEY, JSON.stringify(list.slice(-20)));
      } else {
        window.localStorage.removeItem(KEY);
      }
      return true;
    } catch (e) {
      return false;  // storage disabled (private browsing): the copy/save buttons remain
    }
  }

  function rememberButton(button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var list = mine().filter(function (r) { return r.number !== button.dataset.number; });
      list.push({ number: button.dataset.number, code: button.dataset.code, saved: new Date().toISOString().slice(0, 10) });
      var status = button.parentNode.querySelector("[data-keep-status]");
      if (keep(list) && status) {
        status.textContent = button.dataset.msgRemembered || "";
      }
    });
  }

  function postCode(code) {
    var form = document.getElementById("track-form");
    form.querySelector("input[name=code]").value = code;
    form.submit();
  }

  // "2026-12-07" as the page's other dates read ("7 Des 2026"), in the page's language
  function shownDate(iso) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    if (!parts) { return iso || ""; }
    var day = new Date(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
    try {
      return day.toLocaleDateString(document.documentElement.lang || "id", { day: "numeric", month: "short", year: "numeric" });
    } catch (e) {
      return iso;
    }
  }

  function myReports(section) {
    var list = section.querySelector(".my-reports-list");
    function render() {
      var reports = mine();
      list.textContent = "";
      section.hidden = !reports.length;
      reports.slice().reverse().forEach(function (r) {
        var li = document.createElement("li");
        var label = document.createElement("span");
        label.className = "code";
        label.textContent = r.number;
        li.appendChild(label);
        li.appendChild(document.createTextNode(" · " + (section.dataset.msgSaved || "") + " " + shownDate(r.saved) + " "));
        [["msgOpen", function () { postCode(r.code); }, "btn btn-small"],
         ["msgForget", function () {
           keep(mine().filter(function (x) { return x.number !== r.number; }));
           render();
         }, "btn btn-small btn-secondary"]].forEach(function (spec) {
          var b = document.createElement("button");
          b.type = "button";
          b.className = spec[2];
          b.textContent = section.dataset[spec[0]] || "";
          b.setAttribute("aria-label", b.textContent + " " + r.number);
          b.addEventListener("click", spec[1]);
          li.appendChild(b);
          li.appendChild(document.createTextNode(" "));
        });
        list.appendChild(li);
      });
    }
    render();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
    document.querySelectorAll("[data-keep-remember]").forEach(function (b) {
      if (window.localStorage) {
        rememberButton(b);
      }
    });
    var section = document.getElementById("my-reports");
    if (section) {
      myReports(section);
    }
    document.querySelectorAll("[data-forget-all]").forEach(function (form) {
      form.addEventListener("submit", function () { keep([]); });
    });
    // a scanned QR (report_done.html): /lacak/#kode=CODE. The fragment never reached the server; take it out of
    // the address bar and history and fill the form in: the resident presses Lacak (a link someone else made
    // cannot make this browser follow their report without a click).
    var match = /^#kode=([A-Za-z0-9-]{4,40})$/.exec(window.location.hash);
    var trackForm = document.getElementById("track-form");
    if (match && trackForm) {
      window.history.replaceState(null, "", window.location.pathname);
      trackForm.querySelector("input[name=code]").value = match[1];
      trackForm.querySelector("button[type=submit]").focus();
    }
  });
})();

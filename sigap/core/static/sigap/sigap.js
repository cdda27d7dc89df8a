// Small behaviours shared by every page. No inline scripts anywhere (Content-Security-Policy).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]")) {
      el.form.submit();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".lang-submit").forEach(function (b) { b.classList.add("js-hidden"); });
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

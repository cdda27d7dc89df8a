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

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  });
})();

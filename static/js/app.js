// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);

// A table or chart wider than its box scrolls inside it; keyboard users reach that scroll with Tab (WCAG 2.1.1).
(function () {
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap, .att-heatmap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  window.addEventListener("load", focusableScrollers);  // images (the heatmap) widen boxes when they arrive
  window.addEventListener("resize", focusableScrollers);
})();

// A screen that must show fresh content on its own (the projected check-in code) names its period in seconds;
// a script reload, unlike <meta http-equiv="refresh">, is not a timing trap for assistive technology (axe).
(function () {
  var seconds = parseInt(document.body && document.body.getAttribute("data-reload-after"), 10);
  if (seconds > 0) { window.setTimeout(function () { window.location.reload(); }, seconds * 1000); }
})();

// Kabupaten/kota suggestions follow the chosen province (progressive enhancement; CSP: no inline script).
(function () {
  "use strict";
  var input = document.querySelector("input[data-region-province]");
  var list = document.getElementById("daftar-kabupaten");
  if (!input || !list) { return; }
  var province = document.getElementById(input.getAttribute("data-region-province"));
  var all = Array.prototype.slice.call(list.querySelectorAll("option"));

  function key(text) { return (text || "").toLowerCase().replace(/[^0-9a-z]/g, ""); }

  function narrow() {
    var wanted = key(province && province.value);
    var known = wanted && all.some(function (o) { return key(o.getAttribute("data-province")) === wanted; });
    var keep = all.filter(function (o) {
      var own = o.getAttribute("data-province");
      return !known || own === null || key(own) === wanted;  // "Lainnya" has no province: always offered
    });
    list.replaceChildren.apply(list, keep);
  }

  if (province) {
    province.addEventListener("change", narrow);
    province.addEventListener("input", narrow);
    narrow();
  }
})();

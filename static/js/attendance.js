// Drag and drop for attendance log uploads. The plain multi-file input works without JavaScript.
(function () {
  function describe(zone, files) {
    var out = zone.querySelector("[data-chosen]");
    if (!out) { return; }
    var names = [];
    for (var i = 0; i < files.length; i++) { names.push(files[i].name); }
    out.textContent = names.length ? names.length + " berkas dipilih: " + names.join(", ") : "";
    out.hidden = !names.length;
  }
  function setup(zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) { return; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        describe(zone, input.files);
      }
    });
    input.addEventListener("change", function () { describe(zone, input.files); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dropzone]").forEach(setup);
  });
})();

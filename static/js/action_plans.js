// RTL form: add/remove/reorder rows in the browser and autosave the draft.
// Progressive enhancement: without JavaScript the same buttons post the form and the server does the work.
(function () {
  "use strict";
  var form = document.getElementById("rtl-form");
  if (!form) { return; }
  var list = document.getElementById("rtl-rows");
  var status = document.getElementById("rtl-autosave-status");
  var addButton = form.querySelector("[data-rtl-add]");
  var maxRows = parseInt(form.getAttribute("data-max-rows") || "30", 10);
  var blank = makeBlank(list.querySelector("[data-rtl-row]"));
  var timer = null;
  var saving = false;
  var pending = false;

  function rows() { return Array.prototype.slice.call(list.querySelectorAll("[data-rtl-row]")); }

  function makeBlank(row) {
    if (!row) { return null; }
    var copy = row.cloneNode(true);
    copy.querySelectorAll(".alert, .error").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    copy.querySelectorAll("input, textarea, select").forEach(function (el) {
      if (el.tagName === "SELECT") { el.selectedIndex = 0; } else { el.value = ""; }
    });
    return copy;
  }

  function nextKey() {
    var max = 0;
    form.querySelectorAll("[data-rtl-field=key]").forEach(function (el) {
      var n = parseInt(el.value, 10);
      if (!isNaN(n) && n > max) { max = n; }
    });
    return String(max + 1);
  }

  function renumber() {
    var all = rows();
    all.forEach(function (row, i) {
      row.id = "baris-" + (i + 1);
      row.querySelector("[data-rtl-number]").textContent = String(i + 1);
      row.querySelectorAll("[data-rtl-field]").forEach(function (el) {
        var name = "rows-" + i + "-" + el.getAttribute("data-rtl-field");
        var label = el.id ? row.querySelector("label[for='" + el.id + "']") : null;
        el.name = name;
        if (el.type !== "hidden") { el.id = name; }
        if (label) { label.setAttribute("for", name); }
      });
      row.querySelectorAll("[data-rtl-move]").forEach(function (button) {
        var offset = parseInt(button.getAttribute("data-rtl-move"), 10);
        button.value = (offset < 0 ? "up-" : "down-") + i;
        button.disabled = offset < 0 ? i === 0 : i === all.length - 1;
      });
      row.querySelector("[data-rtl-remove]").value = "remove-" + i;
    });
    if (addButton) { addButton.disabled = all.length >= maxRows; }
  }

  function addRow() {
    if (!blank || rows().length >= maxRows) { return; }
    var row = blank.cloneNode(true);
    row.querySelector("[data-rtl-field=key]").value = nextKey();
    row.querySelectorAll("[data-rtl-field]").forEach(function (el) { el.removeAttribute("id"); });
    list.appendChild(row);
    row.querySelectorAll("[data-rtl-field]").forEach(function (el) {
      var label = el.parentNode.querySelector("label");
      if (el.type !== "hidden") { el.id = "tmp-" + Math.random().toString(36).slice(2); }
      if (label && el.type !== "hidden") { label.setAttribute("for", el.id); }
    });
    renumber();
    var first = row.querySelector("select, input[type=text], textarea");
    if (first) { first.focus(); }
  }

  function removeRow(row) {
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber();
    var target = next ? next.querySelector("button:not([disabled])") : addButton;
    if (target) { target.focus(); }
  }

  function moveRow(row, offset) {
    var sibling = offset < 0 ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) { return; }
    if (offset < 0) { list.insertBefore(row, sibling); } else { list.insertBefore(sibling, row); }
    renumber();
    var button = row.querySelector("[data-rtl-move='" + offset + "']:not([disabled])");
    (button || row.querySelector("button:not([disabled])")).focus();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || !form.contains(button)) { return; }
    var row = button.closest("[data-rtl-row]");
    if (button.hasAttribute("data-rtl-add") && blank) {
      event.preventDefault(); addRow(); schedule();
    } else if (button.hasAttribute("data-rtl-remove") && row) {
      event.preventDefault(); removeRow(row); schedule();
    } else if (button.hasAttribute("data-rtl-move") && row) {
      event.preventDefault(); moveRow(row, parseInt(button.getAttribute("data-rtl-move"), 10)); schedule();
    } else if (button.hasAttribute("data-confirm") && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  function show(text) { if (status) { status.textContent = text; } }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    show("Perubahan belum disimpan…");
    timer = setTimeout(save, 1500);
  }

  function save() {
    timer = null;
    if (saving) { pending = true; return; }
    saving = true;
    var data = new FormData(form);
    data.delete("attachment");
    data.delete("action");
    data.delete("row_action");
    fetch(form.getAttribute("data-autosave-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": data.get("csrf_token") || "", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { show(body.message || ""); });
    }).catch(function () {
      show("Draf belum tersimpan otomatis (koneksi terputus). Klik Simpan draf.");
    }).then(function () {
      saving = false;
      if (pending) { pending = false; save(); }
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target.type !== "file") { schedule(); }
  });
  form.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") { schedule(); }
  });
  window.addEventListener("beforeunload", function () {
    if (timer) { clearTimeout(timer); save(); }
  });
}());

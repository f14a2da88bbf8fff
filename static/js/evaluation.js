// Tests and questionnaire: save each answer as it is chosen; keep unsent answers in the phone (localStorage)
// and resend them when the connection returns. Without JavaScript the form's Simpan/Kirim buttons do the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave-url");
  var storageKey = form.getAttribute("data-storage-key");
  var survey = form.hasAttribute("data-survey");
  var status = document.getElementById("eval-save-status");
  var token = (form.querySelector("input[name=csrf_token]") || {}).value || "";
  var pending = load();
  var sending = false;
  var typingTimer = null;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function store() {
    try { window.localStorage.setItem(storageKey, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }
  function show(text) { if (status) { status.textContent = text; } }

  function keyOf(name) { return name.slice(1); }  // q12 / s12 → 12

  function remember(input) {
    if (!/^[qs]\d+$/.test(input.name)) { return; }
    pending[keyOf(input.name)] = input.value;
    store();
  }

  function post(body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }

  function batch() {
    var keys = Object.keys(pending);
    if (!keys.length) { return null; }
    if (survey) { var copy = {}; keys.forEach(function (k) { copy[k] = pending[k]; }); return { keys: keys, body: copy }; }
    return { keys: [keys[0]], body: { question: Number(keys[0]), choice: Number(pending[keys[0]]) } };
  }

  function flush() {
    var next = batch();
    if (sending || !next) { return; }
    sending = true;
    show(form.getAttribute("data-saving") || "Menyimpan…");
    var sent = {};
    next.keys.forEach(function (k) { sent[k] = pending[k]; });
    post(next.body).then(function (result) {
      next.keys.forEach(function (k) { if (pending[k] === sent[k]) { delete pending[k]; } });
      store();
      show(result.data.message || "");
      sending = false;
      if (result.ok) { flush(); }
    }).catch(function () {
      sending = false;
      show("Koneksi terputus — jawaban disimpan di perangkat ini dan dikirim otomatis saat tersambung lagi.");
    });
  }

  // Answers saved in the phone but not yet confirmed by the server (e.g. the page was reloaded offline).
  Object.keys(pending).forEach(function (k) {
    var prefix = survey ? "s" : "q";
    var field = form.querySelector("[name='" + prefix + k + "'][value='" + pending[k] + "']") ||
      form.querySelector("textarea[name='" + prefix + k + "']");
    if (field && field.type === "radio") { field.checked = true; } else if (field) { field.value = pending[k]; }
  });

  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") { remember(event.target); flush(); }
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "TEXTAREA") { return; }
    remember(event.target);
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(flush, 800);
  });
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); return; }
    // The posted form carries every answer itself; the local copy is dropped once it is sent.
    try { window.localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
  });
  window.addEventListener("online", flush);
  window.setInterval(flush, 5000);
  flush();

  var timer = document.querySelector("[data-seconds-left]");
  if (timer) {
    var left = Number(timer.getAttribute("data-seconds-left"));
    var text = timer.querySelector("[data-timer-text]");
    var tick = function () {
      left = Math.max(0, left - 1);
      text.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
      if (left === 0) { timer.classList.add("eval-timer-over"); text.textContent = "0:00 — kirim jawaban Anda"; }
    };
    window.setInterval(tick, 1000);
  }
}());

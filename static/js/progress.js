// Live progress bars for background jobs (falls back to the server-rendered state without JS).
(function () {
  function poll(box) {
    fetch(box.getAttribute("data-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        box.querySelector(".progress").value = job.percent;
        box.querySelector(".job-status").textContent = job.status_label;
        box.querySelector(".job-count").textContent = job.done;
        box.querySelector(".job-total").textContent = job.total;
        box.querySelector(".job-message").textContent = job.message || "";
        if (job.finished) {
          if (box.getAttribute("data-reload-when-done")) { window.setTimeout(function () { window.location.reload(); }, 600); }
        } else {
          window.setTimeout(function () { poll(box); }, 1000);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, 3000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".job-progress:not([data-finished])").forEach(function (box) { poll(box); });
  });
})();

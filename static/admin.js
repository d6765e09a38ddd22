// Admin pages: ask before a form marked data-confirm is sent (CSP forbids inline handlers).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The Wayback backfill page: poll the job row while it runs and show its progress.
(function () {
  var table = document.getElementById("wayback-progress");
  if (!table) {
    return;
  }
  function show(job) {
    if (!job) {
      return;
    }
    ["state", "done", "total", "recorded", "skipped", "message"].forEach(function (name) {
      var cell = table.querySelector('[data-field="' + name + '"]');
      if (cell) {
        cell.textContent = job[name] === null ? "" : String(job[name]);
      }
    });
    if (job.state === "running") {
      window.setTimeout(poll, 2000);
    }
  }
  function poll() {
    fetch(table.getAttribute("data-url"), {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (body) { show(body.job); })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  poll();
})();

// The job page: polls the job's progress (a small JSON answer) every second, moves the bar, and opens the
// result once the job is done. Without JavaScript the page refreshes itself instead (noscript).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = document.getElementById("job-bar");
  var pct = document.getElementById("job-percent");
  var status = document.getElementById("job-status");
  var stage = document.getElementById("job-stage");
  var message = document.getElementById("job-message");
  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    pct.textContent = data.percent + "%";
    status.textContent = data.status_label;
    stage.textContent = data.stage ? "：" + data.stage : "";
    box.setAttribute("data-status", data.status);
    if (data.message) { message.textContent = data.message; message.hidden = false; }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { setTimeout(poll, 3000); return; }
        show(data);
        if (data.status === "done" && data.done_url) { window.location.assign(data.done_url); return; }
        if (data.status === "queued" || data.status === "running") { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();

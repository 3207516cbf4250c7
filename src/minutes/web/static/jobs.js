// Jobs page: while any job is queued or running, poll /api/v1/jobs and update the rows.
(function () {
  "use strict";
  var table = document.getElementById("jobs");
  if (!table) return;
  var INTERVAL = 2000;

  function active() {
    return Array.prototype.filter.call(table.querySelectorAll("tr[data-job-id]"), function (row) {
      return row.dataset.status === "queued" || row.dataset.status === "running";
    });
  }

  function update(row, job) {
    row.dataset.status = job.status;
    var status = row.querySelector('[data-field="status"]');
    status.textContent = job.status;
    status.className = "status status-" + job.status;
    row.querySelector('[data-field="stage"]').textContent = job.status === "running" && job.stage ? "(" + job.stage + ")" : "";
    row.querySelector('[data-field="error"]').textContent = job.error || "";
    var bar = row.querySelector('[data-field="progress"]');
    bar.value = job.progress;
    bar.textContent = Math.round(job.progress * 100) + "%";
    var cell = row.querySelector('[data-field="meeting"]');
    if (job.meeting_id && !cell.querySelector("a")) {
      var a = document.createElement("a");
      a.href = "/meetings/" + job.meeting_id;
      a.textContent = "meeting " + job.meeting_id;
      cell.appendChild(a);
    }
  }

  function poll() {
    var rows = active();
    table.dataset.polling = rows.length ? "1" : "0";
    if (!rows.length) return;
    var ids = rows.map(function (r) { return r.dataset.jobId; }).join(",");
    fetch("/api/v1/jobs?ids=" + ids, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (resp) { if (!resp.ok) throw new Error(String(resp.status)); return resp.json(); })
      .then(function (jobs) {
        jobs.forEach(function (job) {
          var row = table.querySelector('tr[data-job-id="' + job.id + '"]');
          if (row) update(row, job);
        });
      })
      .catch(function () { /* try again at the next tick */ })
      .then(function () { setTimeout(poll, INTERVAL); });
  }
  poll();
})();

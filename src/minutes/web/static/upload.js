// Upload page: send the files with a progress bar, then list what became of each one.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var button = form.querySelector('button[type="submit"]');
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var maxFiles = parseInt(form.dataset.maxFiles, 10);

  function say(text) { status.textContent = text; }

  function show(results) {
    status.textContent = "";
    var list = document.createElement("ul");
    list.className = "results";
    list.dataset.testid = "upload-results";
    results.forEach(function (r) {
      var li = document.createElement("li");
      if (r.error) { li.className = "error"; li.textContent = r.error; }
      else if (r.job_id) { li.className = "ok"; li.textContent = r.filename + ": queued as job " + r.job_id; }
      else {
        li.className = "ok";
        li.append(r.filename + ": already in the archive as ");
        var a = document.createElement("a");
        a.href = "/meetings/" + r.meeting_id; a.textContent = "meeting " + r.meeting_id;
        li.appendChild(a);
      }
      list.appendChild(li);
    });
    status.appendChild(list);
    if (results.some(function (r) { return r.job_id; })) {
      var p = document.createElement("p");
      var a = document.createElement("a");
      a.href = "/jobs"; a.textContent = "Watch their progress on the jobs page";
      p.appendChild(a);
      status.appendChild(p);
    }
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var files = form.querySelector('input[type="file"]').files;
    var total = 0;
    for (var i = 0; i < files.length; i++) total += files[i].size;
    if (!files.length) { say("Choose at least one recording."); return; }
    if (files.length > maxFiles) { say("At most " + maxFiles + " files at a time."); return; }
    if (total > maxBytes) { say("These files are " + Math.ceil(total / 1048576) + " MB; the limit is " + Math.floor(maxBytes / 1048576) + " MB."); return; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRF-Token", form.querySelector('input[name="csrf_token"]').value);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); say("Uploading… " + bar.value + "%"); }
    });
    xhr.addEventListener("load", function () {
      button.disabled = false;
      bar.hidden = true;
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if (xhr.status === 200 && data && data.results) { show(data.results); form.reset(); }
      else say((data && data.detail) || xhr.responseText || "The upload failed (" + xhr.status + ").");
    });
    xhr.addEventListener("error", function () { button.disabled = false; bar.hidden = true; say("The upload failed: the server could not be reached."); });
    button.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    say("Uploading…");
    xhr.send(new FormData(form));
  });
})();

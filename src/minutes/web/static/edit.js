// Meeting page, for editors: correct transcript lines in place.
// "Correct lines" switches the transcript to editing: clicking a line (or Enter on it) opens a
// small editor; Save sends PUT /api/v1/meetings/{id}/utterances/{index} with the CSRF token.
(function () {
  "use strict";
  var article = document.querySelector("article.meeting");
  var transcript = document.getElementById("transcript");
  var toggle = document.getElementById("edit-mode");
  if (!article || !transcript || !toggle) return;
  var meeting = article.dataset.meetingId;
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = tokenMeta ? tokenMeta.content : "";
  var hint = document.getElementById("edit-hint");

  function setEditing(on) {
    transcript.classList.toggle("editing", on);
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? "Done correcting" : "Correct lines";
    if (hint) hint.hidden = !on;
    transcript.querySelectorAll(".utt").forEach(function (el) {
      if (on) el.setAttribute("tabindex", "0"); else el.removeAttribute("tabindex");
    });
  }

  function open(line) {
    if (line.querySelector("form")) return;
    var span = line.querySelector(".txt");
    var old = span.textContent;
    var form = document.createElement("form");
    form.className = "line-editor";
    var area = document.createElement("textarea");
    area.value = old;
    area.setAttribute("aria-label", "Correct the line at " + line.querySelector(".ts").textContent);
    area.dataset.testid = "line-editor";
    var save = document.createElement("button");
    save.type = "submit"; save.textContent = "Save"; save.className = "primary"; save.dataset.testid = "line-save";
    var cancel = document.createElement("button");
    cancel.type = "button"; cancel.textContent = "Cancel";
    var problem = document.createElement("span");
    problem.className = "problem"; problem.setAttribute("role", "alert");
    form.append(area, save, document.createTextNode(" "), cancel, problem);
    span.hidden = true;
    line.appendChild(form);
    area.focus();

    function close() { form.remove(); span.hidden = false; line.focus(); }
    cancel.addEventListener("click", close);
    area.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { ev.preventDefault(); close(); } });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      save.disabled = true;
      fetch("/api/v1/meetings/" + meeting + "/utterances/" + line.id.slice(2), {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
        body: JSON.stringify({ text: area.value })
      }).then(function (resp) {
        return resp.json().then(function (data) { return { ok: resp.ok, data: data }; });
      }).then(function (r) {
        if (!r.ok) throw new Error(r.data.detail || "could not save");
        span.textContent = r.data.text;
        close();
        var done = document.createElement("span");
        done.className = "saved"; done.textContent = "saved"; done.dataset.testid = "line-saved";
        line.appendChild(done);
        setTimeout(function () { done.remove(); }, 3000);
      }).catch(function (err) {
        problem.textContent = typeof err.message === "string" ? err.message : "could not save";
        save.disabled = false;
      });
    });
  }

  toggle.addEventListener("click", function () { setEditing(!transcript.classList.contains("editing")); });
  transcript.addEventListener("click", function (ev) {
    if (!transcript.classList.contains("editing")) return;
    var line = ev.target.closest(".utt");
    if (!line || ev.target.closest("form")) return;
    ev.preventDefault();
    open(line);
  });
  transcript.addEventListener("keydown", function (ev) {
    if (!transcript.classList.contains("editing") || ev.key !== "Enter") return;
    var line = ev.target.closest(".utt");
    if (line && ev.target === line) { ev.preventDefault(); open(line); }
  });
})();

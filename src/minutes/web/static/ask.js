// An ask's page while it waits: poll its status, show its place in line, and reload once the
// answer is written (the reloaded page shows it). Without scripts, <noscript>'s refresh does this.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) return;
  var line = box.querySelector('[data-testid="ask-position"]');
  var url = box.dataset.statusUrl;
  var INTERVAL = 1000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, redirect: "manual" })
      .then(function (resp) {
        // Gone (expired, or the session ended and the app would send us to sign in): the page
        // itself says why.
        if (!resp.ok) { window.location.reload(); return null; }
        return resp.json();
      })
      .then(function (status) {
        if (!status) return;
        line.textContent = status.text;
        line.dataset.state = status.state;
        if (status.state === "done" || status.state === "failed") { window.location.reload(); return; }
        setTimeout(poll, INTERVAL);
      })
      .catch(function () { setTimeout(poll, INTERVAL * 3); });  // the server restarting: try again
  }
  setTimeout(poll, INTERVAL);
})();

// Meeting page: the player, the speaker timeline and the transcript kept in step.
// Clicking a line, a timestamp, an evidence link or the timeline seeks the recording; while it
// plays, the line being spoken is highlighted (class "current", aria-current) and kept in view.
(function () {
  "use strict";
  var article = document.querySelector("article.meeting");
  if (!article) return;
  var audio = document.getElementById("player");
  var transcript = document.getElementById("transcript");
  var lines = Array.prototype.slice.call(document.querySelectorAll("#transcript .utt"));
  var starts = lines.map(function (el) { return parseFloat(el.dataset.start); });
  var ends = lines.map(function (el) { return parseFloat(el.dataset.end); });
  var duration = parseFloat(article.dataset.duration) || 1;
  var current = null;
  var lastUserScroll = 0;

  function clock(t) {
    t = Math.max(0, Math.floor(t));
    var h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
    return [h, m, s].map(function (n) { return (n < 10 ? "0" : "") + n; }).join(":");
  }

  // Index of the last line starting at or before t (lines are in time order), or -1.
  function lineAt(t) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function mark(index, scroll) {
    var el = index >= 0 ? lines[index] : null;
    if (el === current) return;
    if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
    current = el;
    article.dataset.current = el ? el.id.slice(2) : "";
    if (!el) return;
    el.classList.add("current");
    el.setAttribute("aria-current", "true");
    if (scroll && Date.now() - lastUserScroll > 4000) {
      var box = el.getBoundingClientRect();
      if (box.top < 120 || box.bottom > window.innerHeight) el.scrollIntoView({ block: "center" });
    }
  }

  function sync() {
    if (!audio) return;
    var t = audio.currentTime;
    var i = lineAt(t);
    // Between lines (a pause), keep the previous line only while it is still being spoken.
    mark(i >= 0 && t <= Math.max(ends[i], (starts[i + 1] || Infinity) - 0.01) + 0.5 ? i : -1, !audio.paused);
    var now = document.getElementById("now");
    if (now) now.textContent = clock(t);
    var x = String(Math.min(1000, (t / duration) * 1000).toFixed(1));
    document.querySelectorAll(".tl-track .playhead").forEach(function (r) { r.setAttribute("x", x); });
  }

  function seek(t, play) {
    if (!audio) return;
    audio.currentTime = Math.max(0, t);
    if (play) { var p = audio.play(); if (p && p.catch) p.catch(function () {}); }
    sync();
  }

  function target(index) {
    document.querySelectorAll("#transcript .utt.target").forEach(function (el) { el.classList.remove("target"); });
    var el = document.getElementById("u-" + index);
    if (!el) return null;
    el.classList.add("target");
    el.scrollIntoView({ block: "center" });
    return el;
  }

  function remember(t, index) {
    var url = new URL(window.location.href);
    url.searchParams.set("t", t.toFixed(1));
    url.hash = index != null ? "u-" + index : "";
    history.replaceState(null, "", url.toString());
  }

  function editing() { return transcript && transcript.classList.contains("editing"); }

  if (transcript) {
    transcript.addEventListener("click", function (ev) {
      if (editing()) return;
      var line = ev.target.closest(".utt");
      if (!line) return;
      ev.preventDefault();
      var t = parseFloat(line.dataset.start);
      seek(t, true);
      remember(t, line.id.slice(2));
    });
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("a.ev[data-start]");
    if (!link) return;
    ev.preventDefault();
    var t = parseFloat(link.dataset.start);
    var hash = link.getAttribute("href").indexOf("#u-") === 0 ? link.getAttribute("href").slice(3) : null;
    seek(t, false);
    if (hash != null) { target(hash); mark(lines.indexOf(document.getElementById("u-" + hash)), false); }
    remember(t, hash);
  });

  document.querySelectorAll(".tl-track").forEach(function (track) {
    track.addEventListener("click", function (ev) {
      var box = track.getBoundingClientRect();
      var t = ((ev.clientX - box.left) / box.width) * duration;
      seek(t, true);
      remember(t, null);
    });
  });

  if (audio) {
    var play = document.getElementById("play");
    audio.addEventListener("timeupdate", sync);
    audio.addEventListener("seeked", sync);
    audio.addEventListener("play", function () { if (play) { play.textContent = "Pause"; play.setAttribute("aria-pressed", "true"); } });
    audio.addEventListener("pause", function () { if (play) { play.textContent = "Play"; play.setAttribute("aria-pressed", "false"); } });
    if (play) play.addEventListener("click", function () { if (audio.paused) seek(audio.currentTime, true); else audio.pause(); });
    document.querySelectorAll("[data-skip]").forEach(function (b) {
      b.addEventListener("click", function () { seek(audio.currentTime + parseFloat(b.dataset.skip), !audio.paused); });
    });
    var speed = document.getElementById("speed");
    if (speed) speed.addEventListener("change", function () { audio.playbackRate = parseFloat(speed.value); });
  }
  window.addEventListener("wheel", function () { lastUserScroll = Date.now(); }, { passive: true });
  window.addEventListener("touchmove", function () { lastUserScroll = Date.now(); }, { passive: true });

  // Opened at a moment (?t=83.2#u-14, e.g. from search): seek there and show the line.
  var startAt = article.dataset.startAt != null ? parseFloat(article.dataset.startAt) : null;
  var hashIndex = /^#u-(\d+)$/.exec(window.location.hash);
  if (hashIndex) { target(hashIndex[1]); mark(lines.indexOf(document.getElementById("u-" + hashIndex[1])), false); }
  else if (startAt != null) { mark(lineAt(startAt), false); }
  if (audio && startAt != null) {
    var apply = function () { if (Math.abs(audio.currentTime - startAt) > 0.25) audio.currentTime = startAt; };
    if (audio.readyState >= 1) apply(); else audio.addEventListener("loadedmetadata", apply, { once: true });
  }
  document.body.dataset.playerReady = "1";
})();

/* Signwatch: show times in the reader's zone and keep counts live. No inline script needed. */
(function () {
  "use strict";
  var POLL_MS = 45000;

  function zoneName() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; }
    catch (e) { return "UTC"; }
  }

  var formatter = new Intl.DateTimeFormat(undefined, {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit"
  });

  function localiseTimes(root) {
    var zone = zoneName();
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime()) || el.dataset.localised) { return; }
      el.title = el.textContent.trim();
      el.textContent = formatter.format(when);
      el.dataset.localised = "1";
    });
    document.querySelectorAll(".tz-name").forEach(function (el) { el.textContent = zone; });
  }

  function thousands(n) {
    return n === null || n === undefined ? "\u2014" : Number(n).toLocaleString("en-US");
  }

  function signed(n) {
    if (n === null || n === undefined) { return "\u2014"; }
    return n > 0 ? "+" + thousands(n) : (n === 0 ? "0" : "\u2212" + thousands(-n));
  }

  function stamp(root) {
    var now = new Date();
    var text = "updated " + String(now.getHours()).padStart(2, "0") + ":" +
      String(now.getMinutes()).padStart(2, "0");
    root.querySelectorAll(".updated").forEach(function (el) { el.textContent = text; });
  }

  function setField(row, name, text) {
    var el = row.querySelector('[data-field="' + name + '"]');
    if (el && el.textContent !== text) { el.textContent = text; }
  }

  function refreshLetter(el) {
    fetch(el.dataset.liveLetter, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        setField(el, "count", thousands(body.data.count));
        setField(el, "listed_count", thousands(body.data.listed_count));
        stamp(el);
      })
      .catch(function () { noAnswer(document); });  /* keep the numbers we have */
  }

  function refreshIndex(el) {
    fetch(el.dataset.liveIndex + "?per_page=500", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        body.data.forEach(function (letter) {
          var row = document.querySelector('tr[data-slug="' + CSS.escape(letter.slug) + '"]');
          if (!row) { return; }
          setField(row, "count", thousands(letter.count));
          setField(row, "change_24h", signed(letter.change_24h));
          setField(row, "status", letter.status || "");
        });
        stamp(document);
      })
      .catch(function () { noAnswer(document); });  /* keep the numbers we have */
  }

  function noAnswer(root) {
    root.querySelectorAll(".updated").forEach(function (el) {
      if (el.textContent.indexOf("no answer") < 0) {
        el.textContent += " (no answer since; retrying)";
      }
    });
  }

  function startLive() {
    if (document.querySelector("[data-live-letter], [data-live-index]")) {
      stamp(document);  // the page itself is the first answer from the server
    }
    document.querySelectorAll("[data-live-letter]").forEach(function (el) {
      window.setInterval(function () { refreshLetter(el); }, POLL_MS);
    });
    document.querySelectorAll("[data-live-index]").forEach(function (el) {
      window.setInterval(function () { refreshIndex(el); }, POLL_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localiseTimes(document);
    startLive();
  });
  window.Signwatch = { localiseTimes: localiseTimes, refreshLetter: refreshLetter,
                       refreshIndex: refreshIndex };
})();

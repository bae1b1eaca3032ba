// Live-connection indicator, driven by the events of htmx's websocket extension.
// The state is written as text too (never colour alone), and on <body> as
// data-ws="open" / "closed" so that tests and other scripts can wait for it.
(function () {
  "use strict";
  // Close codes after which htmx-ext-ws tries again on its own.
  var RETRIED_CODES = [1006, 1011, 1012, 1013];
  var wasOpen = false;
  // The extension's own back-off ("full-jitter") grows to 64 s between tries: after a
  // Redis restart a page would sit stale for up to a minute. Keep the jitter (pages do
  // not all come back at once) but try again within 5 s. On each reconnect the server
  // sends the whole current state first, so the page resynchronises without a reload.
  if (window.htmx) {
    htmx.config.wsReconnectDelay = function (retryCount) {
      return Math.min(5000, 1000 * Math.pow(2, retryCount)) * Math.random();
    };
  }

  function show(state) {
    var badge = document.getElementById("ws-status");
    if (!badge) return;
    var key = "label" + state.charAt(0).toUpperCase() + state.slice(1);
    badge.dataset.state = state;
    badge.querySelector(".label").textContent = badge.dataset[key] || state;
  }

  document.addEventListener("htmx:wsConnecting", function () {
    show(wasOpen ? "reconnecting" : "connecting");
  });
  document.addEventListener("htmx:wsOpen", function () {
    wasOpen = true;
    document.body.dataset.ws = "open";
    show("open");
  });
  document.addEventListener("htmx:wsClose", function (event) {
    var code = event.detail && event.detail.event ? event.detail.event.code : 0;
    document.body.dataset.ws = "closed";
    show(RETRIED_CODES.indexOf(code) >= 0 ? "reconnecting" : "closed");
  });

  // The "briefly unavailable" page (templates/503.html) of a GET tries again by itself
  // after the server's Retry-After, so the learner is back as soon as the database is.
  document.addEventListener("DOMContentLoaded", function () {
    var unavailable = document.getElementById("unavailable");
    var seconds = unavailable ? Number(unavailable.dataset.retryAfter) : 0;
    if (seconds > 0) {
      setTimeout(function () { window.location.reload(); }, seconds * 1000);
    }
  });
})();

// Behaviour that used to sit in HTML attributes, which the Content-Security-Policy
// forbids (no inline handlers, no eval): kept here, out of the markup.
(function () {
  "use strict";
  // <form data-confirm="Question?"> asks before it submits (was onsubmit="return confirm(...)").
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset ? event.target.dataset.confirm : null;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // A hint button with data-hints-shown-in="#list" sends how many hints that list already
  // shows (was an hx-vals "js:" expression, which htmx evaluates with eval).
  document.addEventListener("htmx:configRequest", function (event) {
    var list = event.detail.elt.dataset ? event.detail.elt.dataset.hintsShownIn : null;
    if (list) event.detail.parameters.shown = document.querySelectorAll(list + " li").length;
  });
})();

/* Classroom sessions: the scheduling form is in the organisation's time zone (the
 * browser's only where the page gave none); the check-in screen follows the rotating
 * code and its QR code. */
(function () {
  "use strict";
  var tz = document.getElementById("timezone");
  if (tz && !tz.value) {
    try { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* the server's default */ }
  }
  var display = document.getElementById("checkin-display");
  if (!display) return;
  var code = document.getElementById("checkin-code");
  var seconds = document.getElementById("checkin-seconds");
  var qr = document.getElementById("checkin-qr");
  var left = Number(seconds.textContent) || 30;
  function refresh() {
    fetch(display.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (code.textContent !== data.code) {
          code.textContent = data.code;
          qr.src = data.qr_url;
        }
        left = data.seconds_left;
        seconds.textContent = String(left);
      })
      .catch(function () { /* keep showing the last code; try again next tick */ });
  }
  setInterval(function () {
    left -= 1;
    if (left <= 0) { refresh(); } else { seconds.textContent = String(left); }
  }, 1000);
})();

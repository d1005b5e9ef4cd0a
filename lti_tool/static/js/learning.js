/* Online learning: autosave of quiz answers, the attempt's clock, lesson progress.
   Everything also works without JavaScript: the "Save answers" and "Submit" buttons
   post the form (the page asks before an attempt is submitted; without JavaScript the
   button submits), the server keeps the time limit, and "Finished" marks a lesson read. */
(function () {
  "use strict";

  var messages = document.getElementById("learning-messages");
  function msg(name) { return messages ? messages.getAttribute("data-" + name) || "" : ""; }

  function post(url, data) {
    return fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); });
  }

  // -- a quiz attempt --------------------------------------------------------------
  var form = document.getElementById("attempt-form");
  if (form) {
    var status = document.getElementById("save-status");
    var submitButton = document.getElementById("submit-attempt");
    var saveTimer = null;
    var submitting = false;

    var save = function () {
      if (submitting) { return; }
      var data = new FormData(form);
      data.append("js", "1");
      post(form.getAttribute("data-save-url"), data).then(function (body) {
        if (body.saved) {
          status.textContent = msg("saved");
        } else if (body.status !== "open") {
          window.location.reload(); // submitted elsewhere (another tab, the deadline)
        }
      }).catch(function () { status.textContent = msg("failed"); });
    };
    var later = function (ms) { window.clearTimeout(saveTimer); saveTimer = window.setTimeout(save, ms); };

    form.addEventListener("change", function () { later(300); });
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA" || event.target.type === "text") { later(1500); }
    });
    // Ending an attempt is asked first, with the number of questions left unanswered.
    var confirmBox = document.getElementById("submit-confirm");
    var confirmed = false;
    var unanswered = function () {
      var leaves = Array.prototype.filter.call(form.querySelectorAll("fieldset.question"), function (q) {
        return !q.querySelector("fieldset.question");
      });
      var open = leaves.filter(function (q) {
        return !Array.prototype.some.call(q.querySelectorAll("input, textarea, select"), function (c) {
          if (c.type === "radio" || c.type === "checkbox") { return c.checked; }
          return c.type !== "hidden" && c.value.trim() !== "";
        });
      });
      return { count: open.length, total: leaves.length };
    };
    var ask = function () {
      var left = unanswered();
      var text = document.getElementById("submit-confirm-unanswered");
      text.textContent = left.count === 0 ? text.getAttribute("data-none")
        : text.getAttribute("data-some").replace("{count}", left.count).replace("{total}", left.total);
      confirmBox.showModal();
      document.getElementById("submit-cancel").focus();
    };
    if (confirmBox && typeof confirmBox.showModal === "function") {
      document.getElementById("submit-cancel").addEventListener("click", function () { confirmBox.close(); });
      document.getElementById("submit-confirmed").addEventListener("click", function () {
        confirmed = true;
        confirmBox.close();
        form.requestSubmit(submitButton);
      });
      confirmBox.addEventListener("close", function () { if (!confirmed) { submitButton.focus(); } });
    } else {
      confirmed = true; // no dialog support: the button submits, as without JavaScript
    }

    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.id === "save-answers") { return; }
      if (submitting) { event.preventDefault(); return; } // a double click sends one request
      if (!confirmed) { event.preventDefault(); ask(); return; }
      submitting = true;
      window.clearTimeout(saveTimer);
      window.setTimeout(function () { submitButton.setAttribute("aria-disabled", "true"); submitButton.disabled = true; }, 0);
    });

    var clock = document.getElementById("time-left");
    if (clock) {
      var endsAt = Date.now() + 1000 * parseInt(clock.getAttribute("data-seconds"), 10);
      var tick = function () {
        var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
        var m = Math.floor(left / 60), s = left % 60;
        clock.textContent = msg("time-left") + " " + m + ":" + (s < 10 ? "0" : "") + s;
        if (left === 60) { clock.setAttribute("aria-live", "assertive"); }
        if (left <= 0) {
          window.clearInterval(interval);
          status.textContent = msg("time-up");
          if (!submitting) { confirmed = true; if (confirmBox && confirmBox.open) { confirmBox.close(); } submitButton.click(); }
        }
      };
      var interval = window.setInterval(tick, 1000);
      tick();
    }
  }

  // -- a lesson: report how far the learner scrolled (25, 50, 75 %) ---------------------
  var lesson = document.getElementById("lesson-body");
  if (lesson) {
    var reached = parseInt(lesson.getAttribute("data-progress") || "0", 10);
    var report = function () {
      var rect = lesson.getBoundingClientRect();
      var seen = (window.innerHeight - rect.top) / Math.max(rect.height, 1);
      var milestone = Math.min(75, Math.floor(Math.max(0, seen) * 4) * 25);
      if (milestone > reached) {
        reached = milestone;
        var data = new FormData();
        data.append("csrf_token", lesson.getAttribute("data-csrf"));
        data.append("percent", String(milestone));
        data.append("js", "1");
        post(lesson.getAttribute("data-progress-url"), data).catch(function () { reached = 0; });
      }
    };
    window.addEventListener("scroll", function () { window.requestAnimationFrame(report); }, { passive: true });
    report();
  }
})();

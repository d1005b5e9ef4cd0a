/* The tablet form for practical assessments.
 *
 * Drafts are kept as they are filled: at once in this tablet's localStorage, and on the
 * server a moment later. A sign-off made without a connection is kept on the tablet and
 * sent when the connection returns; the form's submission id (generated once per form
 * and kept with it) makes the server apply it exactly once, however often it is sent.
 * Without JavaScript the form still works as a plain form.
 */
(function () {
  "use strict";
  var OUTBOX = "practical-outbox";
  var form = document.getElementById("grading");
  var messages = document.getElementById("practical-messages");
  var status = document.getElementById("save-status");

  // Two places: #save-status (role=status) says how saving goes and is overwritten by
  // each save; #form-error (role=alert) holds why a sign-off was refused until the next
  // try. A photo's refusal stays next to that photo until dismissed or a photo is taken.
  var formError = document.getElementById("form-error");
  function text(key) { return (messages && messages.dataset[key]) || key; }
  function say(key, extra) {
    if (!status) return;
    status.textContent = text(key);
    if (extra) status.textContent += " " + extra;
  }
  function showError(message) {
    if (!formError) { say(message); return; }
    formError.textContent = message;
    formError.hidden = false;
  }
  function clearError() { if (formError) { formError.hidden = true; formError.textContent = ""; } }
  function read(key, fallback) {
    try { var v = localStorage.getItem(key); return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage full or blocked */ }
  }
  function go(url) {
    // A session without cookies goes with its window's secret (window.js).
    window.location.assign(window.toolWindow ? window.toolWindow.url(url) : url);
  }
  function field(root, name) {
    var el = root.querySelector('input[name="' + name + '"]');
    return el ? el.value : "";
  }
  function headers(root, json) {
    var h = { "Accept": "application/json", "X-CSRFToken": field(root, "csrf_token") };
    var token = field(root, "_s");
    if (token) h["X-Session-Token"] = token;
    if (json) h["Content-Type"] = "application/json";
    return h;
  }

  // -- the outbox of signed forms waiting for a connection ----------------------------
  var flushing = false;
  function currentHeaders() {
    // The page's own form token and session, when it has them: a kept form may outlive
    // the session it was filled in (the trainer opens the tool again from the LMS).
    var any = document.querySelector('form input[name="csrf_token"]');
    return any ? headers(any.form, true) : null;
  }
  function flush() {
    var queue = read(OUTBOX, []);
    if (flushing || !queue.length) return;
    flushing = true;
    var item = queue[0];
    fetch(item.url, { method: "POST", credentials: "same-origin", headers: currentHeaders() || item.headers, body: JSON.stringify(item.body) })
      .then(function (response) {
        // Kept for later: the server or the connection failed, or the session ended.
        if (response.status >= 500 || [400, 401, 403].indexOf(response.status) >= 0) {
          if (response.status < 500) say("relaunch");
          throw new Error("server " + response.status);
        }
        var rest = read(OUTBOX, []).filter(function (q) { return q.body.submission_uuid !== item.body.submission_uuid; });
        write(OUTBOX, rest);
        return response.json().catch(function () { return {}; }).then(function (data) {
          flushing = false;
          if (response.ok) {
            localStorage.removeItem(item.draftKey);
            localStorage.removeItem(item.uuidKey);
            if (form && form.dataset.assessment === String(item.assessment) && data.url) {
              go(data.url);
              return;
            }
            say("sent");
          } else if (data.message) {
            showError(data.message);
          }
          flush();
        });
      })
      .catch(function () { flushing = false; });
  }
  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) flush(); }, 15000);
  flush();

  if (!form) return;

  var id = form.dataset.assessment;
  var mode = form.dataset.mode;
  var draftKey = "practical-draft-" + id + "-" + mode;
  var uuidKey = "practical-uuid-" + id + "-" + mode;
  var uuidInput = form.querySelector('input[name="submission_uuid"]');
  var keptUuid = read(uuidKey, null);
  if (keptUuid) uuidInput.value = keptUuid; else write(uuidKey, uuidInput.value);

  function collect() {
    var data = { levels: {}, notes: {}, comment: "", reason: "", confirm: "" };
    form.querySelectorAll('input[type="radio"]:checked').forEach(function (el) {
      data.levels[el.name.slice(6)] = el.value;
    });
    form.querySelectorAll("textarea").forEach(function (el) {
      if (el.name.indexOf("note-") === 0) data.notes[el.name.slice(5)] = el.value;
      else if (el.name === "comment" || el.name === "reason") data[el.name] = el.value;
    });
    var confirm = form.querySelector('input[name="confirm"]');
    data.confirm = confirm && confirm.checked ? "1" : "";
    return data;
  }
  function restore(data) {
    Object.keys(data.levels || {}).forEach(function (cid) {
      var el = form.querySelector('input[name="level-' + cid + '"][value="' + data.levels[cid] + '"]');
      if (el) el.checked = true;
    });
    Object.keys(data.notes || {}).forEach(function (cid) {
      var el = form.querySelector('textarea[name="note-' + cid + '"]');
      if (el) el.value = data.notes[cid];
    });
    ["comment", "reason"].forEach(function (name) {
      var el = form.querySelector('textarea[name="' + name + '"]');
      if (el && data[name]) el.value = data[name];
    });
  }
  function score() {
    var total = 0;
    form.querySelectorAll("fieldset.criterion").forEach(function (set) {
      var chosen = set.querySelector('input[type="radio"]:checked');
      if (chosen) total += Number(set.dataset.weight) * Number(chosen.dataset.percent) / 100;
    });
    var out = document.querySelector("#live-score span");
    if (out) out.textContent = String(Math.round(total * 100) / 100);
  }

  var timer = null;
  function saveToServer() {
    if (mode !== "sign-off") return;
    var data = collect();
    say("saving");
    fetch(form.dataset.draftUrl, { method: "POST", credentials: "same-origin", headers: headers(form, true), body: JSON.stringify(data) })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function () { say("saved"); })
      .catch(function () { say("offline"); });
  }
  function changed() {
    var data = collect();
    data.savedAt = new Date().toISOString();
    write(draftKey, data);
    score();
    clearTimeout(timer);
    timer = setTimeout(saveToServer, 800);
  }

  var local = read(draftKey, null);
  var serverSaved = form.dataset.savedAt ? Date.parse(form.dataset.savedAt) : 0;
  if (local && local.savedAt && Date.parse(local.savedAt) > serverSaved) {
    restore(local);
    say("restored");
    timer = setTimeout(saveToServer, 300);
  }
  score();
  form.addEventListener("change", function (event) {
    if (event.target.type !== "file") changed(); // a photo is uploaded on its own, below
  });
  form.addEventListener("input", function (event) { if (event.target.tagName === "TEXTAREA") changed(); });

  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.id === "save-draft") {
      event.preventDefault();
      changed();
      saveToServer();
      return;
    }
    event.preventDefault();
    clearError();
    var body = collect();
    body.submission_uuid = uuidInput.value;
    var item = { url: form.action, headers: headers(form, true), body: body, assessment: id, draftKey: draftKey, uuidKey: uuidKey };
    function queue() {
      var waiting = read(OUTBOX, []).filter(function (q) { return q.body.submission_uuid !== body.submission_uuid; });
      waiting.push(item);
      write(OUTBOX, waiting);
      say("queued");
    }
    if (!navigator.onLine) { queue(); return; }
    fetch(form.action, { method: "POST", credentials: "same-origin", headers: item.headers, body: JSON.stringify(body) })
      .then(function (response) {
        if (response.status >= 500) { queue(); return; }
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) {
            localStorage.removeItem(draftKey);
            localStorage.removeItem(uuidKey);
            go(data.url || window.location.href);
          } else {
            showError(data.message || ("error " + response.status));
          }
        });
      })
      .catch(queue);
  });

  // -- evidence photos: uploaded as soon as they are taken -----------------------------
  document.querySelectorAll(".upload-fallback").forEach(function (b) { b.hidden = true; });
  function Refused(message) { this.message = message; }
  form.querySelectorAll('input[type="file"][data-criterion]').forEach(function (input) {
    var evidence = input.closest(".evidence");
    var error = evidence.querySelector(".evidence-error");
    function showRefusal(message) {
      error.querySelector(".message").textContent = message;
      error.hidden = false;
    }
    error.querySelector(".dismiss").addEventListener("click", function () { error.hidden = true; input.focus(); });
    input.addEventListener("change", function () {
      if (!input.files.length) return;
      error.hidden = true;
      var target = document.getElementById(input.getAttribute("form"));
      var data = new FormData(target);
      data.append("photo", input.files[0]);
      var h = headers(target, false);
      fetch(target.action, { method: "POST", credentials: "same-origin", headers: h, body: data })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (json) {
            if (!response.ok) {
              // The server says why (type, size, pixels, count); a proxy's bare 413 does not.
              throw new Refused(json.message || text(response.status === 413 ? "uploadTooLarge" : "uploadRefused"));
            }
            var link = document.createElement("a");
            link.href = json.url; link.target = "_blank";
            var img = document.createElement("img");
            img.src = json.thumb_url; img.alt = evidence.dataset.photoAlt || "";
            link.appendChild(img);
            evidence.querySelector(".thumbs").appendChild(link);
          });
        })
        .catch(function (failure) {
          showRefusal(failure instanceof Refused ? failure.message : text("uploadFailed"));
        })
        .then(function () { input.value = ""; });
    });
  });
})();

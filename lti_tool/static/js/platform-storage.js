/* LTI Platform Storage (1EdTech "Client Side postMessages"): put and get values in
   the platform's frame when this frame may not keep cookies. */
(function () {
  "use strict";
  function targetWindow(name) {
    if (!window.parent || window.parent === window) { return null; }
    if (!name || name === "_parent") { return window.parent; }
    try { return window.parent.frames[name] || null; } catch (e) { return null; }
  }
  function call(target, origin, message, timeoutMs) {
    return new Promise(function (resolve, reject) {
      var id = "m" + Math.random().toString(36).slice(2) + Date.now();
      message.message_id = id;
      var timer = setTimeout(function () { cleanup(); reject(new Error("timeout")); }, timeoutMs || 3000);
      function onMessage(event) {
        if (event.origin !== origin) { return; }
        var data = event.data || {};
        if (data.message_id !== id || data.subject !== message.subject + ".response") { return; }
        cleanup();
        if (data.error) { reject(new Error(data.error.message || data.error.code || "error")); }
        else { resolve(data); }
      }
      function cleanup() { clearTimeout(timer); window.removeEventListener("message", onMessage); }
      window.addEventListener("message", onMessage);
      target.postMessage(message, origin);
    });
  }
  window.ltiPlatformStorage = {
    put: function (targetName, origin, key, value) {
      var target = targetWindow(targetName);
      if (!target) { return Promise.reject(new Error("no platform frame")); }
      return call(target, origin, { subject: "lti.put_data", key: key, value: value });
    },
    get: function (targetName, origin, key) {
      var target = targetWindow(targetName);
      if (!target) { return Promise.reject(new Error("no platform frame")); }
      return call(target, origin, { subject: "lti.get_data", key: key }).then(function (d) { return d.value; });
    }
  };
})();

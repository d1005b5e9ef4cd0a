// HR export page: polls the job's progress until it is done or failed.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("export-progress");
  var state = document.getElementById("export-state");
  var link = document.getElementById("export-download");
  var error = document.getElementById("export-error");
  var failures = document.getElementById("export-failures");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.max = job.total || 1;
        bar.value = job.done;
        state.setAttribute("data-status", job.status);
        state.textContent = job.done + " / " + job.total + " (" + job.percent + "%)";
        if (job.failures && job.failures.length) {
          failures.hidden = false;
          var list = failures.querySelector("ul");
          list.textContent = "";
          job.failures.forEach(function (f) {
            var li = document.createElement("li");
            li.textContent = f.number + ": " + f.error;
            list.appendChild(li);
          });
        }
        if (job.status === "done") { link.hidden = false; return; }
        if (job.status === "failed") { error.hidden = false; error.textContent = job.error; return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();

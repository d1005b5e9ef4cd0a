/* A session carried without cookies (the LMS iframe blocks them) is bound to the
 * browser window it was given to. The launch hands this window a second secret (in the
 * address it redirects to, as every redirect of the tool does), kept in sessionStorage
 * (this window only, gone when it closes) and handed on by each page the tool serves
 * it (<meta name="window-secret">: a browser that blocks the frame's cookies may
 * refuse it sessionStorage too). It goes with every request to the tool:
 * as the X-Window-Secret header of fetch / XMLHttpRequest, as a field of each
 * same-origin link followed and form submitted, and in the address of the tool's
 * images and frames (HR's certificate preview). A copied address (with the session token) opened anywhere else has no
 * session. The secret is taken out of the address bar and the history at once.
 */
(function () {
  "use strict";
  var KEY = "aftersales-window-secret", FIELD = "_w", HEADER = "X-Window-Secret", SESSION = "_s";
  var kept = null;  // when sessionStorage is refused: this page only

  function secret() {
    try { return sessionStorage.getItem(KEY) || kept; } catch (e) { return kept; }
  }
  function keep(value) {
    kept = value;
    try { sessionStorage.setItem(KEY, value); } catch (e) { /* refused: kept for this page */ }
  }
  function ours(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; }
  }
  function withSecret(url) {
    var u = new URL(url, location.href);
    if (secret() && u.origin === location.origin) u.searchParams.set(FIELD, secret());
    return u.href;
  }
  window.toolWindow = { url: withSecret, secret: secret, header: HEADER };
  var given = document.querySelector('meta[name="window-secret"]');
  if (given) keep(given.content);

  var here = new URL(location.href);
  if (here.searchParams.has(FIELD)) {
    here.searchParams.delete(FIELD);
    history.replaceState(history.state, "", here.href);
  }

  function follow(event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || !secret() || !ours(link.href)) return;
    var target = new URL(link.href);
    if (target.hash && target.pathname === location.pathname && target.search === location.search) return;
    var plain = link.getAttribute("href");
    link.href = withSecret(link.href);
    setTimeout(function () { link.setAttribute("href", plain); }, 0);  // the page keeps its links
  }
  document.addEventListener("click", follow, true);
  document.addEventListener("auxclick", follow, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!secret() || !ours(form.action)) return;
    var input = form.querySelector('input[name="' + FIELD + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = FIELD;
      form.appendChild(input);
    }
    input.value = secret();
  }, true);

  var fetchFirst = window.fetch;
  window.fetch = function (resource, options) {
    var url = resource instanceof Request ? resource.url : String(resource);
    if (secret() && ours(url)) {
      options = Object.assign({}, options);
      var headers = new Headers(options.headers || (resource instanceof Request ? resource.headers : undefined));
      headers.set(HEADER, secret());
      options.headers = headers;
    }
    return fetchFirst.call(this, resource, options);
  };
  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.toolRequest = ours(url);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this.toolRequest && secret()) this.setRequestHeader(HEADER, secret());
    return send.apply(this, arguments);
  };

  document.addEventListener("DOMContentLoaded", function () {
    if (!secret()) return;
    document.querySelectorAll("img[src], iframe[src]").forEach(function (img) {
      var src = new URL(img.src, location.href);
      if (src.origin === location.origin && src.searchParams.has(SESSION)) img.src = withSecret(img.src);
    });
  });
})();

// The service worker: an officer's entry page and forms, with the script and style they
// need, open without the network (the page from the network when it answers, else as last
// kept); a form saved without the network is kept on the device (keep.js) and answered with
// the form again, where app.js says it is kept and sends it once the network is back.
importScripts("/static/keep.js");

var SHELL = ["/static/app.js", "/static/style.css", "/static/keep.js", "/static/icon.svg", "/offline"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(keep.PAGES).then(function (c) { return c.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// The paths kept: the entry page, forms (not their workbooks or steps) and the shell.
function kept(path) {
  return path === "/entry" || SHELL.indexOf(path) >= 0 || /^\/forms\/[^/]+\/[^/]+\/[^/]+$/.test(path);
}

function fromNetwork(request) {
  return fetch(request).then(function (response) {
    // A page that sent the browser elsewhere (signing in again) is not the page.
    if (response.ok && !response.redirected && response.type === "basic") {
      var copy = response.clone();
      caches.open(keep.PAGES).then(function (c) { c.put(new URL(request.url).pathname, copy); });
    }
    return response;
  });
}

function fromKept(request) {
  return caches.open(keep.PAGES).then(function (c) {
    return c.match(new URL(request.url).pathname).then(function (found) {
      return found || c.match("/offline");
    });
  });
}

// A form saved while the network is away: its figures kept, the form shown again.
function saveOrKeep(request) {
  var copy = request.clone();
  var path = new URL(request.url).pathname;
  return fetch(request).catch(function () {
    return copy.formData().then(function (data) {
      var pairs = [];
      data.forEach(function (v, k) { pairs.push([k, v]); });
      var user = (pairs.filter(function (p) { return p[0] === "kept_by"; })[0] || [])[1];
      if (!user) throw new Error("no account on the form");
      return keep.save(user, path, keep.figures(pairs));
    }).then(function () {
      return Response.redirect(path + "?kept=1", 303);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || !kept(url.pathname)) return;
  if (request.method === "GET") {
    event.respondWith(fromNetwork(request).catch(function () { return fromKept(request); }));
  } else if (request.method === "POST" && /^\/forms\//.test(url.pathname)) {
    event.respondWith(saveOrKeep(request));
  }
});

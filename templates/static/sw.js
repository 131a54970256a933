// Goodshift's service worker (served at /sw.js so it controls every page).
//
// - The app shell (CSS, JavaScript, icons) is cached at install and served
//   from the cache, refreshed in the background.
// - "My week" (/rota/week) is fetched from the network first; each good
//   answer is kept, with the time it was fetched, so that offline the last
//   one is shown with "You are offline … last updated …" at the top.
// - Other pages need the network; offline they get a short page that links
//   to the saved week.
// - A push shows a notification (title, body, link); the in-app inbox is
//   the record, the push only a nudge. Clicking it opens the link.
// - Signing out (phone.js posts "signed-out") forgets the saved week.
"use strict";

var SHELL = "goodshift-shell-v1";
var WEEK = "goodshift-week-v1";
var WEEK_PATH = "/rota/week";
var SHELL_FILES = [
  "/static/app.css", "/static/rota.css", "/static/contracts.css", "/static/payroll.css",
  "/static/wellbeing.css", "/static/phone.css", "/static/app.js", "/static/phone.js",
  "/static/icon.svg", "/static/icon-192.png"
];

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(SHELL_FILES); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== SHELL && n !== WEEK; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function londonTime(ms) {
  return new Date(ms).toLocaleString("en-GB", {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "Europe/London"
  });
}

function offlineWeek() {
  return caches.open(WEEK).then(function (c) { return c.match(WEEK_PATH); }).then(function (saved) {
    if (!saved) { return offlinePage("Your week has not been saved on this phone yet. Open My week once while you are online."); }
    var at = Number(saved.headers.get("X-Goodshift-Saved-At")) || 0;
    return saved.text().then(function (html) {
      var note = '<p class="offline-note" role="status" id="offline-note">You are offline. This is your week as it was when last updated, ' +
        londonTime(at) + '.</p>';
      html = html.replace('<main id="main">', '<main id="main">' + note);
      return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  });
}

function offlinePage(message) {
  var html = '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Offline · Goodshift</title><link rel="stylesheet" href="/static/app.css"><link rel="stylesheet" href="/static/phone.css"></head>' +
    '<body><main id="main"><h1>You are offline</h1><p class="offline-note" role="status">' + message + '</p>' +
    '<p><a href="' + WEEK_PATH + '">My week</a></p></main></body></html>';
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    e.respondWith(caches.open(SHELL).then(function (c) {
      return c.match(req).then(function (hit) {
        var fresh = fetch(req).then(function (res) {
          if (res.ok) { c.put(req, res.clone()); }
          return res;
        });
        if (hit) {
          fresh.catch(function () {});
          return hit;
        }
        return fresh;
      });
    }));
    return;
  }
  if (req.mode !== "navigate") { return; }
  if (url.pathname === WEEK_PATH && url.search === "") {
    e.respondWith(fetch(req).then(function (res) {
      if (res.ok && !res.redirected) {
        var copy = res.clone();
        e.waitUntil(copy.text().then(function (html) {
          var headers = new Headers({ "Content-Type": "text/html; charset=utf-8", "X-Goodshift-Saved-At": String(Date.now()) });
          return caches.open(WEEK).then(function (c) { return c.put(WEEK_PATH, new Response(html, { headers: headers })); });
        }));
      } else if (res.redirected) {
        e.waitUntil(caches.delete(WEEK)); // signed out: the saved week is nobody's now
      }
      return res;
    }).catch(offlineWeek));
    return;
  }
  e.respondWith(fetch(req).catch(function () {
    return offlinePage("This page needs a connection. Your week, as last saved on this phone, is still here.");
  }));
});

self.addEventListener("message", function (e) {
  if (e.data === "signed-out") {
    e.waitUntil(caches.delete(WEEK));
  }
});

self.addEventListener("push", function (e) {
  var msg = {};
  try { msg = e.data ? e.data.json() : {}; } catch (err) { msg = { body: e.data ? e.data.text() : "" }; }
  var title = msg.title || "Goodshift";
  var opts = { body: msg.body || "", tag: msg.tag || undefined, data: { url: msg.url || "/inbox" }, icon: "/static/icon-192.png", badge: "/static/icon-192.png" };
  e.waitUntil(self.registration.showNotification(title, opts).then(function () {
    return self.clients.matchAll({ type: "window", includeUncontrolled: true });
  }).then(function (cs) {
    cs.forEach(function (c) { c.postMessage({ type: "push-shown", title: title }); });
  }));
});

self.addEventListener("notificationclick", function (e) {
  e.notification.close();
  var url = (e.notification.data && e.notification.data.url) || "/inbox";
  if (url.charAt(0) !== "/" || url.charAt(1) === "/") { url = "/inbox"; }
  e.waitUntil(self.clients.matchAll({ type: "window" }).then(function (cs) {
    for (var i = 0; i < cs.length; i++) {
      if ("focus" in cs[i]) { cs[i].navigate(url); return cs[i].focus(); }
    }
    return self.clients.openWindow(url);
  }));
});

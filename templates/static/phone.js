// The installable app: registers the service worker, offers "Install" where
// the browser allows it, forgets the saved week on sign-out, copies the
// calendar link, and turns push notifications on and off. Goodshift works
// without any of this.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
    document.addEventListener("submit", function (e) {
      if (e.target.getAttribute("action") === "/logout" && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("signed-out");
      }
    });
  }

  // Install prompt: shown only when the browser offers one.
  var deferred = null;
  window.addEventListener("beforeinstallprompt", function (e) {
    e.preventDefault();
    deferred = e;
    document.querySelectorAll(".install").forEach(function (el) { el.hidden = false; });
  });
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("#install-app");
    if (!b || !deferred) { return; }
    deferred.prompt();
    deferred.userChoice.then(function () {
      deferred = null;
      document.querySelectorAll(".install").forEach(function (el) { el.hidden = true; });
    });
  });

  // Copy the calendar link.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-copy]");
    if (!b) { return; }
    var field = document.getElementById(b.getAttribute("data-copy"));
    if (!field) { return; }
    var done = function () { b.textContent = "Copied"; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
    }
  });

  // Push: subscribe this phone, or stop.
  function b64ToBytes(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function say(text) {
    var el = document.getElementById("push-status");
    if (el) { el.textContent = text; }
  }
  function post(path, body, token) {
    return fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(body)
    }).then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r; });
  }
  document.addEventListener("click", function (e) {
    var on = e.target.closest && e.target.closest("#push-on");
    var off = e.target.closest && e.target.closest("#push-off");
    if (!on && !off) { return; }
    var b = on || off;
    var token = b.getAttribute("data-csrf");
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      say("This browser cannot show notifications from Goodshift. The inbox still has everything.");
      return;
    }
    navigator.serviceWorker.ready.then(function (reg) {
      if (off) {
        return reg.pushManager.getSubscription().then(function (sub) {
          if (!sub) { return; }
          return post("/api/v1/me/push-subscriptions/remove", { endpoint: sub.endpoint }, token).then(function () { return sub.unsubscribe(); });
        }).then(function () { say("Notifications are off on this phone."); });
      }
      return Notification.requestPermission().then(function (perm) {
        if (perm !== "granted") { throw new Error("not allowed"); }
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: b64ToBytes(b.getAttribute("data-key")) });
      }).then(function (sub) {
        var j = sub.toJSON();
        return post("/api/v1/me/push-subscriptions", { endpoint: j.endpoint, keys: { p256dh: j.keys.p256dh, auth: j.keys.auth } }, token);
      }).then(function () { say("Notifications are on for this phone."); });
    }).catch(function () {
      say("Notifications could not be turned on. Check that this browser allows notifications from Goodshift.");
    });
  });
})();

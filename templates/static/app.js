// Goodshift works without JavaScript. This file only adds small comforts:
// a confirmation before destructive buttons, and disabling a submit button
// once pressed so a slow connection does not send a form twice.
document.addEventListener("submit", function (e) {
  var form = e.target;
  var msg = form.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) {
    e.preventDefault();
    return;
  }
  var buttons = form.querySelectorAll("button[type=submit]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].setAttribute("aria-disabled", "true");
    buttons[i].classList.add("busy");
  }
  window.setTimeout(function () {
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].disabled = true;
    }
  }, 0);
});

// Coming back with the Back button restores the page from cache: re-enable.
window.addEventListener("pageshow", function () {
  var buttons = document.querySelectorAll("button.busy");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].disabled = false;
    buttons[i].removeAttribute("aria-disabled");
    buttons[i].classList.remove("busy");
  }
});

// A table too wide for the screen scrolls sideways inside its .table-wrap;
// keyboard users reach that scroll only if the wrap can take focus, and
// screen readers should hear what it is. Wraps that do not scroll stay out
// of the tab order. (axe-core: scrollable-region-focusable.)
function markScrollingTables() {
  var wraps = document.querySelectorAll(".table-wrap");
  for (var i = 0; i < wraps.length; i++) {
    var w = wraps[i];
    if (w.scrollWidth > w.clientWidth + 1) {
      if (!w.hasAttribute("tabindex")) {
        var caption = w.querySelector("caption");
        var heading = null;
        for (var el = w.previousElementSibling; el && !heading; el = el.previousElementSibling) {
          if (/^H[1-6]$/.test(el.tagName)) { heading = el; }
        }
        var name = (caption || heading || {}).textContent || "Table";
        w.setAttribute("tabindex", "0");
        w.setAttribute("role", "region");
        w.setAttribute("aria-label", name.trim() + " (scrolls sideways)");
        w.setAttribute("data-scrolls", "");
      }
    } else if (w.hasAttribute("data-scrolls")) {
      w.removeAttribute("tabindex");
      w.removeAttribute("role");
      w.removeAttribute("aria-label");
      w.removeAttribute("data-scrolls");
    }
  }
}
markScrollingTables(); // the script is deferred: the page is parsed
window.addEventListener("resize", markScrollingTables);

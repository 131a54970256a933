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

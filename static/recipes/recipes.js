// Recipes: step timers, the print button and delete confirmations. Delegated from document so
// they keep working after htmx swaps.
(function () {
  "use strict";
  var running = new WeakMap();

  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function startTimer(button) {
    var display = button.parentElement.querySelector(".recipe-timer__display");
    if (running.has(button)) {
      clearInterval(running.get(button));
      running.delete(button);
      button.textContent = "⏱ Start " + button.dataset.minutes + "-minute timer";
      if (display) { display.textContent = ""; display.classList.remove("is-done"); }
      return;
    }
    var endsAt = Date.now() + Number(button.dataset.minutes) * 60000;
    button.textContent = "Stop timer";
    function tick() {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      if (display) display.textContent = format(left);
      if (left === 0) {
        clearInterval(running.get(button));
        running.delete(button);
        button.textContent = "⏱ Start " + button.dataset.minutes + "-minute timer";
        if (display) { display.textContent = "Time is up!"; display.classList.add("is-done"); }
        if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      }
    }
    tick();
    running.set(button, setInterval(tick, 1000));
  }

  document.addEventListener("click", function (event) {
    var timer = event.target.closest(".recipe-timer");
    if (timer) { startTimer(timer); return; }
    if (event.target.closest(".print-button")) { window.print(); return; }
    var confirmButton = event.target.closest("[data-confirm]");
    if (confirmButton && !window.confirm(confirmButton.dataset.confirm)) event.preventDefault();
  });
})();

// Keep the Print link on the servings and units chosen in the scaling form.
document.addEventListener("change", function (event) {
  var form = event.target.closest && event.target.closest(".recipe-scale");
  var link = document.querySelector("[data-print-link]");
  if (!form || !link) return;
  var url = new URL(link.href, window.location.href);
  new FormData(form).forEach(function (value, key) { url.searchParams.set(key, value); });
  link.href = url.pathname + url.search;
});

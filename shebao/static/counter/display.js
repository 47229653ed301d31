/* Hall display: a chime (Web Audio oscillator, no sound file) and a flash on every new call.
   Browsers allow audio only after a click, hence the "enable sound" button. */
(function () {
  "use strict";
  var ctx = null;
  var lastStamp = null;

  function chime() {
    if (!ctx) return;
    var now = ctx.currentTime;
    [880, 660].forEach(function (freq, i) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.45);
      gain.gain.exponentialRampToValueAtTime(0.4, now + i * 0.45 + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.45 + 0.4);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + i * 0.45);
      osc.stop(now + i * 0.45 + 0.42);
    });
  }

  function flash(box) {
    box.classList.remove("flash");
    void box.offsetWidth; // restart the animation
    box.classList.add("flash");
  }

  function check() {
    var grid = document.querySelector("#display-now .display-grid");
    if (!grid) return;
    var stamp = grid.getAttribute("data-stamp") || "";
    if (lastStamp !== null && stamp && stamp !== lastStamp) {
      flash(document.getElementById("display-now"));
      chime();
    }
    lastStamp = stamp;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("sound-enable");
    if (button) {
      button.addEventListener("click", function () {
        var Ctx = window.AudioContext || window.webkitAudioContext;
        if (Ctx) {
          ctx = ctx || new Ctx();
          ctx.resume();
          chime();
        }
        button.hidden = true;
      });
    }
    check();
    document.body.addEventListener("htmx:afterSwap", check);
  });
})();

/* Hall display: on every call (a new call, a recall, a resumed ticket) the current call flashes, a
   chime sounds (Web Audio oscillator, no sound file) and, where the browser has a voice, the call is
   spoken ("请 A001 号到 1 号窗口办理", Web Speech API, zh-CN).
   Browsers play sound only after a click on the page: the set-up turns sound on once with the
   "Turn sound on" button; the choice is remembered in localStorage, so the screen starts with sound
   after a restart (a hall PC runs its browser in kiosk mode, where sound needs no click; if the browser
   still blocks it, the button shows again). */
(function () {
  "use strict";
  var KEY = "shebao.display.sound";
  var ctx = null;
  var seen = null; // the calls already on the screen: "pk-count-time"
  var queue = [];
  var speaking = false;

  function soundWanted() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }

  function remember() {
    try { window.localStorage.setItem(KEY, "on"); } catch (e) { /* private mode: ask again next time */ }
  }

  function audio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    ctx = ctx || new Ctx();
    if (ctx.state === "suspended") ctx.resume();
    return ctx;
  }

  function chime() {
    if (!ctx || ctx.state !== "running") return;
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

  function voiceFor(lang) {
    var voices = window.speechSynthesis.getVoices() || [];
    var prefix = lang.slice(0, 2).toLowerCase();
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.replace("_", "-").toLowerCase() === lang.toLowerCase()) return voices[i];
    }
    for (var j = 0; j < voices.length; j++) {
      if (voices[j].lang && voices[j].lang.toLowerCase().indexOf(prefix) === 0) return voices[j];
    }
    return null;
  }

  /* Speak `text` twice, as halls do; calls `done` when finished (or at once without a voice: the
     chime alone announces the call then). */
  function speak(text, done) {
    var lang = document.body.getAttribute("data-speech-lang") || "zh-CN";
    if (!text || !("speechSynthesis" in window) || !voiceFor(lang)) { done(); return; }
    var left = 2;
    function once() {
      var u = new SpeechSynthesisUtterance(text);
      u.lang = lang;
      u.voice = voiceFor(lang);
      u.rate = 0.9;
      u.onend = u.onerror = function () { left -= 1; if (left > 0) once(); else done(); };
      window.speechSynthesis.speak(u);
    }
    once();
  }

  function next() {
    if (speaking || !queue.length) return;
    speaking = true;
    var text = queue.shift();
    document.body.setAttribute("data-announced", text); // what the screen last announced (tests read it)
    chime();
    window.setTimeout(function () {
      speak(text, function () { speaking = false; next(); });
    }, 1000);
  }

  function flash() {
    var box = document.getElementById("display-now");
    box.classList.remove("flash");
    void box.offsetWidth; // restart the animation
    box.classList.add("flash");
  }

  function check() {
    var rows = document.querySelectorAll("#display-now .hs-call[data-call]");
    var now = {};
    var fresh = [];
    for (var i = 0; i < rows.length; i++) {
      var key = rows[i].getAttribute("data-call");
      now[key] = true;
      if (seen !== null && !seen[key]) fresh.unshift(rows[i].getAttribute("data-say")); // oldest first
    }
    if (seen !== null && fresh.length) {
      flash();
      if (soundWanted()) { queue = queue.concat(fresh); next(); }
    }
    seen = now;
  }

  function showButton(show) {
    var button = document.getElementById("sound-enable");
    if (button) button.hidden = !show;
  }

  function tick() {
    var el = document.getElementById("hs-clock");
    if (!el) return;
    var d = new Date();
    var hh = ("0" + d.getHours()).slice(-2);
    var mm = ("0" + d.getMinutes()).slice(-2);
    el.textContent = hh + ":" + mm;
    el.setAttribute("datetime", d.toISOString());
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("sound-enable");
    if (soundWanted()) {
      var c = audio();
      // Sound remembered, but this browser wants a click first: offer the button again.
      showButton(!c || c.state !== "running");
      if (c) c.onstatechange = function () { showButton(c.state !== "running"); };
    } else {
      showButton(true);
    }
    if (button) {
      button.addEventListener("click", function () {
        remember();
        audio();
        window.setTimeout(function () {
          showButton(ctx !== null && ctx.state !== "running");
          chime();
        }, 50);
        if ("speechSynthesis" in window) window.speechSynthesis.getVoices(); // load the voice list
      });
    }
    tick();
    window.setInterval(tick, 10000);
    check();
    document.body.addEventListener("htmx:afterSwap", check);
  });
})();

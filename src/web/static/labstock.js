// labstock's scan station (no inline script: the page's CSP forbids it).
// The input keeps the focus; Enter (what a keyboard-wedge scanner sends)
// ends a scan; the whole code goes to the server, which decodes it. Each
// scan is taken off the input at once and sent in order, so a second scan
// typed while the first is on its way is never mixed into it.
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form) { return; }
  var input = document.getElementById("scan");
  var result = document.getElementById("scan-result");
  var log = document.getElementById("scan-log");
  var queue = Promise.resolve();
  var audio = null;

  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var o = audio.createOscillator();
      var g = audio.createGain();
      o.frequency.value = ok ? 880 : 220;
      o.type = ok ? "sine" : "square";
      g.gain.value = 0.2;
      o.connect(g); g.connect(audio.destination);
      o.start(); o.stop(audio.currentTime + (ok ? 0.12 : 0.4));
    } catch (e) { /* no sound available */ }
  }

  function show(ok, text, link) {
    result.className = "scan-result " + (ok ? "ok" : "bad");
    result.textContent = "";
    var big = document.createElement("p");
    big.className = "big";
    big.textContent = ok ? "\u2714 Recorded" : "\u2716 Refused";
    var p = document.createElement("p");
    p.textContent = text;
    result.appendChild(big); result.appendChild(p);
    if (link) {
      var lp = document.createElement("p");
      var a = document.createElement("a");
      a.href = link;
      a.textContent = "Link this barcode to an item";
      lp.appendChild(a);
      result.appendChild(lp);
    }
    var li = document.createElement("li");
    li.className = ok ? "ok" : "bad";
    li.textContent = (ok ? "\u2714 " : "\u2716 ") + text;
    log.insertBefore(li, log.firstChild);
    beep(ok);
  }

  function send(body) {
    return fetch("/scan", {
      method: "POST",
      headers: { "Accept": "application/json" },
      body: body,
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().then(function (j) { show(j.ok === true, j.text || j.error || "?", j.link); });
    }).catch(function () { show(false, "the server did not answer: nothing may have been recorded; check the bin card"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = input.value;
    if (code.trim() === "") { input.focus(); return; }
    var body = new URLSearchParams(new FormData(form));
    input.value = "";
    input.focus();
    var qty = document.getElementById("scan-quantity");
    if (qty) { qty.value = ""; }
    queue = queue.then(function () { return send(body); });
  });
  // The focus comes back to the input after any click elsewhere on the page
  // that is not on another control.
  document.addEventListener("click", function (event) {
    var t = event.target;
    if (!(t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLButtonElement || t instanceof HTMLAnchorElement || t instanceof HTMLLabelElement)) {
      input.focus();
    }
  });
  form.addEventListener("change", function () { input.focus(); });
  input.focus();
}());

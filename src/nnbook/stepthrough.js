/* The step-through figure's script (nnbook/stepthrough.py). It computes nothing: every value,
   rule and tolerance comes precomputed in the figure's JSON; it only moves between steps,
   reveals values and grades a typed number with window.nnbookNumbers (nnbook/typed_number.js). */
(function () {
  var root = document.currentScript.parentElement;
  var steps = JSON.parse(root.querySelector("script.nnbook-st-data").textContent);
  var n = steps.length, k = 0, revealed = false;
  function q(sel) { return root.querySelector(sel); }
  var input = q(".st-input"), out = q(".st-feedback");
  function say(ok, text) { out.textContent = text; out.className = "st-feedback " + (ok === null ? "" : ok ? "right" : "wrong"); }
  function render() {
    root.querySelectorAll("[data-step]").forEach(function (el) {
      var i = Number(el.getAttribute("data-step"));
      el.textContent = i < k || (i === k && revealed) ? steps[i].shown : i === k ? "?" : "";
      el.classList.toggle("st-now", i === k && !revealed);
    });
    var focus = k < n ? steps[k].focus : [];
    root.querySelectorAll("[data-id]").forEach(function (el) {
      el.classList.toggle("st-hl", focus.indexOf(el.getAttribute("data-id")) >= 0);
    });
    root.setAttribute("data-current", k);
    if (k < n) {
      var s = steps[k];
      q(".st-where").textContent = "Step " + (k + 1) + " of " + n + " \u00b7 " + s.phase;
      q(".st-rule").innerHTML = s.rule;
      q(".st-numbers").textContent = s.numbers + (revealed ? " = " + s.full : "");
    } else {
      q(".st-where").textContent = "Done: all " + n + " values of one training step.";
      q(".st-rule").textContent = "Start again to practise, or go back to any step.";
      q(".st-numbers").textContent = "";
    }
    input.disabled = q(".st-check").disabled = q(".st-reveal").disabled = k >= n || revealed;
    q(".st-back").disabled = k === 0;
    q(".st-next").disabled = q(".st-all").disabled = k >= n;
  }
  function go(to) { k = Math.max(0, Math.min(n, to)); revealed = false; input.value = ""; say(null, ""); render(); }
  function check() {
    var s = steps[k], verdict = window.nnbookNumbers.grade({answer: s.answer, rtol: s.rtol, atol: s.atol, explanation: ""}, input.value);
    say(verdict.correct, verdict.message);
    if (verdict.correct) { revealed = true; render(); }
  }
  q(".st-check").addEventListener("click", check);
  input.addEventListener("keydown", function (e) { if (e.key === "Enter") { check(); } });
  q(".st-reveal").addEventListener("click", function () { revealed = true; say(null, ""); render(); });
  q(".st-next").addEventListener("click", function () { go(k + 1); });
  q(".st-back").addEventListener("click", function () { go(k - 1); });
  q(".st-restart").addEventListener("click", function () { go(0); });
  q(".st-all").addEventListener("click", function () { go(n); });
  render();
})();

/* Reading and grading a number a learner typed: the page's copy of nnbook/typed_number.py.
   The rule is written down in that module's docstring; this is a line-by-line port of its
   read_number, format_number and grade_numeric, and the same table of examples
   (typed_number_cases.json) is run through both. __MESSAGES__ is filled in from Python's
   typed_number.MESSAGES by grader_script(). Defines window.nnbookNumbers once. */
(function () {
  if (window.nnbookNumbers) { return; }
  var MESSAGES = __MESSAGES__;
  var SPACES = "\t\n\r\u00a0\u2007\u2009\u200a\u202f\u3000";
  var TRIM = new RegExp("^[ " + SPACES + "]+|[ " + SPACES + "]+$", "g");
  var NUMBER = /^([+-] ?)?([0-9]+|[1-9][0-9]{0,2}([, _])[0-9]{3}(?:\3[0-9]{3})*)?(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;
  var PREFIXED = /^([+-]?)0([xXoObB])([0-9a-fA-F]+)$/;
  var RADIX = {x: [16, "0123456789abcdef", 13], o: [8, "01234567", 17], b: [2, "01", 53]};
  var NOT_FINITE = /^[+-]?(nan|inf|infinity|\u221e)$/i;
  var DECIMAL_COMMA = /^([+-] ?)?[0-9]+,[0-9]+([eE][+-]?[0-9]+)?$/;
  var GROUPED_DECIMAL_COMMA = /^([+-] ?)?[1-9][0-9]{0,2}([. _])[0-9]{3}(?:\2[0-9]{3})*,[0-9]+$/;
  var BAD_GROUPING = /^([+-] ?)?[0-9]+(?:[,_][0-9]+)+(?:\.[0-9]*)?$/;
  var LIST_SEPARATORS = /[ ,;\u3001]+/;
  var SEVERAL_DOTS = /^[+\- 0-9.,_eE]*\.[+\- 0-9.,_eE]*\.[+\- 0-9.,_eE]*$/;
  var EXPRESSION = /[*\/\u00d7\u00f7^\u00b7()]|[0-9.] *[+-]/;

  function fill(template, fields) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return fields[name]; });
  }

  function trim(text) { return text.replace(TRIM, ""); }

  function normalise(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xFF01 && c <= 0xFF5E) { out += String.fromCharCode(c - 0xFEE0); }
      else if (SPACES.indexOf(text[i]) >= 0) { out += " "; }
      else if (c === 0x2212) { out += "-"; }
      else if (c === 0x3002) { out += "."; }
      else { out += text[i]; }
    }
    return trim(out);
  }

  function format(x) { return String(x); }

  function readPlain(s) {
    var m = NUMBER.exec(s);
    if (m === null || !(m[2] || m[4])) { return null; }
    var separator = m[3] || "";
    var whole = separator ? (m[2] || "").split(separator).join("") : (m[2] || "");
    var clean = (m[1] || "").replace(" ", "") + (whole || "0") + "." + (m[4] || "") + "0";
    return {value: Number(clean + (m[5] ? "e" + m[5] : "")), separator: separator};
  }

  function diagnose(s) {
    var m = PREFIXED.exec(s);
    if (m) {
      var radix = RADIX[m[2].toLowerCase()];
      var digits = m[3].toLowerCase().replace(/^0+/, "") || "0";
      var allowed = digits.split("").every(function (c) { return radix[1].indexOf(c) >= 0; });
      if (allowed && digits.length <= radix[2]) {
        return ["not-decimal", m[1].replace("+", "") + String(parseInt(digits, radix[0]))];
      }
    }
    if (NOT_FINITE.test(s)) { return ["not-finite", ""]; }
    if (s.slice(-1) === "%") {
      var read = readPlain(trim(s.slice(0, -1)));
      if (read && isFinite(read.value)) { return ["percent", format(read.value / 100)]; }
    }
    if (DECIMAL_COMMA.test(s)) { return ["decimal-comma", s.split(" ").join("").replace(",", ".")]; }
    m = GROUPED_DECIMAL_COMMA.exec(s);
    if (m) { return ["decimal-comma", s.split(" ").join("").split(m[2]).join("").replace(",", ".")]; }
    if (BAD_GROUPING.test(s)) { return ["bad-grouping", ""]; }
    var chunks = s.split(LIST_SEPARATORS).filter(function (c) { return c; });
    if (chunks.length > 1 && chunks.every(function (c) { return readPlain(c); })) { return ["two-numbers", ""]; }
    if (SEVERAL_DOTS.test(s)) { return ["several-dots", ""]; }
    if (EXPRESSION.test(s)) { return ["expression", ""]; }
    return ["not-a-number", ""];
  }

  function reading(typed, value, reason, fix, separator) {
    reason = reason || "";
    fix = fix || "";
    return {typed: typed, value: value, reason: reason, fix: fix, separator: separator || "",
            message: reason ? fill(MESSAGES[reason], {typed: typed, fix: fix}) : ""};
  }

  function read(text) {
    var typed = trim(text);
    var points = Array.from(typed);
    if (points.length > 40) { typed = points.slice(0, 40).join("") + "\u2026"; }
    var s = normalise(text);
    if (!s) { return reading(typed, null, "empty"); }
    var plain = readPlain(s);
    if (plain === null) {
      var why = diagnose(s);
      return reading(typed, null, why[0], why[1]);
    }
    if (!isFinite(plain.value)) { return reading(typed, null, "too-large"); }
    return reading(typed, plain.value, "", "", plain.separator);
  }

  function grade(spec, text) {
    var r = read(text);
    if (r.value === null) { return {correct: false, message: r.message}; }
    if (Math.abs(r.value - spec.answer) <= spec.atol + spec.rtol * Math.abs(spec.answer)) {
      return {correct: true, message: MESSAGES.right + (spec.explanation ? " " + spec.explanation : "")};
    }
    var template = MESSAGES[r.separator === "," ? "wrong-grouped" : "wrong"];
    return {correct: false, message: fill(template, {
      value: format(r.value), direction: r.value > spec.answer ? "high" : "low", typed: r.typed})};
  }

  window.nnbookNumbers = {read: read, format: format, grade: grade};
})();

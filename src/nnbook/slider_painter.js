// The static form of nnbook.interactive.slider_plot: every combination of the offered control
// positions, painted from the scenes that nnbook.scene encoded at build time. The painter only
// draws paths, markers, text lines and PNG layers in pixel coordinates; it computes nothing of
// the figure's maths. One copy per figure, so a figure works wherever its HTML is pasted.
(function (root) {
  "use strict";
  var meta = JSON.parse(root.querySelector("script.nnbook-slider-meta").textContent);
  var img = root.querySelector("img");
  var canvas = root.querySelector("canvas");
  var inputs = Array.prototype.slice.call(root.querySelectorAll("[data-control]"));
  var data = null;
  var images = [];
  var cellGrids = [];
  var loading = null;
  var CELL_CODES = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+,-./:";

  function decode() {
    var text = root.querySelector("script.nnbook-slider-data").textContent.trim();
    var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(function (json) {
      var decoded = JSON.parse(json);
      var pending = decoded.items.map(function (item, k) {
        if (item[0] !== 3) { return null; }
        images[k] = new Image();
        images[k].src = "data:image/png;base64," + item[3];
        return images[k].decode();
      });
      return Promise.all(pending).then(function () { data = decoded; });
    });
  }

  function ready() {
    if (!loading) { loading = decode(); }
    return loading;
  }

  function subpath(path, coords) {
    var x = 0, y = 0;
    for (var i = 0; i < coords.length; i += 2) {
      x += coords[i] / 4; y += coords[i + 1] / 4;
      if (i === 0) { path.moveTo(x, y); } else { path.lineTo(x, y); }
    }
  }

  // An image item's cells, one pixel each, on a small canvas (made once per item). The cells
  // come run-length coded: a colour's code, then the run's length when it is more than one.
  function cellGrid(k, item, palette) {
    if (!cellGrids[k]) {
      var cols = item[7], runs = /(\D)(\d*)/g, run, cell = 0, spans = [];
      while ((run = runs.exec(item[8]))) {
        spans.push([palette[CELL_CODES.indexOf(run[1])], cell, run[2] ? Number(run[2]) : 1]);
        cell += spans[spans.length - 1][2];
      }
      var grid = document.createElement("canvas");
      grid.width = cols; grid.height = cell / cols;
      var g = grid.getContext("2d");
      spans.forEach(function (span) {
        if (!span[0]) { return; }
        g.fillStyle = span[0];
        for (var i = span[1]; i < span[1] + span[2]; i++) { g.fillRect(i % cols, Math.floor(i / cols), 1, 1); }
      });
      cellGrids[k] = grid;
    }
    return cellGrids[k];
  }

  function paintItem(ctx, k) {
    var item = data.items[k];
    if (item[0] === 3) { ctx.drawImage(images[k], item[1], item[2]); return; }
    var style = data.styles[item[1]];
    ctx.save();
    if (item[2] >= 0) {
      var c = data.clips[item[2]];
      ctx.beginPath(); ctx.rect(c[0], c[1], c[2], c[3]); ctx.clip();
    }
    if (item[0] === 0) {
      var path = new Path2D();
      for (var s = 4; s < item.length; s++) {
        subpath(path, item[s]);
        if (item[3] & (1 << (s - 4))) { path.closePath(); }
      }
      if (style[0]) { ctx.fillStyle = style[0]; ctx.fill(path, "nonzero"); }
      if (style[1]) {
        ctx.strokeStyle = style[1]; ctx.lineWidth = style[2]; ctx.setLineDash(style[3]);
        ctx.lineCap = style[4]; ctx.lineJoin = style[5]; ctx.stroke(path);
      }
    } else if (item[0] === 1) {
      var outline = new Path2D(), o = style[4];
      for (var j = 0; j < o.length; j += 2) {
        if (j === 0) { outline.moveTo(o[j] / 4, o[j + 1] / 4); } else { outline.lineTo(o[j] / 4, o[j + 1] / 4); }
      }
      outline.closePath();
      var coords = item[3], x = 0, y = 0;
      for (var i = 0; i < coords.length; i += 2) {
        x += coords[i] / 4; y += coords[i + 1] / 4;
        ctx.save(); ctx.translate(x, y);
        if (style[1]) { ctx.fillStyle = style[1]; ctx.fill(outline); }
        if (style[2] && style[3] > 0) { ctx.strokeStyle = style[2]; ctx.lineWidth = style[3]; ctx.stroke(outline); }
        ctx.restore();
      }
    } else if (item[0] === 4) {
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(cellGrid(k, item, style[1]), item[3], item[4], item[5], item[6]);
    } else if (item[0] === 2) {
      ctx.font = style[4] + " " + style[3] + " " + style[1] + 'px "DejaVu Sans", "Bitstream Vera Sans", Verdana, sans-serif';
      ctx.fillStyle = style[2]; ctx.textBaseline = "alphabetic"; ctx.textAlign = "left";
      ctx.translate(item[3], item[4]); ctx.rotate(-item[5] * Math.PI / 180);
      ctx.fillText(item[6], 0, 0);
    }
    ctx.restore();
  }

  function paint(frame, target) {
    var ratio = Math.min(window.devicePixelRatio || 1, 2);
    target.width = Math.round(data.width * ratio); target.height = Math.round(data.height * ratio);
    target.style.width = data.width + "px";  // sharp on high-density screens, same size as the picture
    var ctx = target.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, data.width, data.height);
    data.frames[frame].forEach(function (k) { paintItem(ctx, k); });
  }

  function combo() {
    return inputs.reduce(function (acc, el, i) { return acc * meta.sizes[i] + Number(el.value); }, 0);
  }

  function labels() {
    inputs.forEach(function (el, i) {
      var label = meta.labels[i][Number(el.value)];
      var out = el.parentElement.querySelector("output");
      if (out) { out.textContent = label; }
      if (el.type === "range") { el.setAttribute("aria-valuetext", label); }
    });
  }

  function show() {
    labels();
    var c = combo();
    root.setAttribute("data-combo", c);
    ready().then(function () {
      if (combo() !== c) { return; }
      var frame = data.combos[c];
      paint(frame, canvas);
      canvas.hidden = false; img.hidden = true;
      root.setAttribute("data-frame", frame);
      root.setAttribute("data-painted", c);
    }).catch(function () {
      // A browser without DecompressionStream keeps the default picture and says why.
      root.querySelector(".nnbook-slider-note").textContent =
        "This browser cannot unpack the precomputed settings: the picture shows the default.";
    });
  }

  // Unpack the data as soon as the reader comes near (show() reports a failure).
  function warm() { ready().catch(function () {}); }
  inputs.forEach(function (el) {
    el.addEventListener("input", show);
    el.addEventListener("change", show);
    el.addEventListener("focus", warm);
  });
  root.addEventListener("pointerenter", warm, { once: true });
  root.nnbookSlider = {
    ready: ready,
    frameOf: function (c) { return ready().then(function () { return data.combos[c]; }); },
    paint: function (frame, target) { return ready().then(function () { paint(frame, target); }); },
  };
})(document.currentScript.parentElement);

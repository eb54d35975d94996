/*
 * Takt review drawing: a reviewer draws over a version's image on the task page (/studio/task).
 *
 * Any <canvas data-annotate data-file-id="N"> laid over an image takes strokes from a mouse, a pen or a
 * finger (pointer events; touch-action none on the canvas). Points are kept as fractions of the canvas
 * (0..1), so they fit the image at any size. After each stroke the drawing is written as JSON
 * ({"file_id": N, "strokes": [{"color", "width", "points": [[x, y], ...]}]}) into the
 * <input name="annotation"> of the canvas's form, which sends it with the decision; the server checks it
 * (services/studio/annotations.py). A button with data-annotate-clear in the same form wipes the drawing,
 * and so does the form's reset after a submit. Listeners sit on the document, so canvases that React
 * mounts later work without set-up. window.taktAnnotations(canvas) returns a canvas's strokes (tests).
 */
(function () {
  "use strict";
  if (window.taktAnnotations) {
    return;
  }
  var MAX_POINTS = 2000;
  var MIN_STEP = 0.003;
  var drawings = new WeakMap();

  function drawingOf(canvas) {
    var d = drawings.get(canvas);
    if (!d) {
      d = { strokes: [], current: null };
      drawings.set(canvas, d);
    }
    return d;
  }

  function canvasOf(target) {
    return target && target.closest ? target.closest("canvas[data-annotate]") : null;
  }

  function fit(canvas) {
    var r = canvas.getBoundingClientRect();
    var w = Math.max(1, Math.round(r.width)), h = Math.max(1, Math.round(r.height));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    return r;
  }

  function point(e, r) {
    var x = (e.clientX - r.left) / Math.max(1, r.width), y = (e.clientY - r.top) / Math.max(1, r.height);
    return [Math.min(1, Math.max(0, Math.round(x * 10000) / 10000)),
            Math.min(1, Math.max(0, Math.round(y * 10000) / 10000))];
  }

  function redraw(canvas) {
    fit(canvas);
    var ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    drawingOf(canvas).strokes.forEach(function (s) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = s.width;
      ctx.beginPath();
      s.points.forEach(function (p, i) {
        var x = p[0] * canvas.width, y = p[1] * canvas.height;
        if (i === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
      });
      ctx.stroke();
    });
  }

  function save(canvas) {
    var form = canvas.closest("form");
    var input = form ? form.querySelector('input[name="annotation"]') : null;
    var strokes = drawingOf(canvas).strokes;
    if (input) {
      input.value = strokes.length
        ? JSON.stringify({ file_id: Number(canvas.dataset.fileId), strokes: strokes })
        : "";
    }
  }

  function clear(canvas) {
    var d = drawingOf(canvas);
    d.strokes = [];
    d.current = null;
    save(canvas);
    redraw(canvas);
  }

  document.addEventListener("pointerdown", function (e) {
    var canvas = canvasOf(e.target);
    if (!canvas) { return; }
    e.preventDefault();
    if (canvas.setPointerCapture) { canvas.setPointerCapture(e.pointerId); }
    var r = fit(canvas), d = drawingOf(canvas);
    d.current = { color: canvas.dataset.color || "#e5484d", width: Number(canvas.dataset.width || 3),
                  points: [point(e, r)] };
    d.strokes.push(d.current);
  });

  document.addEventListener("pointermove", function (e) {
    var canvas = canvasOf(e.target);
    if (!canvas) { return; }
    var d = drawingOf(canvas);
    if (!d.current || d.current.points.length >= MAX_POINTS) { return; }
    var p = point(e, canvas.getBoundingClientRect()), last = d.current.points[d.current.points.length - 1];
    if (Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) < MIN_STEP) { return; }
    d.current.points.push(p);
    redraw(canvas);
  });

  function end(e) {
    var canvas = canvasOf(e.target);
    if (!canvas) { return; }
    var d = drawingOf(canvas);
    if (!d.current) { return; }
    if (d.current.points.length < 2) {
      var p = d.current.points[0];
      d.current.points.push([Math.min(1, p[0] + 0.002), p[1]]);      // a dot is a very short line
    }
    d.current = null;
    save(canvas);
    redraw(canvas);
  }
  document.addEventListener("pointerup", end);
  document.addEventListener("pointercancel", end);

  document.addEventListener("click", function (e) {
    var button = e.target && e.target.closest ? e.target.closest("[data-annotate-clear]") : null;
    var form = button ? button.closest("form") : null;
    if (!form) { return; }
    e.preventDefault();
    form.querySelectorAll("canvas[data-annotate]").forEach(clear);
  });

  document.addEventListener("reset", function (e) {
    if (e.target && e.target.querySelectorAll) {
      e.target.querySelectorAll("canvas[data-annotate]").forEach(clear);
    }
  }, true);

  window.taktAnnotations = function (canvas) {
    return drawingOf(canvas).strokes;
  };
})();

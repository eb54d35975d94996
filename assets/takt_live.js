/*
 * Takt live tiles: small JSON deltas from WS /api/v1/live/stream written straight into the page's tiles,
 * so a report changes the figures it changes at once, without re-sending or re-drawing the page's charts
 * (those follow through Reflex at a calmer cadence).
 *
 * A container marked data-live-kind="dashboard|andon|spc" with data-live-params='{"plant_id": ...}' (the
 * page's filters, kept current by Reflex) is one subscription; the server checks the token and the
 * view's access. Inside it, an element data-live-key="<key>" shows tile <key>; an element
 * data-live-machine="<id>" holds the keys "m<id>.<name>" (its data-live-key="<name>" children; "state"
 * sets its data-state attribute, its colour from the container's data-live-colors JSON and its label from
 * the container's hidden data-live-label="<state>" element, translated by the page). The
 * container gets data-live="open|closed|refused" and data-live-seq (the last delta applied).
 *
 * Values are written into the text node React rendered (nodeValue), so a later Reflex render of the same
 * element keeps working.
 *
 * Charts: the dashboard's "trend.*" tiles are the last point of its OEE trend (label and the five series, in
 * the chart's trace order). The plotly chart inside data-live-chart="trend" gets that point appended
 * (Plotly.extendTraces) when its label is new, or put in place of its last point (Plotly.restyle of the y
 * values) when the report changed the current bucket: the figure is neither re-sent nor replaced. Reflex
 * still sends the whole figure at a calm cadence (30 s after a report, or on a filter change); if React draws
 * that older figure again, the next scan puts the newest point back. The token is the person's session ("takt_token") from localStorage, or on an
 * andon board the wall screen's display token ("takt_display_token") when it has one. Reconnects with backoff (1 s ... 30 s).
 */
(function () {
  "use strict";
  if (window.taktLive) {
    window.taktLive.scan();
    return;
  }

  var MAX_DELAY = 30000;
  var socket = null;
  var delay = 1000;
  var nextId = 1;
  var views = [];             // {el, id, params, scope, tiles}

  function token() {
    try {
      var wall = document.querySelector('[data-live-kind="andon"]') && localStorage.getItem("takt_display_token");
      return wall || localStorage.getItem("takt_token") || "";
    } catch (e) {
      return "";
    }
  }

  function url() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + "/api/v1/live/stream?token=" + encodeURIComponent(token());
  }

  function setText(el, value) {
    var text = value === null || value === undefined ? "" : String(value);
    var node = el.firstChild;
    if (node && node.nodeType === 3 && !node.nextSibling) {
      if (node.nodeValue !== text) node.nodeValue = text;
    } else if (el.textContent !== text) {
      el.textContent = text;
    }
  }

  function json(text, fallback) {
    try {
      return JSON.parse(text || "");
    } catch (e) {
      return fallback;
    }
  }

  function apply(view, tiles) {
    var colors = json(view.el.getAttribute("data-live-colors"), {});
    Object.keys(tiles).forEach(function (key) {
      var value = tiles[key];
      view.tiles[key] = value;
      var root = view.el;
      var name = key;
      var m = /^m(\d+)\.(.+)$/.exec(key);
      if (m) {
        root = view.el.querySelector('[data-live-machine="' + m[1] + '"]');
        name = m[2];
        if (!root) return;
        if (name === "state" && value) {
          root.setAttribute("data-state", value);
          if (colors[value]) root.style.background = colors[value];
          var label = root.querySelector('[data-live-key="state"]');
          var word = view.el.querySelector('[data-live-label="' + value + '"]');
          if (label && word) setText(label, word.textContent);
          return;
        }
      }
      root.querySelectorAll('[data-live-key="' + name + '"]').forEach(function (el) {
        setText(el, value);
      });
    });
    if (Object.keys(tiles).some(function (key) { return key.indexOf("trend.") === 0; })) extendTrend(view);
  }

  var TREND = ["oee", "availability", "performance", "quality", "idle"];

  function yValues(gd, i) {
    var y = gd.data[i] && gd.data[i].y;
    if (!y || typeof y.length !== "number") y = (gd._fullData && gd._fullData[i] && gd._fullData[i].y) || [];
    return Array.prototype.slice.call(y);
  }

  function extendTrend(view) {
    var label = view.tiles["trend.label"];
    var Plotly = window.Plotly;
    var gd = view.el.querySelector('[data-live-chart="trend"] .js-plotly-plot');
    if (!label || !Plotly || !gd || !gd.data || gd.data.length < TREND.length) return;
    var traces = TREND.map(function (_, i) { return i; });
    var point = TREND.map(function (name) {
      var v = view.tiles["trend." + name];
      return v === undefined ? null : v;
    });
    var xs = Array.prototype.slice.call(gd.data[0].x || []);
    var at = xs.lastIndexOf(label);
    if (at === -1) {                              // a new bucket: append its point
      Plotly.extendTraces(gd, {x: point.map(function () { return [label]; }),
                               y: point.map(function (v) { return [v]; })}, traces);
    } else if (at === xs.length - 1) {            // the current bucket changed: its point in place
      var ys = traces.map(function (i) { return yValues(gd, i); });
      var same = ys.every(function (y, i) { return y[at] === point[i]; });
      if (same) return;
      ys.forEach(function (y, i) { y[at] = point[i]; });
      Plotly.restyle(gd, {y: ys}, traces);
    } else {
      return;                                     // the chart is newer than this point
    }
    gd.setAttribute("data-live-points", String((gd.data[0].x || []).length));
  }

  function send(message) {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(message));
  }

  function subscribe(view) {
    send({type: "subscribe", id: view.id, kind: view.el.getAttribute("data-live-kind"), params: view.params});
  }

  function scan() {
    views = views.filter(function (v) {
      if (document.body.contains(v.el)) return true;
      send({type: "unsubscribe", id: v.id});
      return false;
    });
    document.querySelectorAll("[data-live-kind]").forEach(function (el) {
      var params = json(el.getAttribute("data-live-params"), null);
      if (!params) return;
      var view = views.find(function (v) { return v.el === el; });
      if (!view) {
        view = {el: el, id: "v" + nextId++, params: params, scope: null, tiles: {}};
        views.push(view);
        subscribe(view);
      } else if (JSON.stringify(params) !== JSON.stringify(view.params)) {
        view.params = params;
        view.scope = null;
        view.tiles = {};
        subscribe(view);
      } else if (Object.keys(view.tiles).length) {
        apply(view, view.tiles);              // tiles React has just rendered again
      }
    });
    if (views.length && !socket) connect();
  }

  function receive(event) {
    var message = json(event.data, {});
    if (message.type === "snapshot" || message.type === "refused") {
      var view = views.find(function (v) { return v.id === message.id; });
      if (!view) return;
      if (message.type === "refused") {
        view.el.setAttribute("data-live", "refused");
        return;
      }
      view.scope = message.scope;
      view.el.setAttribute("data-live", "open");
      apply(view, message.tiles || {});
    } else if (message.type === "delta") {
      views.forEach(function (v) {
        if (v.scope !== message.scope) return;
        apply(v, message.tiles || {});
        v.el.setAttribute("data-live-seq", String(message.seq));
      });
    }
  }

  function connect() {
    if (!token()) return;
    socket = new WebSocket(url());
    socket.onopen = function () {
      delay = 1000;
      views.forEach(subscribe);
    };
    socket.onmessage = receive;
    socket.onclose = function () {
      socket = null;
      views.forEach(function (v) { v.el.setAttribute("data-live", "closed"); });
      setTimeout(function () { if (views.length) connect(); }, delay);
      delay = Math.min(MAX_DELAY, delay * 2);
    };
  }

  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    setTimeout(function () {
      pending = false;
      scan();
    }, 30);
  }).observe(document.documentElement, {childList: true, subtree: true, attributes: true,
                                        attributeFilter: ["data-live-params"]});
  window.taktLive = {scan: scan, views: function () { return views; }};
  scan();
})();

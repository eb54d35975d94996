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
 * element keeps working. The token is the person's session ("takt_token") from localStorage, or on an
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

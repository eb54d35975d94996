/*
 * Takt operator outbox: every tap on the operator screen is kept on this phone first, then sent.
 *
 * A button with data-takt-action="<type>" (start_job, pause_job, resume_job, complete_job,
 * report_counts, start_downtime, end_downtime) and data-machine="<id>" becomes one action with a
 * client id made here (crypto.randomUUID) and the time of the tap. It is appended to
 * localStorage "takt_outbox" with the session token of the person who tapped, and sent in order
 * to POST /api/v1/machines/<id>/actions. 200/201: done (the server records a client id once, so a
 * retry never counts twice). A network error, 408, 429 or 5xx: kept and retried with backoff
 * (1 s, 2 s, 4 s ... 30 s), visibly ("N actions waiting to send"). Any other 4xx: shown in words
 * and dropped. After each send the hidden button #operator-refresh is clicked so the page reads the
 * machine again. Buttons with data-takt-step="<input id>" data-step="<n>" change a count input.
 *
 * Texts come from the page (#takt-outbox-texts data attributes), so they are translated there.
 * This script owns the badge and the error list (plain DOM at the end of <body>): they work
 * without the app's live connection.
 */
(function () {
  "use strict";
  if (window.taktOutbox) {
    window.taktOutbox.render();
    window.taktOutbox.kick();
    return;
  }

  var KEY = "takt_outbox";
  var TOKEN_KEY = "takt_token";
  var MAX_DELAY = 30000;
  var TAP_GUARD_MS = 700;
  var sending = false;
  var timer = null;
  var delay = 0;
  var offline = false;

  function texts() {
    var el = document.getElementById("takt-outbox-texts");
    var d = (el && el.dataset) || {};
    return {
      one: d.one || "1 action waiting to send",
      many: d.many || "{n} actions waiting to send",
      retry: d.retry || "No connection: trying again in {s} s",
      sending: d.sending || "Sending…",
      notSent: d.notSent || "Not sent",
      ok: d.ok || "OK",
      needReason: d.needReason || "Choose a reason first.",
      needCount: d.needCount || "Enter how many good or scrap parts to report.",
      needScrapReason: d.needScrapReason || "Choose why the parts are scrap.",
      loggedOut: d.loggedOut || "Log in first.",
    };
  }

  function load() {
    try {
      var items = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return [];
    }
  }

  function store(items) {
    localStorage.setItem(KEY, JSON.stringify(items));
    render();
  }

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // Plain-HTTP plant networks are not a "secure context": no randomUUID, but getRandomValues works.
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function add(machineId, body, label) {
    var token = localStorage.getItem(TOKEN_KEY) || "";
    if (!token) {
      showError(label, texts().loggedOut);
      return null;
    }
    body.client_id = uuid();
    body.occurred_at = new Date().toISOString();
    var items = load();
    items.push({ machine_id: machineId, body: body, label: label, token: token });
    store(items);
    delay = 0;
    kick();
    return body.client_id;
  }

  function remove(clientId) {
    store(load().filter(function (item) { return item.body.client_id !== clientId; }));
  }

  function kick() {
    clearTimeout(timer);
    timer = null;
    pump();
  }

  function retryLater() {
    offline = true;
    delay = Math.min(MAX_DELAY, delay ? delay * 2 : 1000);
    clearTimeout(timer);
    timer = setTimeout(pump, delay);
    render();
  }

  function refreshPage() {
    var button = document.getElementById("operator-refresh");
    if (button) {
      button.click();
    }
  }

  async function errorText(response) {
    try {
      var data = await response.json();
      var error = data && data.error;
      if (error) {
        var fields = Object.keys(error.fields || {}).map(function (k) { return error.fields[k]; });
        return [error.message].concat(fields.filter(function (f) { return f && f !== error.message; })).join(" ");
      }
    } catch (e) {
      /* not JSON: fall through */
    }
    return "HTTP " + response.status;
  }

  async function pump() {
    if (sending) {
      return;
    }
    sending = true;
    var changed = false;
    try {
      for (;;) {
        var items = load();
        if (!items.length) {
          delay = 0;
          offline = false;
          break;
        }
        var item = items[0];
        var response;
        try {
          response = await fetch("/api/v1/machines/" + encodeURIComponent(item.machine_id) + "/actions", {
            method: "POST",
            headers: { "Content-Type": "application/json", Authorization: "Bearer " + item.token },
            body: JSON.stringify(item.body),
          });
        } catch (e) {
          retryLater();
          break;
        }
        var status = response.status;
        if (status === 200 || status === 201) {
          offline = false;
          delay = 0;
          remove(item.body.client_id);
          changed = true;
          continue;
        }
        if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
          var message = await errorText(response);
          remove(item.body.client_id);
          showError(item.label, message);
          changed = true;
          continue;
        }
        retryLater();
        break;
      }
    } finally {
      sending = false;
      render();
      if (changed) {
        refreshPage();
      }
    }
  }

  // ----- what the person sees: the waiting badge and the errors --------------------------------

  function box(id, css) {
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("div");
      el.id = id;
      el.style.cssText = css;
      document.body.appendChild(el);
    }
    return el;
  }

  function render() {
    if (!document.body) {
      return;
    }
    var t = texts();
    var n = load().length;
    var badge = box("takt-outbox-badge",
      "position:fixed;left:12px;right:12px;bottom:12px;z-index:2147483000;padding:14px 16px;border-radius:12px;" +
      "background:#7c2d12;color:#fff;font:600 18px/1.3 system-ui,sans-serif;text-align:center;" +
      "box-shadow:0 4px 16px rgba(0,0,0,.35)");
    badge.setAttribute("role", "status");
    badge.setAttribute("aria-live", "polite");
    badge.setAttribute("data-testid", "outbox-badge");
    badge.dataset.waiting = String(n);
    if (!n) {
      badge.style.display = "none";
      badge.textContent = "";
      return;
    }
    var line = n === 1 ? t.one : t.many.replace("{n}", String(n));
    var detail = offline && timer ? t.retry.replace("{s}", String(Math.round(delay / 1000))) : t.sending;
    badge.textContent = line + " · " + detail;
    badge.style.display = "block";
  }

  function showError(label, message) {
    var t = texts();
    var list = box("takt-outbox-errors",
      "position:fixed;left:12px;right:12px;top:12px;z-index:2147483001;display:flex;flex-direction:column;gap:8px");
    list.setAttribute("role", "alert");
    var card = document.createElement("div");
    card.setAttribute("data-testid", "outbox-error");
    card.style.cssText = "display:flex;gap:12px;align-items:center;padding:12px 14px;border-radius:12px;" +
      "background:#b91c1c;color:#fff;font:600 17px/1.35 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.35)";
    var text = document.createElement("div");
    text.style.flex = "1";
    text.textContent = (label ? t.notSent + " (" + label + "): " : t.notSent + ": ") + message;
    var ok = document.createElement("button");
    ok.type = "button";
    ok.textContent = t.ok;
    ok.style.cssText = "min-width:64px;min-height:48px;border:2px solid #fff;border-radius:10px;background:transparent;" +
      "color:#fff;font:700 18px system-ui,sans-serif";
    ok.addEventListener("click", function () { card.remove(); });
    card.appendChild(text);
    card.appendChild(ok);
    list.appendChild(card);
  }

  // ----- taps --------------------------------------------------------------------------------

  function intOf(id) {
    var el = id && document.getElementById(id);
    var value = el ? parseInt(el.value, 10) : 0;
    return isNaN(value) ? 0 : value;
  }

  function chosen(id) {
    var el = id && document.getElementById(id);
    return el && el.value ? parseInt(el.value, 10) : null;
  }

  function tap(button) {
    var d = button.dataset;
    var now = Date.now();
    if (d.lastTap && now - Number(d.lastTap) < TAP_GUARD_MS) {
      return;                                  // a bounced double tap is one tap
    }
    d.lastTap = String(now);
    var t = texts();
    var body = { type: d.taktAction };
    if (d.operation) {
      body.operation_id = parseInt(d.operation, 10);
    }
    if (body.type === "report_counts") {
      body.good = intOf(d.goodInput);
      body.scrap = intOf(d.scrapInput);
      if (body.good <= 0 && body.scrap <= 0) {
        showError(d.label, t.needCount);
        return;
      }
      if (body.scrap > 0) {
        body.reason_code_id = chosen(d.reasonInput);
        if (!body.reason_code_id) {
          showError(d.label, t.needScrapReason);
          return;
        }
      }
    } else if (d.reasonInput) {
      body.reason_code_id = chosen(d.reasonInput);
      if (!body.reason_code_id) {
        showError(d.label, t.needReason);
        return;
      }
    }
    if (add(parseInt(d.machine, 10), body, d.label || body.type) && body.type === "report_counts") {
      [d.goodInput, d.scrapInput].forEach(function (id) {
        var el = id && document.getElementById(id);
        if (el) {
          el.value = "0";
        }
      });
    }
  }

  function step(button) {
    var el = document.getElementById(button.dataset.taktStep);
    if (el) {
      var value = (parseInt(el.value, 10) || 0) + parseInt(button.dataset.step || "1", 10);
      el.value = String(Math.max(0, value));
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var action = target && target.closest("[data-takt-action]");
    if (action && !action.disabled) {
      event.preventDefault();
      tap(action);
      return;
    }
    var stepper = target && target.closest("[data-takt-step]");
    if (stepper) {
      event.preventDefault();
      step(stepper);
    }
  });
  window.addEventListener("online", function () { delay = 0; kick(); });
  window.addEventListener("storage", function (event) { if (event.key === KEY) { render(); } });

  window.taktOutbox = { add: add, kick: kick, render: render, waiting: function () { return load().length; } };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(); kick(); });
  } else {
    render();
    kick();
  }
})();

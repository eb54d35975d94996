/*
 * Takt scan station: sound and focus for the scan page (/scan).
 *
 * After each answer the page bumps data-seq of #scan-feedback (data-result: ok, error or empty), and
 * window.taktScanFeedback(ok) is called: ok=true plays one short high beep, ok=false two low buzzes
 * (WebAudio, no sound files), null plays nothing; every call puts the focus back into the scan input
 * (#scan-input). (A watched attribute, not a script sent by the server: the page's CSP allows no eval.) The focus also returns there whenever it would
 * otherwise fall on the page itself, so a keyboard-wedge scanner always types into the input and a
 * mouse is never needed. Other form fields (mode, carrier, quantity ...) keep the focus while used.
 * window.taktScanSounds lists the sounds played ("ok"/"error"), for tests and diagnostics.
 */
(function () {
  "use strict";
  if (window.taktScanFeedback) {
    focusInput();
    return;
  }
  var audio = null;
  window.taktScanSounds = [];

  function input() {
    return document.getElementById("scan-input");
  }

  function focusInput() {
    var el = input();
    if (el && document.activeElement !== el) {
      el.focus({ preventScroll: true });
    }
  }

  function tone(ctx, freq, start, length, type) {
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    osc.type = type;
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, ctx.currentTime + start);
    gain.gain.exponentialRampToValueAtTime(0.3, ctx.currentTime + start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + start);
    osc.stop(ctx.currentTime + start + length + 0.02);
  }

  function beep(ok) {
    window.taktScanSounds.push(ok ? "ok" : "error");
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") {
        audio.resume();
      }
      if (ok) {
        tone(audio, 1760, 0, 0.12, "sine");
      } else {
        tone(audio, 220, 0, 0.22, "square");
        tone(audio, 180, 0.3, 0.35, "square");
      }
    } catch (e) {
      /* no audio device: the colour and the words still answer */
    }
  }

  window.taktScanFeedback = function (ok) {
    if (ok === true || ok === false) {
      beep(ok);
    }
    focusInput();
  };

  var seenSeq = null;
  function answered() {
    var el = document.getElementById("scan-feedback");
    if (!el || el.getAttribute("data-seq") === seenSeq) {
      return;
    }
    var first = seenSeq === null;
    seenSeq = el.getAttribute("data-seq");
    if (!first) {
      var result = el.getAttribute("data-result");
      window.taktScanFeedback(result === "ok" ? true : result === "error" ? false : null);
    }
  }
  new MutationObserver(answered).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-seq"]
  });
  answered();

  function isControl(el) {
    return !!el && el !== document.body && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName) ||
      !!(el && el.getAttribute && (el.getAttribute("role") === "combobox" || el.getAttribute("role") === "option"));
  }

  document.addEventListener("focusout", function (event) {
    if (event.target !== input()) {
      return;
    }
    setTimeout(function () {
      if (!isControl(document.activeElement)) {
        focusInput();
      }
    }, 30);
  });
  document.addEventListener("click", function (event) {
    if (!isControl(event.target) && !(event.target.closest && event.target.closest("button, a, select, input, [role]"))) {
      focusInput();
    }
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && el && el.hasAttribute && el.hasAttribute("data-scan-setting")) {
      event.preventDefault();
      el.blur();
      focusInput();
    }
  });
  window.addEventListener("focus", focusInput);
  focusInput();
})();

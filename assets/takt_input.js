/**
 * Japanese and Korean input: an Enter that ends an IME composition never submits a form or reaches a page's
 * key handlers. Loaded once on every page (rxapp/rxapp.py head).
 *
 * While a composition runs, Chrome and Firefox send keydown with `isComposing` (keyCode 229); Safari sends
 * the Enter that ends it right after `compositionend`, with keyCode 229. Such an Enter is stopped in the
 * capture phase (React and the scan pages' own listeners never see it) and, outside a running composition,
 * its default (the form's implicit submit) is prevented. A submit while a composition runs is refused too.
 */
(function () {
  if (typeof window === "undefined" || window.__taktImeGuard) return;
  window.__taktImeGuard = true;
  let composing = false;
  let endedAt = -1000;

  document.addEventListener("compositionstart", function () { composing = true; }, true);
  document.addEventListener("compositionend", function () {
    composing = false;
    endedAt = performance.now();
  }, true);
  document.addEventListener("focusout", function () { composing = false; }, true);

  function isEnter(event) {
    return event.key === "Enter" || event.code === "Enter" || event.code === "NumpadEnter";
  }

  document.addEventListener("keydown", function (event) {
    if (!isEnter(event)) return;               // other keys of a composition (keyCode 229) are the IME's
    const justEnded = performance.now() - endedAt < 50;
    if (event.isComposing || composing) {
      event.stopImmediatePropagation();        // the IME commits the text; nothing else happens
    } else if (event.keyCode === 229 || justEnded) {
      event.stopImmediatePropagation();
      event.preventDefault();                  // Safari's Enter after compositionend: no implicit submit
    }
  }, true);

  document.addEventListener("submit", function (event) {
    if (composing) {
      event.stopImmediatePropagation();
      event.preventDefault();
    }
  }, true);

  window.takt_ime = { isComposing: function () { return composing; } };
})();

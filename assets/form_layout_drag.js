/*
 * Takt form layouts (/admin/form-layouts): reorder fields by HTML5 drag and drop.
 *
 * Every element with data-layout-slot="s:i" (field i of section s) is draggable; every element with
 * data-layout-end="s" (a section's card) takes a drop at the end of section s. A drop writes "s:i>t:j" into
 * the hidden <input id="layout-drop"> the way typing would (the native value setter, then an input event),
 * so the page state's drop_field handler runs; the server-side state does the move and re-renders.
 * The move up / move down buttons stay for keyboards and phones. Listeners sit on the document, so
 * elements React mounts later work without set-up.
 */
(function () {
  "use strict";
  if (typeof window === "undefined" || window.__taktLayoutDrag) return;
  window.__taktLayoutDrag = true;
  var dragged = null;

  function slotOf(target) {
    return target && target.closest ? target.closest("[data-layout-slot]") : null;
  }

  function endOf(target) {
    return target && target.closest ? target.closest("[data-layout-end]") : null;
  }

  function send(spec) {
    var input = document.getElementById("layout-drop");
    if (!input) return;
    var setter = Object.getOwnPropertyDescriptor(window.HTMLInputElement.prototype, "value").set;
    setter.call(input, spec + "#" + Date.now());           // always a change, even for the same move twice
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("dragstart", function (event) {
    var slot = slotOf(event.target);
    if (!slot) return;
    dragged = slot.getAttribute("data-layout-slot");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged);
  });

  document.addEventListener("dragover", function (event) {
    if (dragged !== null && (slotOf(event.target) || endOf(event.target))) event.preventDefault();
  });

  document.addEventListener("drop", function (event) {
    if (dragged === null) return;
    var slot = slotOf(event.target), end = endOf(event.target);
    var target = slot ? slot.getAttribute("data-layout-slot")
      : end ? end.getAttribute("data-layout-end") + ":" + end.querySelectorAll("[data-layout-slot]").length : null;
    if (target !== null) {
      event.preventDefault();
      if (target !== dragged) send(dragged + ">" + target);
    }
    dragged = null;
  });

  document.addEventListener("dragend", function () { dragged = null; });
})();

/**
 * Takt's translations in the browser: one catalog per language, fetched once from /api/v1/i18n/<lang>
 * (message id -> text), kept for the life of the page.
 *
 * `useTaktCatalogs()` is the hook every translated text of a page uses (rxapp/i18n_client.py): it
 * answers `translate(lang, id, fallback)` and re-renders its component when a catalog arrives. A text
 * whose language has no catalog yet shows `fallback` (the text compiled into the page) and asks for the
 * catalog; English needs none (the ids are English); a message a catalog lacks shows its English id.
 * A message with a context (pgettext) has the id "<context>\u0004<English>", as the catalog keys it; it
 * shows its English part where no translation is found.
 *
 * Attributes (aria-label, title, placeholder) get no hook from Reflex: they are looked up through
 * `window.takt_i18n.t` when their element renders, and an element that does not re-render would keep
 * the language (or the English fallback) of that moment. So every text handed out for an attribute is
 * remembered with its id, and when a catalog arrives or the page's language changes, `relabel()` puts
 * the current language's text into every such attribute still showing another language's.
 */
import { useSyncExternalStore } from "react";

const catalogs = {};
const loading = {};
const listeners = new Set();
let version = 0;
let current = "en";           // the language the page last rendered a text in
const attributeIds = new Map();   // a text given to an attribute (in any language) -> its message id
const RELABELLED = ["aria-label", "title", "placeholder"];
let relabelPending = false;

function relabel() {
  relabelPending = false;
  if (typeof document === "undefined" || attributeIds.size === 0) return;
  const selector = RELABELLED.map((name) => "[" + name + "]").join(",");
  document.querySelectorAll(selector).forEach((element) => {
    for (const name of RELABELLED) {
      const shown = element.getAttribute(name);
      const id = shown == null ? undefined : attributeIds.get(shown);
      if (id === undefined) continue;
      const wanted = translate(current, id, shown);
      if (wanted !== shown) {
        attributeIds.set(wanted, id);
        element.setAttribute(name, wanted);
      }
    }
  });
}

function scheduleRelabel() {
  if (relabelPending || typeof window === "undefined") return;
  relabelPending = true;
  window.setTimeout(relabel, 0);       // after React has committed the render that changed the language
}

function load(lang) {
  if (loading[lang] || typeof window === "undefined") return;   // the build's prerender keeps the fallback
  loading[lang] = fetch("/api/v1/i18n/" + encodeURIComponent(lang), { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : {}))
    .catch(() => ({}))
    .then((table) => {
      catalogs[lang] = table || {};
      version += 1;
      listeners.forEach((listener) => listener());
      scheduleRelabel();
    });
}

function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function snapshot() {
  return version;
}

/** The English text of a message id: the id without its context ("ledger\u0004Account" -> "Account"). */
export function english(id) {
  const text = String(id);
  const cut = text.indexOf("\u0004");
  return cut < 0 ? text : text.slice(cut + 1);
}

export function translate(lang, id, fallback) {
  if ((lang || "en") !== current) {
    current = lang || "en";
    scheduleRelabel();
  }
  if (!lang || lang === "en") return english(id);
  const table = catalogs[lang];
  if (table === undefined) {
    load(lang);
    return fallback;
  }
  return table[id] ?? english(id);
}

/** Fill `{name}` placeholders of a translated text with the given values. */
export function fill(text, values) {
  return String(text).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export function useTaktCatalogs() {
  useSyncExternalStore(subscribe, snapshot, snapshot);
  return translate;
}

if (typeof window !== "undefined") {
  window.takt_i18n = {
    translate, fill, english, catalogs,
    t: (id, fallback) => {                                    // attributes Reflex gives no hook (aria-*, data-*)
      const shown = translate(current, id, fallback);
      attributeIds.set(id, id);
      attributeIds.set(String(fallback), id);
      attributeIds.set(shown, id);
      return shown;
    },
    relabel,
  };
}

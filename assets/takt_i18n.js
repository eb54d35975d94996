/**
 * Takt's translations in the browser: one catalog per language, fetched once from /api/v1/i18n/<lang>
 * (message id -> text), kept for the life of the page.
 *
 * `useTaktCatalogs()` is the hook every translated text of a page uses (rxapp/i18n_client.py): it
 * answers `translate(lang, id, fallback)` and re-renders its component when a catalog arrives. A text
 * whose language has no catalog yet shows `fallback` (the text compiled into the page) and asks for the
 * catalog; English needs none (the ids are English); a message a catalog lacks shows its English id.
 */
import { useSyncExternalStore } from "react";

const catalogs = {};
const loading = {};
const listeners = new Set();
let version = 0;
let current = "en";           // the language the page last rendered a text in

function load(lang) {
  if (loading[lang] || typeof window === "undefined") return;   // the build's prerender keeps the fallback
  loading[lang] = fetch("/api/v1/i18n/" + encodeURIComponent(lang), { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : {}))
    .catch(() => ({}))
    .then((table) => {
      catalogs[lang] = table || {};
      version += 1;
      listeners.forEach((listener) => listener());
    });
}

function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function snapshot() {
  return version;
}

export function translate(lang, id, fallback) {
  current = lang || "en";
  if (!lang || lang === "en") return id;
  const table = catalogs[lang];
  if (table === undefined) {
    load(lang);
    return fallback;
  }
  return table[id] ?? id;
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
    translate, fill, catalogs,
    t: (id, fallback) => translate(current, id, fallback),   // attributes Reflex gives no hook (aria-*, data-*)
  };
}

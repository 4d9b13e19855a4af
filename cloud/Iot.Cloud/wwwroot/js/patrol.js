// The patrol round on a phone. Nothing is lost on a poor connection:
// - each failed item's photo is made small on the phone (photo.js);
// - "Send round" puts the round in the phone's outbox (IndexedDB) first, then sends it to /api/patrols/rounds;
// - without signal it waits there and is sent by itself when the signal returns, or when a patrol page is opened
//   again (the service worker, patrol-sw.js, opens the pages offline). The round's key makes a resend count once.
"use strict";

(function () {
  const DB_NAME = "iot-patrol";
  const STORE = "outbox";
  let retryTimer = null;
  let retryDelay = 3000;
  let flushing = false;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/patrol-sw.js", { scope: "/patrol" }).catch(() => {});
  }

  function outboxNote(text) {
    const element = document.getElementById("patrol-outbox");
    if (element) {
      element.textContent = text;
      element.hidden = !text;
      if (text) {
        element.scrollIntoView({ block: "nearest" });
      }
    }
  }

  function words(name, fallback) {
    const form = document.getElementById("patrol-form");
    return (form && form.dataset[name]) || document.body.dataset[name] || fallback;
  }

  // ---- The outbox ------------------------------------------------------------------------------------------------

  function database() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function store(mode, act) {
    const db = await database();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const request = act(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(request ? request.result : undefined);
        transaction.onerror = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }

  // One round: "sent" (201 or 200 for a resend), "refused" (400: the server says why; kept out of the outbox),
  // or a thrown error (no signal, a server away): it stays in the outbox.
  async function send(item) {
    const data = new FormData();
    data.append("round", JSON.stringify(item.round));
    for (const photo of item.photos) {
      data.append("photo." + photo.item, photo.file, "photo.jpg");
    }
    const response = await fetch("/api/patrols/rounds", { method: "POST", body: data, credentials: "same-origin" });
    if (response.ok) {
      return { outcome: "sent", receipt: await response.json() };
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      const problem = await response.json().catch(() => ({}));
      return { outcome: "refused", detail: problem.detail || String(response.status) };
    }
    throw new Error("server answered " + response.status);
  }

  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  async function flush() {
    if (flushing || typeof indexedDB === "undefined") {
      return;
    }
    flushing = true;
    try {
      const waiting = await store("readonly", (s) => s.getAll());
      for (const item of waiting) {
        const answer = await send(item);
        await store("readwrite", (s) => s.delete(item.key));
        done(item, answer);
      }
    } catch (e) {
      outboxNote(words("queued", "Saved on this phone: it will be sent when the signal returns."));
      retryLater();
    } finally {
      flushing = false;
    }
  }

  function done(item, answer) {
    const form = document.getElementById("patrol-form");
    const here = form && form.dataset.key === item.key;
    if (answer.outcome === "sent") {
      const numbers = answer.receipt.findings.map((f) => f.number).join(", ");
      outboxNote(words("sent", "Round sent.") + (numbers ? " " + words("findings", "Work orders: {0}").replace("{0}", numbers) : ""));
      if (here) {
        form.querySelector("button[type=submit]").disabled = true;
      }
      const stop = document.querySelector(`a.stop[data-courtyard="${item.round.courtyard}"]`);
      if (stop) {
        stop.classList.add("walked");
      }
    } else {
      outboxNote(words("refused", "The round was not accepted:") + " " + answer.detail);
    }
  }

  // ---- The round form --------------------------------------------------------------------------------------------

  function wire(form) {
    const reductions = new Map();
    form.querySelectorAll("fieldset.check").forEach((fieldset) => {
      const finding = fieldset.querySelector(".finding");
      fieldset.querySelectorAll("input[type=radio]").forEach((radio) =>
        radio.addEventListener("change", () => { finding.hidden = !(radio.checked && radio.value === "problem"); }));
      const input = finding.querySelector("input[type=file]");
      const status = finding.querySelector(".photo-status");
      input.addEventListener("change", () => {
        const file = input.files && input.files[0];
        if (!file) {
          reductions.delete(fieldset.dataset.item);
          return;
        }
        status.textContent = form.dataset.reducing;
        reductions.set(fieldset.dataset.item, IotPhoto.reduce(file).catch(() => file).then((small) => {
          status.textContent = form.dataset.photoReady.replace("{0}", IotPhoto.size(small.size));
          return small;
        }));
      });
    });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      const checks = [];
      const photos = [];
      for (const fieldset of form.querySelectorAll("fieldset.check")) {
        const item = fieldset.dataset.item;
        const ok = fieldset.querySelector("input[value=ok]").checked;
        const note = fieldset.querySelector("textarea").value.trim();
        checks.push({ item, ok, note: ok || !note ? null : note });
        if (!ok && reductions.has(item)) {
          photos.push({ item, file: await reductions.get(item) });
        }
      }
      const item = { key: form.dataset.key, round: { key: form.dataset.key, courtyard: form.dataset.courtyard, walkedAt: new Date().toISOString(), checks }, photos };
      await store("readwrite", (s) => s.put(item));
      outboxNote(words("sending", "Sending…"));
      retryDelay = 3000;
      await flush();
      if (document.getElementById("patrol-outbox").textContent.startsWith(words("refused", "\u0000"))) {
        button.disabled = false;
      }
    });
  }

  // A fresh key for each round, made on the phone: the page may come from the service worker's copy, whose key an
  // earlier round used already.
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  const form = document.getElementById("patrol-form");
  if (form) {
    form.dataset.key = newKey();
    wire(form);
  }
  window.addEventListener("online", () => {
    retryDelay = 3000;
    flush();
  });
  flush();
})();

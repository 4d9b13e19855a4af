// The patrol round on a phone. Nothing is lost on a poor connection:
// - each failed item's photo is made small on the phone (photo.js);
// - "Send round" puts the round in the phone's outbox (IndexedDB) first, then sends it to /api/patrols/rounds;
// - without signal it waits there and is sent by itself when the signal returns, or when a patrol page is opened
//   again (the service worker, patrol-sw.js, opens the pages offline). The round's key makes a resend count once.
"use strict";

(function () {
  const outbox = IotOutbox("iot-patrol"); // outbox.js
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

  // The page's words: the round form's, or on the courtyard list the outbox note's own.
  function words(name) {
    const form = document.getElementById("patrol-form");
    return (form && form.dataset[name]) || document.getElementById("patrol-outbox").dataset[name] || "";
  }

  // ---- The outbox ------------------------------------------------------------------------------------------------


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
      const waiting = await outbox.all();
      for (const item of waiting) {
        const answer = await send(item);
        await outbox.remove(item.key);
        done(item, answer);
      }
    } catch (e) {
      outboxNote(words("queued"));
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
      outboxNote(words("sent") + (numbers ? " " + words("findings").replace("{0}", numbers) : ""));
      const stop = document.querySelector(`a.stop[data-courtyard="${item.round.courtyard}"]`);
      if (stop) {
        stop.classList.add("walked");
      }
    } else {
      outboxNote(words("refused") + " " + answer.detail);
      if (here) {
        form.querySelector("button[type=submit]").disabled = false; // correct it and send again
      }
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
      form.querySelector("button[type=submit]").disabled = true; // sent, waiting, or back to be corrected
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
      await outbox.put(item);
      outboxNote(words("sending"));
      retryDelay = 3000;
      await flush();
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

// The resident's report form on a phone. The form works without this script; with it, nothing is lost on a poor
// connection:
// - a photo is made small on the phone before it is sent (photo.js);
// - the report is sent in the background; a refusal (a wrong phone number, say) comes back as the server's page, with
//   the entries and the photo in it, and replaces the form in place;
// - without signal the report waits on the phone (IndexedDB) and is sent by itself when the signal returns, or when
//   the page is opened again. The form's key makes a resent report count once on the server;
// - the server's small challenge (asked beyond a few reports an hour from one address) is solved in the background
//   while the form is filled in, so the resident never waits for it (Reports/ReportChallenge.cs).
"use strict";

(function () {
  const outbox = IotOutbox("iot-resident"); // outbox.js

  let form = null;
  let reduction = Promise.resolve();
  let solving = Promise.resolve();
  let retryTimer = null;
  let retryDelay = 3000;
  let flushing = false;

  // ---- The challenge: a nonce whose SHA-256 with it starts with the asked zero bits -------------------------------

  function zeroBits(hash) {
    let bits = 0;
    for (const byte of hash) {
      if (byte === 0) {
        bits += 8;
        continue;
      }
      return bits + Math.clz32(byte) - 24;
    }
    return bits;
  }

  // Resolves with the solution, or "" where the browser has no SubtleCrypto (plain http off this machine): the first
  // reports need none, and the server says so if one is needed.
  async function solve(challenge, bits) {
    if (!challenge || !(window.crypto && crypto.subtle)) {
      return "";
    }
    const encoder = new TextEncoder();
    for (let nonce = 0; nonce < 1 << 26; nonce++) {
      const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + nonce)));
      if (zeroBits(hash) >= bits) {
        return String(nonce);
      }
    }
    return "";
  }

  function startSolving() {
    const challenge = form.querySelector("input[name=challenge]");
    const solution = form.querySelector("input[name=solution]");
    if (!challenge || !solution) {
      return Promise.resolve();
    }
    return solve(challenge.value, Number(form.dataset.bits)).then((found) => {
      solution.value = found;
    }, () => {});
  }

  // ---- The photo: reduced on the phone (photo.js) ----------------------------------------------------------------

  function showPreview(src) {
    const figure = document.getElementById("photo-preview");
    const img = document.getElementById("photo-preview-img");
    if (!figure || !img) {
      return;
    }
    img.src = src;
    figure.hidden = false;
  }

  function onPhotoChosen(input) {
    const file = input.files && input.files[0];
    const status = document.getElementById("photo-status");
    if (!file) {
      return;
    }
    status.textContent = form.dataset.reducing;
    reduction = IotPhoto.reduce(file).then((small) => {
      if (small.size < file.size) {
        const chosen = new DataTransfer();
        chosen.items.add(small);
        input.files = chosen.files;
      }
      // A new photo replaces the one kept from a refused send.
      const kept = form.querySelector("input[name=keptPhoto]");
      if (kept) {
        kept.remove();
      }
      showPreview(URL.createObjectURL(input.files[0]));
      document.getElementById("photo-caption").textContent = form.dataset.reduced.replace("{0}", IotPhoto.size(file.size)).replace("{1}", IotPhoto.size(input.files[0].size));
      status.textContent = "";
    }).catch(() => {
      // The server reduces what the phone could not; the file's name says it was chosen.
      status.textContent = file.name;
    });
    document.getElementById("photo-button-text").textContent = form.dataset.another;
  }

  // ---- Sending ---------------------------------------------------------------------------------------------------

  // Beside the send button, where the resident's eyes are after pressing it.
  function note(text) {
    const element = document.getElementById("outbox-note");
    if (element) {
      element.textContent = text;
      element.hidden = !text;
      if (text) {
        element.scrollIntoView({ block: "nearest" });
      }
    }
  }

  // Sends one report. "sent": the tracking page is opening. "refused": the server's page replaced the form.
  // A network failure throws.
  async function send(url, data) {
    const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
    if (response.redirected && new URL(response.url).pathname.startsWith("/r/track/")) {
      location.assign(response.url);
      return "sent";
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const main = page.querySelector("main");
    if (!main || !page.querySelector("form.report-form")) {
      throw new Error("unexpected answer " + response.status);
    }
    document.querySelector("main").replaceWith(document.adoptNode(main));
    document.title = page.title;
    init();
    const error = document.getElementById("report-error");
    if (error) {
      error.focus();
    }
    return "refused";
  }

  async function onSubmit(event) {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    await reduction;
    await solving;
    const data = new FormData(form);
    if (!navigator.onLine) {
      await queue(data);
      return;
    }
    button.disabled = true;
    note(form.dataset.sending);
    try {
      await send(location.pathname, data);
    } catch (e) {
      await queue(data);
    } finally {
      button.disabled = false;
    }
  }

  // ---- The outbox: reports waiting for a signal ------------------------------------------------------------------


  // Kept by the form's key: pressing Send again while waiting replaces the waiting report, it does not add one.
  async function queue(data) {
    const fields = [];
    for (const [name, value] of data.entries()) {
      if (name === "__RequestVerificationToken" || (value instanceof File && value.size === 0)) {
        continue;
      }
      fields.push({ name, value, fileName: value instanceof File ? value.name : null });
    }
    await outbox.put({ key: data.get("key"), url: location.pathname, fields, at: Date.now() });
    note(form.dataset.queued);
    retryLater();
  }

  function retryLater() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  // A waiting report is sent with a fresh antiforgery token and a fresh challenge: the ones it was queued with may
  // have expired meanwhile, and the phone may have another address now.
  async function fresh(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const input = page.querySelector("form.report-form input[name=__RequestVerificationToken]");
    if (!input) {
      throw new Error("no form at " + url);
    }
    const challenge = page.querySelector("form.report-form input[name=challenge]");
    const bits = Number(page.querySelector("form.report-form").dataset.bits);
    const solution = challenge ? await solve(challenge.value, bits) : "";
    return { token: input.value, challenge: challenge ? challenge.value : "", solution };
  }

  async function flush() {
    if (flushing || !form) {
      return;
    }
    flushing = true;
    try {
      const waiting = (await outbox.all()).filter((item) => item.url === location.pathname);
      if (waiting.length === 0) {
        return;
      }
      note(form.dataset.retrying);
      for (const item of waiting) {
        const data = new FormData();
        for (const field of item.fields) {
          if (field.name === "challenge" || field.name === "solution") {
            continue;
          }
          if (field.fileName !== null) {
            data.append(field.name, field.value, field.fileName);
          } else {
            data.append(field.name, field.value);
          }
        }
        const { token, challenge, solution } = await fresh(item.url);
        data.append("__RequestVerificationToken", token);
        data.append("challenge", challenge);
        data.append("solution", solution);
        const outcome = await send(item.url, data);
        await outbox.remove(item.key);
        if (outcome === "sent") {
          return;
        }
      }
      note("");
    } catch (e) {
      note(form.dataset.queued);
      retryLater();
    } finally {
      flushing = false;
    }
  }

  // ---- Wiring (again after a refusal replaced the form) ----------------------------------------------------------

  function init() {
    form = document.querySelector("form.report-form");
    if (!form) {
      return;
    }
    form.addEventListener("submit", onSubmit);
    solving = startSolving();
    const input = form.querySelector("input[type=file][name=photo]");
    input.addEventListener("change", () => onPhotoChosen(input));
    const kept = form.querySelector("input[name=keptPhoto]");
    if (kept) {
      showPreview("data:image/jpeg;base64," + kept.value);
    }
  }

  init();
  window.addEventListener("online", () => {
    retryDelay = 3000;
    flush();
  });
  if (typeof indexedDB !== "undefined") {
    flush();
  }
})();

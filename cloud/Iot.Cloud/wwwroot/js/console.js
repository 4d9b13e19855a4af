// The staff console: alerts and work orders arrive over /api/live (server-sent events) without a reload.
// Rows are built with textContent only, so nothing from an event is ever parsed as HTML.
"use strict";

(function () {
  const texts = JSON.parse(document.getElementById("console-texts").textContent);
  const root = document.querySelector(".console");
  const mayChange = root.dataset.mayChange === "true";
  const alerts = document.querySelector("#alerts tbody");
  const announce = document.getElementById("live-announce");
  const state = document.getElementById("live-state");
  const filter = {
    courtyard: document.getElementById("filter-courtyard").value,
    kind: document.getElementById("filter-kind").value,
    severity: document.getElementById("filter-severity").value,
  };

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function shortTime(iso) {
    // The page's other times are in the site's zone (Kunming, UTC+8, no daylight saving).
    const t = new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
    return pad(t.getUTCMonth() + 1) + "-" + pad(t.getUTCDate()) + " " + pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes());
  }

  function beep() {
    // A short tone as well as the highlight; browsers allow it once the page has been used.
    try {
      const audio = new (window.AudioContext || window.webkitAudioContext)();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.08;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (e) {
      // No audio: the visual cue remains.
    }
  }

  function matches(a) {
    return (!filter.courtyard || a.courtyard === filter.courtyard)
      && (!filter.kind || a.target === filter.kind)
      && (!filter.severity || a.severity === filter.severity);
  }

  function ackButton(id) {
    const button = el("button", texts.acknowledge, "small");
    button.type = "button";
    button.dataset.ack = id;
    return button;
  }

  function alertRow(a) {
    const row = el("tr");
    row.dataset.alertId = a.id;
    row.dataset.courtyard = a.courtyard;
    row.dataset.kind = a.target;
    row.dataset.severity = a.severity;
    row.dataset.fault = a.fault;
    row.dataset.subject = a.device ? a.agent + "/" + a.device + (a.outlet ? "/o" + a.outlet : "") : a.agent;
    row.className = "status-" + a.status + " new";
    const sev = el("td");
    sev.append(el("span", texts.severity[a.severity] || a.severity, "sev sev-" + a.severity));
    const what = el("td", a.title, "what");
    const where = el("td");
    const link = el("a", texts.courtyards[a.courtyard] || a.courtyard);
    link.href = "/console/courtyards/" + encodeURIComponent(a.courtyard);
    where.append(link, " ", el("span", a.device || a.agent, "device"));
    const raised = el("td");
    const time = el("time", shortTime(a.raisedAt));
    time.dateTime = a.raisedAt;
    raised.append(time);
    const status = el("td", texts.alertStatus[a.status] || a.status, "alert-status");
    const actions = el("td");
    if (mayChange && a.status === "open") {
      actions.append(ackButton(a.id));
    }
    row.append(sev, what, where, raised, status, actions);
    if (a.workOrderId) {
      addOrderLink(row, a.workOrderId);
    }
    return row;
  }

  function addOrderLink(row, orderId) {
    if (row.querySelector("[data-order-link]")) {
      return;
    }
    const link = el("a", texts.workOrder + " →", "order-link");
    link.href = "/console/orders/" + orderId;
    link.dataset.orderLink = "";
    row.querySelector(".what").append(" ", link);
  }

  function onAlert(change) {
    const a = change.data;
    let row = alerts.querySelector('tr[data-alert-id="' + a.id + '"]');
    if (a.status === "closed") {
      if (row) {
        row.remove();
      }
      return;
    }
    if (!matches(a)) {
      return;
    }
    if (row) {
      row.className = "status-" + a.status + (change.kind === "reraised" ? " new" : "");
      row.querySelector(".alert-status").textContent = texts.alertStatus[a.status] || a.status;
      if (a.status !== "open") {
        row.querySelectorAll("[data-ack]").forEach((b) => b.remove());
      }
      if (a.workOrderId) {
        addOrderLink(row, a.workOrderId);
      }
    } else {
      row = alertRow(a);
      alerts.prepend(row);
      document.getElementById("alerts-empty").hidden = true;
    }
    if (change.kind === "raised" || change.kind === "reraised") {
      announce.textContent = texts.newAlert + ": " + a.title + " · " + (texts.courtyards[a.courtyard] || a.courtyard);
      beep();
    }
  }

  function onOrder(change) {
    const o = change.data;
    // Link the order to the alert it was made for (same fault and subject).
    alerts.querySelectorAll("tr[data-alert-id]").forEach((row) => {
      if (row.dataset.fault === o.fault && row.dataset.subject === o.subject) {
        addOrderLink(row, o.id);
      }
    });
    document.getElementById("orders-changed").hidden = false;
  }

  alerts.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-ack]");
    if (!button) {
      return;
    }
    button.disabled = true;
    try {
      const a = await window.iot.send("/api/alerts/" + button.dataset.ack + "/acknowledge", {});
      const row = button.closest("tr");
      row.className = "status-" + a.status;
      row.querySelector(".alert-status").textContent = texts.alertStatus[a.status] || a.status;
      button.remove();
    } catch (e) {
      announce.textContent = texts.failed + " " + e.message;
      button.disabled = false;
    }
  });

  function connect() {
    const source = new EventSource("/api/live");
    source.onopen = () => {
      state.className = "live-state on";
      state.querySelector(".text").textContent = texts.live;
    };
    source.onerror = () => {
      state.className = "live-state off";
      state.querySelector(".text").textContent = texts.offline;
    };
    source.addEventListener("alert", (e) => onAlert(JSON.parse(e.data)));
    source.addEventListener("workOrder", (e) => onOrder(JSON.parse(e.data)));
  }

  connect();
})();

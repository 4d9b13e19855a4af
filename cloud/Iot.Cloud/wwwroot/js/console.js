// The staff console: alerts and work orders arrive over /api/live (server-sent events) without a reload.
// Rows are built with textContent only, so nothing from an event is ever parsed as HTML.
"use strict";

(function () {
  const texts = JSON.parse(document.getElementById("console-texts").textContent);
  const root = document.querySelector(".console");
  const mayChange = root.dataset.mayChange === "true";
  const me = root.dataset.me;
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

  // The device, outlet or unit by its manifest name, as the server draws it.
  function thing(a) {
    if (!a.device) {
      return texts.names[a.agent] || "";
    }
    const name = texts.names[a.agent + "/" + a.device] || "";
    return a.outlet ? name + " " + texts.outlet.replace("{0}", a.outlet) : name;
  }

  function cell(text, className, label) {
    const td = el("td", text, className);
    if (label) {
      td.dataset.label = label;
    }
    return td;
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
    const sev = cell(undefined, undefined, texts.labels.severity);
    sev.append(el("span", texts.severity[a.severity] || a.severity, "sev sev-" + a.severity));
    const what = cell(a.title, "what", texts.labels.what);
    const where = cell(undefined, undefined, texts.labels.where);
    const link = el("a", texts.courtyards[a.courtyard] || a.courtyard);
    link.href = "/console/courtyards/" + encodeURIComponent(a.courtyard);
    where.append(link, " ", el("span", thing(a), "device"));
    const raised = cell(undefined, undefined, texts.labels.raised);
    const time = el("time", shortTime(a.raisedAt));
    time.dateTime = a.raisedAt;
    raised.append(time);
    const status = cell(texts.alertStatus[a.status] || a.status, "alert-status", texts.labels.status);
    const actions = el("td", undefined, "row-actions");
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
    recount();
  }

  // The queue counts follow the live feed: after a change, count the open orders in scope again (at most once a second).
  let counting = null;
  function recount() {
    if (counting) {
      return;
    }
    counting = setTimeout(async () => {
      try {
        const response = await fetch("/api/work-orders?open=true&limit=1000", { credentials: "same-origin" });
        if (!response.ok) {
          return;
        }
        const open = await response.json();
        const counts = { mine: 0, team: open.length, overdue: 0 };
        for (const o of open) {
          counts.mine += o.assignedTo === me ? 1 : 0;
          counts.overdue += o.overdue ? 1 : 0;
        }
        for (const [queue, n] of Object.entries(counts)) {
          const count = document.getElementById("count-" + queue);
          if (count) {
            count.textContent = n;
          }
        }
      } catch (e) {
        // The counts stay as they were; the next change tries again.
      } finally {
        counting = null;
      }
    }, 1000);
  }

  alerts.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-ack]");
    if (!button) {
      return;
    }
    const id = button.dataset.ack;
    button.disabled = true;
    try {
      const a = await window.iot.send("/api/alerts/" + id + "/acknowledge", {});
      // The live feed may have redrawn or removed the row while the request was out: find it again, if it is still there.
      const row = alerts.querySelector('tr[data-alert-id="' + id + '"]');
      if (row) {
        row.className = "status-" + a.status;
        row.querySelector(".alert-status").textContent = texts.alertStatus[a.status] || a.status;
        row.querySelectorAll("[data-ack]").forEach((b) => b.remove());
      }
    } catch (e) {
      announce.textContent = texts.failed + " " + (e.status === 409 ? texts.changedMeanwhile : e.message);
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

// Commands to the courtyard units on a work order or courtyard page: sending them (forms with data-command), and
// their state kept live over /api/live (event: command). After every (re)connect the list is reloaded from the API,
// so nothing that changed meanwhile is missed. Rows are built with textContent only: nothing is parsed as HTML.
"use strict";

(function () {
  const panel = document.querySelector("[data-commands]");
  if (!panel) {
    return;
  }

  const texts = JSON.parse(document.getElementById("command-texts").textContent);
  const list = panel.querySelector("[data-command-list]");
  const empty = panel.querySelector("[data-command-empty]");
  const order = panel.dataset.order ? Number(panel.dataset.order) : null;

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

  function format(template, values) {
    return template.replace(/\{(\d)\}/g, (_, i) => (values[Number(i)] ?? ""));
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function shortTime(iso) {
    // The page's other times are in the site's zone (Kunming, UTC+8, no daylight saving).
    const t = new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
    return pad(t.getUTCMonth() + 1) + "-" + pad(t.getUTCDate()) + " " + pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes());
  }

  function what(c) {
    const device = c.device ? (texts.devices[c.agent + "/" + c.device] || c.device) : c.agent;
    switch (c.kind) {
      case "resetOutlet":
        return format(texts.resetOutlet, [c.outlet, device]);
      case "switchLamp":
        return format(c.on ? texts.lampOn : texts.lampOff, [c.forMinutes, device]);
      default:
        return format(texts.requestStatus, [texts.unit]);
    }
  }

  function outcome(c) {
    if (c.state !== "refused") {
      return texts.outcome[c.state] || c.state;
    }
    const known = c.refusal && texts.refusal[c.refusal.kind];
    return format(texts.refused, [known ? format(known, c.refusal.values) : c.error]);
  }

  function row(c) {
    const item = el("li", null, "command state-" + c.state);
    item.dataset.commandId = c.id;
    item.dataset.state = c.state;
    const head = el("p", null, "command-head");
    head.append(el("span", texts.state[c.state] || c.state, "command-state"), " ", el("strong", what(c), "command-what"));
    item.append(head, el("p", outcome(c), "command-outcome"));
    if (c.state === "refused" && c.refusal && c.error) {
      // Recognised refusals are said in the page language above; the agent's own words stay beside them.
      const said = el("p", null, "agent-said");
      const words = el("span", c.error, "agent-words");
      words.lang = "en";
      said.append(el("span", texts.said, "agent-said-label"), " ", words);
      item.append(said);
    }
    item.append(el("p", c.person + " · " + shortTime(c.issuedAt) + " · " + format(texts.reason, [c.reason]), "meta"));
    return item;
  }

  function show(c) {
    if (order !== null && c.workOrderId !== order) {
      return;
    }
    const old = list.querySelector('li[data-command-id="' + c.id + '"]');
    if (old && c.state === "sent" && old.dataset.state !== "sent") {
      return; // the answer's event overtook the reply to the request: keep the answer
    }
    const fresh = row(c);
    if (old) {
      old.replaceWith(fresh);
    } else {
      list.prepend(fresh);
    }
    empty.hidden = true;
  }

  async function reload() {
    try {
      const response = await fetch(panel.dataset.source, { credentials: "same-origin" });
      if (response.ok) {
        const commands = await response.json();
        list.replaceChildren(...commands.map(row));
        empty.hidden = commands.length > 0;
      }
    } catch (e) {
      // The next event or reconnect brings it.
    }
  }

  // A form's fields become the body: checkboxes as true/false (inside a [data-group] fieldset, as an object of that
  // name), [data-number] as numbers, [data-bool] as true/false; hidden fields carry the device and outlet.
  function bodyOf(form) {
    const body = {};
    for (const input of form.querySelectorAll("input[name], select[name], textarea[name]")) {
      let value = input.type === "checkbox" ? input.checked : input.value;
      if (input.dataset.number !== undefined) {
        value = value === "" ? null : Number(value);
      } else if (input.dataset.bool !== undefined) {
        value = value === "true";
      }
      const group = input.closest("[data-group]");
      if (group) {
        body[group.dataset.group] = body[group.dataset.group] || {};
        body[group.dataset.group][input.name] = value;
      } else {
        body[input.name] = value;
      }
    }
    return body;
  }

  // What is missing or wrong in a form, each named, before anything is sent: every box of a [data-required]
  // checklist, a [data-required] text, a number outside its min and max. Marks the fields and returns the messages.
  function problemsOf(form) {
    const problems = [];
    const mark = (node, bad) => node.setAttribute("aria-invalid", bad ? "true" : "false");
    form.querySelectorAll("fieldset[data-required]").forEach((group) => {
      const missing = [];
      group.querySelectorAll("input[type=checkbox]").forEach((box) => {
        const label = box.closest("label");
        label.classList.toggle("missing", !box.checked);
        mark(box, !box.checked);
        if (!box.checked) {
          missing.push(label.textContent.trim());
        }
      });
      if (missing.length > 0) {
        problems.push({ field: group.querySelector("input"), text: format(texts.missingChecklist, [missing.join(texts.listSeparator)]) });
      }
    });
    form.querySelectorAll("input[data-required]").forEach((input) => {
      const empty = input.value.trim() === "";
      mark(input, empty);
      if (empty) {
        problems.push({ field: input, text: texts.missingReason });
      }
    });
    form.querySelectorAll("input[type=number]").forEach((input) => {
      const value = Number(input.value);
      const min = Number(input.min);
      const max = Number(input.max);
      const bad = input.value.trim() === "" || !Number.isInteger(value) || value < min || value > max;
      mark(input, bad);
      if (bad) {
        const name = input.closest("label").firstChild.textContent.trim();
        problems.push({ field: input, text: format(texts.outOfRange, [name, min, max]) });
      }
    });
    // In the order the fields stand in the form, so the first named is the one that gets the focus.
    return problems.sort((a, b) => (a.field.compareDocumentPosition(b.field) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  }

  // The API's refusal in the page's words when it is one the page knows; otherwise its own detail.
  function said(e) {
    return texts.problems[e.title] || texts.problems[String(e.status)] || texts.failed + " " + e.message;
  }

  document.querySelectorAll("form[data-command]").forEach((form) => {
    form.addEventListener("change", (event) => {
      if (event.target.getAttribute("aria-invalid") === "true") {
        event.target.setAttribute("aria-invalid", "false");
        const label = event.target.closest("label.missing");
        if (label && event.target.checked) {
          label.classList.remove("missing");
        }
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = form.querySelector("[data-error]");
      const button = event.submitter || form.querySelector("button[type=submit]");
      error.textContent = "";
      const problems = problemsOf(form);
      if (problems.length > 0) {
        error.textContent = problems.map((p) => p.text).join("\n");
        problems[0].field.focus();
        return;
      }
      button.disabled = true;
      try {
        show(await window.iot.send(form.dataset.command, bodyOf(form)));
        form.reset();
      } catch (e) {
        error.textContent = said(e);
      } finally {
        button.disabled = false;
      }
    });
  });

  const source = new EventSource("/api/live?courtyard=" + encodeURIComponent(panel.dataset.courtyard));
  source.onopen = reload;
  source.addEventListener("command", (e) => show(JSON.parse(e.data).data));
})();

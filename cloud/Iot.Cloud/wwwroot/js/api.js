// Small helpers shared by the staff pages: call the JSON API with the sign-in cookie, and turn any
// <form data-api="/api/..."> into an API call (JSON, or multipart when the form has a file), then reload.
"use strict";

window.iot = (function () {
  const lang = document.documentElement.lang || "zh-CN";
  async function send(url, body, isForm) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      // Refusals come back in the page's language.
      headers: isForm ? { "Accept-Language": lang } : { "Content-Type": "application/json", "Accept-Language": lang },
      body: isForm ? body : JSON.stringify(body ?? {}),
    });
    if (!response.ok) {
      let detail = response.status + " " + response.statusText;
      let title = null;
      try {
        const problem = await response.json();
        detail = problem.detail || problem.title || detail;
        title = problem.title || null;
      } catch (e) {
        // Not JSON: keep the status line.
      }
      // The status and the problem's title go with it, so a page can say what went wrong in its own words.
      const error = new Error(detail);
      error.status = response.status;
      error.title = title;
      throw error;
    }
    return response.status === 204 ? null : response.json().catch(() => null);
  }

  function fieldsOf(form) {
    const body = {};
    for (const [key, value] of new FormData(form).entries()) {
      if (key === "__RequestVerificationToken" || value === "") {
        continue;
      }
      const input = form.elements.namedItem(key);
      body[key] = input && input.dataset && input.dataset.number !== undefined ? Number(value) : value;
    }
    return body;
  }

  function wire(form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = form.querySelector("[data-error]");
      const button = event.submitter || form.querySelector("button[type=submit]");
      if (error) {
        error.textContent = "";
      }
      if (button) {
        button.disabled = true;
      }
      try {
        const isForm = form.enctype === "multipart/form-data";
        const body = isForm ? new FormData(form) : fieldsOf(form);
        if (!isForm && button && button.name) {
          body[button.name] = button.value;
        }
        await send(form.dataset.api, body, isForm);
        window.location.reload();
      } catch (e) {
        if (error) {
          error.textContent = e.message;
        }
        if (button) {
          button.disabled = false;
        }
      }
    });
  }

  document.querySelectorAll("form[data-api]").forEach(wire);
  return { send };
})();

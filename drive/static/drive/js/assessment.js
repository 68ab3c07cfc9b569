// Question pages: every change is saved at once (autosave) and the server answers with
// the questions now visible, the progress and the new revision of the answer. Without
// JavaScript the form posts the whole theme and the page comes back with the same result.
(() => {
  const form = document.getElementById("theme-form");
  if (!form || !form.dataset.autosave) return;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  const inputsOf = (fieldset) => fieldset.querySelectorAll(`[name="q-${fieldset.dataset.code}"]`);

  function valuesOf(fieldset) {
    const values = [];
    inputsOf(fieldset).forEach((input) => {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) values.push(input.value);
      } else {
        values.push(input.value);
      }
    });
    return values;
  }

  function setValues(fieldset, value) {
    const wanted = Array.isArray(value) ? value.map(String) : value == null ? [] : [String(value)];
    inputsOf(fieldset).forEach((input) => {
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked = wanted.includes(input.value);
      } else {
        input.value = wanted.length ? wanted[0] : "";
      }
    });
  }

  function applyVisibility(codes) {
    const visible = new Set(codes);
    form.querySelectorAll("fieldset.question").forEach((fieldset) => {
      const shown = visible.has(fieldset.dataset.code);
      fieldset.hidden = !shown;
      fieldset.disabled = !shown || fieldset.hasAttribute("data-locked");
    });
  }

  function showProgress(progress) {
    const bar = document.querySelector("#assessment-progress progress");
    const text = document.querySelector("[data-progress-text]");
    if (bar) bar.value = progress.percent;
    if (text) {
      text.textContent = text.textContent
        .replace(/\d+/, progress.answered)
        .replace(/(\D+)\d+/, `$1${progress.total}`)
        .replace(/\d+%/, `${progress.percent}%`);
    }
  }

  function showError(fieldset, message) {
    const error = fieldset.querySelector("[data-error]");
    error.textContent = message || "";
    error.hidden = !message;
    fieldset.classList.toggle("field-error", Boolean(message));
  }

  async function save(fieldset) {
    const status = fieldset.querySelector("[data-save-status]");
    const revision = fieldset.querySelector("[data-revision]");
    const conflictBox = fieldset.querySelector("[data-conflict]");
    const body = new FormData();
    body.append("question", fieldset.dataset.code);
    body.append("revision", revision.value);
    valuesOf(fieldset).forEach((value) => body.append("value", value));
    status.textContent = form.dataset.saving;
    let response;
    try {
      response = await fetch(form.dataset.autosave, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch (error) {
      status.textContent = form.dataset.failed;
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      revision.value = data.revision;
      status.textContent = data.saved_text;
      conflictBox.hidden = true;
      showError(fieldset, "");
      applyVisibility(data.visible);
      showProgress(data.progress);
    } else if (response.status === 409 && data.conflict) {
      fieldset.conflict = data.conflict;
      status.textContent = "";
      const who = [data.conflict.by, data.conflict.at].filter(Boolean).join(", ");
      conflictBox.querySelector("[data-conflict-text]").textContent =
        `${form.dataset.theirAnswer}${who ? ` (${who})` : ""}: ${data.conflict.display} / ` +
        `${form.dataset.yourAnswer}: ${valuesOf(fieldset).join(", ") || "—"}`;
      conflictBox.hidden = false;
      fieldset.classList.add("field-error");
    } else {
      status.textContent = "";
      showError(fieldset, data.error || form.dataset.failed);
    }
  }

  form.addEventListener("change", (event) => {
    const fieldset = event.target.closest("fieldset.question");
    if (!fieldset || event.target.getAttribute("form")) return; // evidence inputs post apart
    if (!event.target.name || !event.target.name.startsWith("q-")) return;
    save(fieldset);
  });

  form.addEventListener("click", (event) => {
    const fieldset = event.target.closest("fieldset.question");
    if (!fieldset || !fieldset.conflict) return;
    const revision = fieldset.querySelector("[data-revision]");
    if (event.target.matches("[data-keep-theirs]")) {
      setValues(fieldset, fieldset.conflict.value);
      revision.value = fieldset.conflict.revision;
      fieldset.querySelector("[data-conflict]").hidden = true;
      fieldset.classList.remove("field-error");
      fieldset.conflict = null;
    } else if (event.target.matches("[data-use-mine]")) {
      revision.value = fieldset.conflict.revision;
      fieldset.conflict = null;
      save(fieldset);
    }
  });
})();

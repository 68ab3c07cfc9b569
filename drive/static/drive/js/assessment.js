// Question pages: every change is saved at once (autosave; typing is saved when it pauses
// for a moment, and when the page is left) and the server answers with the questions now
// visible, the progress and the new revision of the answer. Without JavaScript the form
// posts the whole theme (evidence buttons included) and the page comes back with the
// same result.
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
    // The server words the sentence in the page's language: rewriting digits in the
    // old text put the total in place of the answered count in Chinese ("已回答 52 / 52").
    if (text && progress.text) text.textContent = progress.text;
  }

  function showError(fieldset, message) {
    const error = fieldset.querySelector("[data-error]");
    error.textContent = message || "";
    error.hidden = !message;
    fieldset.classList.toggle("field-error", Boolean(message));
  }

  // One save at a time per question: a change made while a save is on its way is sent
  // when that save returns, with the revision it brought back (two overlapping saves
  // would carry the same revision and the second would conflict with the first). The
  // revision sent is always one the server gave: guessing the next one would overwrite a
  // colleague's answer saved in between without a conflict.
  const DEBOUNCE_MS = 800;
  const KEEPALIVE_LIMIT = 60000; // browsers cap keepalive bodies at 64 kB
  const fieldsets = () => form.querySelectorAll("fieldset.question[data-code]");
  const keyOf = (fieldset) => JSON.stringify(valuesOf(fieldset));

  function stateOf(fieldset) {
    if (!fieldset.saver) {
      fieldset.saver = {
        timer: null,
        running: null, // the promise of the saves in progress
        pending: false, // changed again while a save was on its way
        sending: null, // the values being sent
        // What the server holds; unknown when the page came back with an error.
        saved: fieldset.classList.contains("field-error") ? null : keyOf(fieldset),
      };
    }
    return fieldset.saver;
  }

  function labelsOf(fieldset) {
    const labels = [];
    inputsOf(fieldset).forEach((input) => {
      if (input.type === "radio" || input.type === "checkbox") {
        const label = input.checked && fieldset.querySelector(`label[for="${input.id}"]`);
        if (label) labels.push(label.textContent.trim());
      } else if (input.value) {
        labels.push(input.value);
      }
    });
    return labels;
  }

  // What was typed and not yet saved is kept in the browser (localStorage) with the
  // revision the server last confirmed, until a save stores it: when the page is left
  // during a save, or a save fails, the next visit sends it again with that revision, so
  // it is either saved or shown as a conflict beside the answer saved meanwhile.
  const draftKey = (fieldset) => `drive:draft:${form.dataset.autosave}:${fieldset.dataset.code}`;

  function remember(fieldset) {
    const state = stateOf(fieldset);
    const key = keyOf(fieldset);
    try {
      if (key === state.saved) {
        localStorage.removeItem(draftKey(fieldset));
      } else {
        const revision = fieldset.querySelector("[data-revision]").value;
        const draft = { values: valuesOf(fieldset), revision };
        localStorage.setItem(draftKey(fieldset), JSON.stringify(draft));
      }
    } catch (error) {
      // Storage full or disabled: autosave still works, only the safety copy is missing.
    }
  }

  function forget(fieldset) {
    try {
      localStorage.removeItem(draftKey(fieldset));
    } catch (error) {
      // Nothing was stored.
    }
  }

  function storedDraft(fieldset) {
    try {
      const draft = JSON.parse(localStorage.getItem(draftKey(fieldset)) || "null");
      return draft && Array.isArray(draft.values) ? draft : null;
    } catch (error) {
      return null;
    }
  }

  async function send(fieldset) {
    const state = stateOf(fieldset);
    const status = fieldset.querySelector("[data-save-status]");
    const revision = fieldset.querySelector("[data-revision]");
    const conflictBox = fieldset.querySelector("[data-conflict]");
    const values = valuesOf(fieldset);
    const key = JSON.stringify(values);
    const body = new FormData();
    body.append("question", fieldset.dataset.code);
    body.append("revision", revision.value);
    values.forEach((value) => body.append("value", value));
    state.sending = key;
    status.textContent = form.dataset.saving;
    let response;
    try {
      // keepalive: the save still arrives when the person leaves the page meanwhile.
      response = await fetch(form.dataset.autosave, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        credentials: "same-origin",
        keepalive: key.length < KEEPALIVE_LIMIT,
      });
    } catch (error) {
      status.textContent = form.dataset.failed;
      return;
    } finally {
      state.sending = null;
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      if (Number(data.revision) >= Number(revision.value)) {
        revision.value = data.revision;
        state.saved = key;
      }
      remember(fieldset);
      status.textContent = data.saved_text;
      conflictBox.hidden = true;
      showError(fieldset, "");
      applyVisibility(data.visible);
      showProgress(data.progress);
    } else if (response.status === 409 && data.conflict) {
      fieldset.conflict = data.conflict;
      state.saved = null;
      state.pending = false;
      status.textContent = "";
      const who = [data.conflict.by, data.conflict.at].filter(Boolean).join(", ");
      conflictBox.querySelector("[data-conflict-text]").textContent =
        `${form.dataset.theirAnswer}${who ? ` (${who})` : ""}: ${data.conflict.display} / ` +
        `${form.dataset.yourAnswer}: ${labelsOf(fieldset).join(", ") || "—"}`;
      conflictBox.hidden = false;
      fieldset.classList.add("field-error");
    } else {
      status.textContent = "";
      showError(fieldset, data.error || form.dataset.failed);
    }
  }

  function save(fieldset) {
    const state = stateOf(fieldset);
    clearTimeout(state.timer);
    state.timer = null;
    if (state.running) {
      state.pending = true;
      return state.running;
    }
    if (keyOf(fieldset) === state.saved) return Promise.resolve();
    state.running = (async () => {
      do {
        state.pending = false;
        await send(fieldset);
      } while (state.pending && keyOf(fieldset) !== state.saved);
      state.running = null;
    })();
    return state.running;
  }
  fieldsets().forEach(stateOf); // remember the answers as the server sent them

  function saveSoon(fieldset) {
    const state = stateOf(fieldset);
    clearTimeout(state.timer);
    state.timer = setTimeout(() => save(fieldset), DEBOUNCE_MS);
  }

  // Leaving the page (or hiding it) sends what was typed and not yet saved. A change
  // made while a save is on its way waits for that save's answer (and its revision); if
  // the page is gone by then, the copy kept in the browser is sent on the next visit.
  function flush() {
    fieldsets().forEach((fieldset) => {
      const state = stateOf(fieldset);
      if (fieldset.disabled || fieldset.conflict) return;
      const key = keyOf(fieldset);
      if (!state.running) {
        if (state.timer || key !== state.saved) save(fieldset);
      } else if (key !== state.sending && key !== state.saved) {
        clearTimeout(state.timer);
        state.timer = null;
        state.pending = true;
        remember(fieldset);
      }
    });
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);

  const isAnswerInput = (target) =>
    Boolean(target.name && target.name.startsWith("q-")); // evidence inputs are not answers

  form.addEventListener("input", (event) => {
    const fieldset = event.target.closest("fieldset.question");
    if (!fieldset || !isAnswerInput(event.target)) return;
    remember(fieldset);
    if (event.target.type === "radio" || event.target.type === "checkbox") return;
    saveSoon(fieldset);
  });

  form.addEventListener("change", (event) => {
    const fieldset = event.target.closest("fieldset.question");
    if (!fieldset || !isAnswerInput(event.target)) return;
    remember(fieldset);
    save(fieldset);
  });

  // The page's buttons post the whole theme with each answer's revision: wait until
  // the saves on their way have brought their revisions back.
  form.addEventListener("submit", (event) => {
    const busy = [...fieldsets()].filter((fieldset) => {
      const state = stateOf(fieldset);
      return state.running || state.timer;
    });
    if (!busy.length) return;
    event.preventDefault();
    const submitter = event.submitter;
    Promise.all(busy.map((fieldset) => save(fieldset))).then(() => {
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
    });
  });

  form.addEventListener("click", (event) => {
    const fieldset = event.target.closest("fieldset.question");
    if (!fieldset || !fieldset.conflict) return;
    const revision = fieldset.querySelector("[data-revision]");
    if (event.target.matches("[data-keep-theirs]")) {
      setValues(fieldset, fieldset.conflict.value);
      revision.value = fieldset.conflict.revision;
      stateOf(fieldset).saved = keyOf(fieldset);
      forget(fieldset);
      fieldset.querySelector("[data-conflict]").hidden = true;
      fieldset.classList.remove("field-error");
      fieldset.conflict = null;
    } else if (event.target.matches("[data-use-mine]")) {
      revision.value = fieldset.conflict.revision;
      fieldset.conflict = null;
      remember(fieldset);
      save(fieldset);
    }
  });

  // An answer typed on an earlier visit and never saved: put it back and send it with the
  // revision the server had confirmed then. Unchanged since, it is saved; changed since
  // (by a colleague, or by a save that was still on its way), the server answers with a
  // conflict and the box offers both answers.
  fieldsets().forEach((fieldset) => {
    const draft = storedDraft(fieldset);
    if (!draft) return;
    if (fieldset.hasAttribute("data-locked")) {
      forget(fieldset);
      return;
    }
    if (fieldset.disabled) return; // hidden by an answer: kept for when it shows again
    if (JSON.stringify(draft.values) === keyOf(fieldset)) {
      forget(fieldset);
      return;
    }
    setValues(fieldset, fieldset.dataset.type === "multiple" ? draft.values : draft.values[0]);
    fieldset.querySelector("[data-revision]").value = draft.revision;
    stateOf(fieldset).saved = null;
    save(fieldset);
  });
})();

// The field checklist, offline first. Every mark, note, finding and photo is kept on the
// device at once (IndexedDB, through idb-keyval) and sent to the server when there is a
// connection. Rows carry ids made here (client ids) and the revision this device last saw,
// so sending a batch twice changes nothing on the server, and a change someone else made
// first comes back as a conflict to resolve here, never silently overwritten.
// The page's data (state, translated words) comes in data attributes: no inline script.
import { createStore, del, get, set } from "../vendor/idb-keyval/index.js";

const app = document.getElementById("field-app");
const server = JSON.parse(app.dataset.state);
const t = JSON.parse(app.dataset.strings);
const store = createStore("drive-field", "work");
const KEY = `inspection-${server.inspection}`;
const statusBox = document.getElementById("field-status");

let local = (await get(KEY, store)) || {};
local = { items: {}, findings: {}, notes: {}, files: {}, ...local };
let syncing = false;
let lastError = "";
let seq = 0;

const uuid = () =>
  crypto.randomUUID
    ? crypto.randomUUID()
    : ([1e7] + -1e3 + -4e3 + -8e3 + -1e11).replace(/[018]/g, (c) =>
        (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16),
      );
const format = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => values[name]);
const save = () => set(KEY, local, store);

// --- What to show: the server's state, unless this device holds something newer ----------

function forget() {
  // Drop what the page (fresh from the server) already holds at the same or a newer revision.
  for (const [id, mine] of Object.entries(local.items)) {
    const saved = server.items[id];
    if (!saved || (!mine.pending && !mine.conflict && mine.revision <= saved.revision)) {
      delete local.items[id];
    }
  }
  const sent = new Set();
  for (const finding of server.findings) {
    finding.attachments.forEach((a) => sent.add(a.client_id));
    const mine = local.findings[finding.client_id];
    if (mine && !mine.pending && !mine.conflict && (mine.revision || 0) <= finding.revision) {
      delete local.findings[finding.client_id];
    }
  }
  for (const note of server.notes) {
    const mine = local.notes[note.client_id];
    if (mine && !mine.pending && !mine.conflict && (mine.revision || 0) <= note.revision) {
      delete local.notes[note.client_id];
    }
  }
  for (const id of Object.keys(local.files)) {
    if (sent.has(id)) delete local.files[id];
  }
}

const itemNow = (id) => local.items[id] || server.items[id];

function pendingCount() {
  const waiting = (rows) => Object.values(rows).filter((row) => row.pending).length;
  return waiting(local.items) + waiting(local.findings) + waiting(local.notes) + waiting(local.files);
}

// --- Rendering -----------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function renderItems() {
  const counts = { confirmed: 0, discrepancy: 0, not_verified: 0, "": 0 };
  document.querySelectorAll(".field-theme").forEach((section) => {
    let left = 0;
    section.querySelectorAll("li[data-item]").forEach((li) => {
      const id = li.dataset.item;
      const now = itemNow(id);
      const mine = local.items[id];
      li.querySelectorAll("input[type=radio]").forEach((input) => {
        input.checked = input.value === now.mark;
      });
      const note = li.querySelector("textarea");
      if (document.activeElement !== note && note.value !== now.note) note.value = now.note;
      const tag = li.querySelector(".field-item-status");
      tag.hidden = !(mine && (mine.pending || mine.error));
      tag.textContent = mine && mine.error ? `${t.rejected}: ${mine.error}` : t.notSent;
      li.classList.toggle("field-item-pending", Boolean(mine && mine.pending));
      counts[now.mark] += 1;
      if (!now.mark) left += 1;
    });
    const tag = document.querySelector(`[data-theme-left="${section.dataset.theme}"]`);
    if (tag) {
      tag.textContent = format(left === 1 ? t.itemLeft : t.itemsLeft, { count: left });
      tag.classList.toggle("tag-ok", left === 0);
    }
  });
  for (const [mark, count] of Object.entries(counts)) {
    const dd = document.querySelector(`[data-count="${mark}"]`);
    if (dd) dd.textContent = count;
  }
}

function fileRow(file, id) {
  const label = `${file.photo ? t.photo : t.document}: ${file.caption || file.name}`;
  return el(
    "li",
    { class: "field-file", "data-client-id": id },
    file.thumb ? el("img", { src: file.thumb, alt: "", class: "field-thumb" }) : null,
    el("span", { text: label }),
    file.pending ? el("span", { class: "tag tag-warn", text: ` ${t.notSent}` }) : null,
    file.error ? el("span", { class: "error-message", text: ` ${file.error}` }) : null,
  );
}

function renderFindings() {
  const list = document.getElementById("field-findings");
  const rows = new Map(server.findings.map((f) => [f.client_id, { ...f }]));
  for (const [id, mine] of Object.entries(local.findings)) {
    rows.set(id, {
      ...(rows.get(id) || { attachments: [] }),
      ...mine,
      client_id: id,
      theme_label: themeLabel(mine.theme),
      severity_label: server.severities[mine.severity],
    });
  }
  list.replaceChildren();
  if (!rows.size) list.append(el("li", { class: "muted", text: t.noFindings }));
  for (const finding of rows.values()) {
    const files = el("ul", { class: "plain-list" });
    for (const a of finding.attachments) {
      const link = el("a", { href: a.url, text: `${a.is_photo ? t.photo : t.document}: ${a.caption}` });
      files.append(el("li", {}, link));
    }
    for (const [id, file] of Object.entries(local.files)) {
      if (file.finding === finding.client_id) files.append(fileRow(file, id));
    }
    list.append(
      el(
        "li",
        { class: "card field-finding", "data-client-id": finding.client_id },
        el(
          "p",
          {},
          el("span", { class: `tag tag-severity-${finding.severity}`, text: finding.severity_label }),
          " ",
          el("strong", { text: finding.theme_label }),
          finding.pending ? el("span", { class: "tag tag-warn field-pending", text: t.notSent }) : null,
        ),
        el("p", { text: finding.description }),
        finding.requirement ? el("p", { class: "hint", text: `${t.requirement}: ${finding.requirement}` }) : null,
        finding.error ? el("p", { class: "error-message", text: `${t.rejected}: ${finding.error}` }) : null,
        files.children.length ? files : null,
      ),
    );
  }
}

function renderNotes() {
  const list = document.getElementById("field-notes");
  const rows = new Map(server.notes.map((n) => [n.client_id, { ...n }]));
  for (const [id, mine] of Object.entries(local.notes)) rows.set(id, { ...mine, client_id: id });
  list.replaceChildren();
  if (!rows.size) list.append(el("li", { class: "muted", text: t.noNotes }));
  for (const note of rows.values()) {
    list.append(
      el(
        "li",
        { class: "card field-note", "data-client-id": note.client_id },
        note.confidential ? el("span", { class: "tag tag-warn", text: t.confidential }) : null,
        " ",
        el("span", { text: note.text }),
        note.pending ? el("span", { class: "tag tag-warn field-pending", text: t.notSent }) : null,
        note.error ? el("p", { class: "error-message", text: `${t.rejected}: ${note.error}` }) : null,
      ),
    );
  }
}

const themeLabel = (code) => (server.themes.find(([c]) => c === code) || [code, code])[1];
const markLabel = (mark) => server.marks[mark] || t.noMark;

function describe(kind, values) {
  if (kind === "items") return `${markLabel(values.mark)}${values.note ? ` — ${values.note}` : ""}`;
  if (kind === "findings") return `${server.severities[values.severity]} — ${values.description}`;
  return values.text;
}

function renderConflicts() {
  const section = document.getElementById("field-conflicts");
  const list = document.getElementById("field-conflict-list");
  list.replaceChildren();
  for (const kind of ["items", "findings", "notes"]) {
    for (const [key, mine] of Object.entries(local[kind])) {
      if (!mine.conflict) continue;
      const where = kind === "items" ? document.querySelector(`#item-${key} .field-item-text`) : null;
      list.append(
        el(
          "li",
          { class: "card conflict field-conflict", "data-key": key },
          where ? el("p", {}, el("a", { href: `#item-${key}`, text: where.textContent })) : null,
          el("p", { text: `${t.yours}: ${describe(kind, mine)}` }),
          el("p", { text: `${format(t.theirs, { name: mine.conflict.by || "?" })}: ${describe(kind, mine.conflict)}` }),
          el("button", { type: "button", "data-keep": "mine", "data-kind": kind, "data-key": key, text: t.keepMine }),
          " ",
          el("button", { type: "button", class: "button-secondary", "data-keep": "theirs", "data-kind": kind, "data-key": key, text: t.keepTheirs }),
        ),
      );
    }
  }
  section.hidden = !list.children.length;
}

function renderStatus() {
  if (!statusBox) return;
  const count = pendingCount();
  const online = navigator.onLine;
  const parts = [];
  if (!online) parts.push(t.offline);
  if (syncing) parts.push(t.sending);
  else if (count) parts.push(format(count === 1 ? t.pendingOne : t.pendingMany, { count }));
  else parts.push(t.allSent);
  if (lastError && count) parts.push(lastError);
  if (app.dataset.offlineReady === "true" && online && !count) parts.push(t.offlineReady);
  statusBox.querySelector(".field-status-text").textContent = parts.join(" ");
  statusBox.dataset.pending = String(count);
  statusBox.dataset.online = String(online);
  statusBox.dataset.syncing = String(syncing);
  statusBox.classList.toggle("field-status-offline", !online);
  statusBox.classList.toggle("field-status-pending", count > 0);
}

function render() {
  renderItems();
  renderFindings();
  renderNotes();
  renderConflicts();
  renderStatus();
}

// --- Recording -----------------------------------------------------------------------------

async function recordItem(li) {
  const id = li.dataset.item;
  const mark = (li.querySelector("input[type=radio]:checked") || {}).value || "";
  const note = li.querySelector("textarea").value.trim();
  const base = itemNow(id);
  if (!local.items[id] && base.mark === mark && base.note === note) return;
  local.items[id] = { mark, note, revision: base.revision, pending: true, seq: ++seq };
  await save();
  render();
  syncSoon();
}

function thumbnail(file) {
  return createImageBitmap(file)
    .then((bitmap) => {
      const scale = 160 / Math.max(bitmap.width, bitmap.height, 1);
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL("image/jpeg", 0.7);
    })
    .catch(() => "");
}

async function keepFiles(input, findingId, photo) {
  for (const file of input.files) {
    const id = uuid();
    await set(`file-${id}`, file, store);
    local.files[id] = {
      finding: findingId,
      name: file.name || (photo ? "photo.jpg" : "document"),
      caption: "",
      photo,
      thumb: photo ? await thumbnail(file) : "",
      pending: true,
    };
  }
}

function formError(id, message) {
  const box = document.getElementById(id);
  box.textContent = message;
  box.hidden = !message;
}

async function recordFinding(event) {
  event.preventDefault();
  const form = event.target;
  const data = new FormData(form);
  const missing = [
    [!data.get("theme"), t.needTheme],
    [!data.get("severity"), t.needSeverity],
    [!String(data.get("description") || "").trim(), t.needDescription],
  ].filter(([wrong]) => wrong);
  formError("finding-error", missing.map(([, message]) => message).join(" "));
  if (missing.length) return;
  const id = uuid();
  local.findings[id] = {
    theme: data.get("theme"),
    question: data.get("question") || null,
    severity: data.get("severity"),
    description: String(data.get("description")).trim(),
    requirement: String(data.get("requirement") || "").trim(),
    revision: null,
    pending: true,
    seq: ++seq,
  };
  await keepFiles(form.querySelector("#finding-photos"), id, true);
  await keepFiles(form.querySelector("#finding-documents"), id, false);
  await save();
  form.reset();
  render();
  syncSoon();
}

async function recordNote(event) {
  event.preventDefault();
  const form = event.target;
  const text = form.querySelector("#note-text").value.trim();
  formError("note-error", text ? "" : t.needText);
  if (!text) return;
  local.notes[uuid()] = {
    text,
    confidential: form.querySelector("#note-confidential").checked,
    revision: null,
    pending: true,
    seq: ++seq,
  };
  await save();
  form.reset();
  render();
  syncSoon();
}

async function resolve(button) {
  const { kind, key, keep } = button.dataset;
  const mine = local[kind][key];
  if (!mine || !mine.conflict) return;
  if (keep === "theirs") {
    local[kind][key] = { ...mine, ...mine.conflict, pending: false, conflict: null, error: "" };
  } else {
    local[kind][key] = { ...mine, revision: mine.conflict.revision, conflict: null, pending: true, seq: ++seq };
  }
  await save();
  render();
  syncSoon();
}

// --- Sending -------------------------------------------------------------------------------

function csrfToken() {
  const cookie = document.cookie.split("; ").find((row) => row.startsWith("csrftoken="));
  if (cookie) return decodeURIComponent(cookie.split("=")[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

async function post(body) {
  const headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
  if (!(body instanceof FormData)) headers["Content-Type"] = "application/json";
  const response = await fetch(server.syncUrl, {
    method: "POST",
    headers,
    body: body instanceof FormData ? body : JSON.stringify({ entries: body }),
    credentials: "same-origin",
  });
  const type = response.headers.get("Content-Type") || "";
  if (response.redirected || !type.includes("json")) throw new Error(t.signedOut);
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error || t.failed);
  return answer.results;
}

function apply(results, sentSeq) {
  const tables = { mark: local.items, finding: local.findings, note: local.notes, attachment: local.files };
  for (const result of results) {
    const row = (tables[result.type] || {})[result.key];
    if (!row) continue;
    if (result.status === "conflict") {
      row.conflict = result.server;
    } else if (result.status === "rejected") {
      row.error = result.message;
    } else {
      row.error = "";
      if (result.revision !== null) row.revision = result.revision;
      // Changed again while this was on its way: keep it pending, on the new revision.
      if (row.seq === undefined || row.seq === sentSeq[`${result.type}:${result.key}`]) {
        row.pending = false;
      }
      if (result.type === "attachment") del(`file-${result.key}`, store);
    }
  }
}

async function syncNow() {
  if (syncing || !navigator.onLine || !pendingCount()) return renderStatus();
  syncing = true;
  lastError = "";
  renderStatus();
  try {
    const entries = [];
    const sentSeq = {};
    const ready = (row) => row.pending && !row.conflict && !row.error;
    for (const [id, row] of Object.entries(local.items)) {
      if (!ready(row)) continue;
      entries.push({ type: "mark", item: Number(id), mark: row.mark, note: row.note, revision: row.revision });
      sentSeq[`mark:${id}`] = row.seq;
    }
    for (const [id, row] of Object.entries(local.findings)) {
      if (!ready(row)) continue;
      const { theme, question, severity, description, requirement, revision } = row;
      entries.push({ type: "finding", client_id: id, theme, question, severity, description, requirement, revision });
      sentSeq[`finding:${id}`] = row.seq;
    }
    for (const [id, row] of Object.entries(local.notes)) {
      if (!ready(row)) continue;
      const { text, confidential, revision } = row;
      entries.push({ type: "note", client_id: id, text, confidential, revision });
      sentSeq[`note:${id}`] = row.seq;
    }
    if (entries.length) apply(await post(entries), sentSeq);
    await save();
    for (const [id, file] of Object.entries(local.files)) {
      const finding = local.findings[file.finding];
      if (!ready(file) || (finding && finding.pending)) continue;
      const blob = await get(`file-${id}`, store);
      const form = new FormData();
      const entry = { type: "attachment", client_id: id, finding: file.finding, caption: file.caption, file: "file" };
      form.append("entries", JSON.stringify([entry]));
      if (blob) form.append("file", blob, file.name);
      apply(await post(form), {});
      await save();
    }
  } catch (error) {
    lastError = navigator.onLine ? error.message || t.failed : "";
  } finally {
    syncing = false;
    await save();
    render();
  }
}

let timer = null;
function syncSoon() {
  clearTimeout(timer);
  timer = setTimeout(syncNow, 300);
}

// --- Working offline: the service worker keeps this page and its files -------------------

async function workOffline() {
  if (!("serviceWorker" in navigator)) return;
  const scope = server.serviceWorker.replace(/[^/]*$/, "");
  await navigator.serviceWorker.register(server.serviceWorker, { scope });
  const registration = await navigator.serviceWorker.ready;
  const urls = [
    location.pathname,
    new URL("../vendor/idb-keyval/index.js", import.meta.url).pathname,
    ...[...document.querySelectorAll("link[rel=stylesheet], link[rel=manifest], script[src]")].map(
      (node) => new URL(node.href || node.src, location.href).pathname,
    ),
  ];
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => {
    if (event.data === "cached") {
      app.dataset.offlineReady = "true";
      renderStatus();
    }
  };
  registration.active.postMessage({ type: "cache", urls }, [channel.port2]);
}

// --- Wiring --------------------------------------------------------------------------------

document.querySelectorAll("li[data-item]").forEach((li) => {
  let typing = null;
  li.addEventListener("change", () => recordItem(li));
  li.querySelector("textarea").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => recordItem(li), 800);
  });
});
document.getElementById("finding-form").addEventListener("submit", recordFinding);
document.getElementById("note-form").addEventListener("submit", recordNote);
document.getElementById("field-conflict-list").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-keep]");
  if (button) resolve(button);
});
document.getElementById("field-send").addEventListener("click", syncNow);
window.addEventListener("online", syncNow);
window.addEventListener("offline", renderStatus);

forget();
await save();
render();
syncNow();
workOffline().catch(() => {});

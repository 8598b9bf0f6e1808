// The demo's chat-client view. Everything the bot shows comes from /api/* (the sandbox driving the real bot);
// this file only renders it: Slack's Block Kit and mrkdwn, Rocket.Chat's UIKit blocks and Markdown.
"use strict";

const INBOX = "inbox";
const LOCK = '<svg class="lock" viewBox="0 0 16 16" aria-label="private"><path fill="currentColor" d="M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 0 0-4 0z"/></svg>';
const state = {
  platform: "slack",
  person: "ada",
  conversation: null,
  people: [],
  conversations: [],
  transcripts: new Map(), // "platform|person|conversation" -> entries, so each person keeps their own view
};

const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

// -- text ------------------------------------------------------------------------------------------------
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function emphasis(html) {
  return html
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, "$1<strong>$2</strong>")
    .replace(/(^|[\s(])_([^_\n]+)_/g, "$1<em>$2</em>")
    .replace(/\n/g, "<br>");
}

function link(url, label) {
  const safe = /^https?:\/\//.test(url) ? url : "#";
  return `<a href="${escapeHtml(safe)}" target="_blank" rel="noopener">${escapeHtml(label)}</a>`;
}

function personName(id) {
  const key = id.replace(/^U0/, "").replace(/^rc/, "").replace(/0+$/, "").toLowerCase();
  const person = state.people.find((p) => p.key === key);
  return person ? person.name : id;
}

function conversationName(id) {
  const conv = state.conversations.find((c) => c.id === id);
  return conv ? conv.name : "private-channel"; // as Slack shows a channel the reader is not in
}

// Links and mentions become placeholders first, so that emphasis can wrap them (`*<url|name>*` is bold).
function withTokens(text, pattern, render, clean) {
  const tokens = [];
  const marked = text.replace(pattern, (...match) => {
    tokens.push(render(...match));
    return `\u0000${tokens.length - 1}\u0000`;
  });
  return emphasis(escapeHtml(clean(marked))).replace(/\u0000(\d+)\u0000/g, (_, i) => tokens[Number(i)]);
}

// Slack mrkdwn: entities (&amp; &lt; &gt;) and <…> for links, mentions and dates.
function slackMrkdwn(text) {
  const unescape = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return withTokens(text, /<([^<>]+)>/g, (_, inner) => {
    const [target, label] = inner.split("|", 2);
    if (target.startsWith("#")) return `<span class="mention">#${escapeHtml(label || conversationName(target.slice(1)))}</span>`;
    if (target.startsWith("@")) return `<span class="mention">@${escapeHtml(label || personName(target.slice(1)))}</span>`;
    if (target.startsWith("!")) return escapeHtml(unescape(label || target));
    return link(unescape(target), unescape(label || target));
  }, unescape);
}

// Rocket.Chat Markdown: [label](url), with \-escaped characters in labels.
function rocketMarkdown(text) {
  return withTokens(
    text,
    /\[((?:[^\]\\]|\\.)+)\]\(([^)\s]+)\)/g,
    (_, label, url) => link(url, label.replace(/\\(.)/g, "$1")),
    (s) => s,
  );
}

const formatText = (text) => (state.platform === "slack" ? slackMrkdwn(text) : rocketMarkdown(text));

// -- blocks ----------------------------------------------------------------------------------------------
function renderMessage(message, onAction) {
  const box = document.createElement("div");
  box.className = "message";
  box.dataset.testid = "bot-message";
  const blocks = message.blocks || [];
  if (!blocks.length) box.innerHTML = formatText(message.text || "");
  for (const block of blocks) box.appendChild(renderBlock(block, onAction));
  return box;
}

// A text object: `plain_text` is shown as it is (never parsed), `mrkdwn` as the platform formats it.
function textObject(text) {
  if (!text) return "";
  return text.type === "plain_text" ? escapeHtml(text.text || "") : formatText(text.text || "");
}

// An image block: Slack's names a file the bot uploaded (`slack_file`), Rocket.Chat's has a URL.
function renderImage(block) {
  const img = document.createElement("img");
  img.className = "chart";
  img.dataset.testid = "chart";
  img.alt = block.alt_text || block.altText || "";
  const file = block.slack_file && block.slack_file.id;
  img.src = file ? `/api/chart/${state.platform}/${encodeURIComponent(file)}` : block.image_url || block.imageUrl;
  return img;
}

function renderBlock(block, onAction) {
  const blockId = block.block_id || block.blockId;
  const el = document.createElement("div");
  if (block.type === "divider") return document.createElement("hr");
  if (block.type === "header") {
    el.className = "header";
    el.innerHTML = textObject(block.text);
    return el;
  }
  if (block.type === "section") {
    el.className = "section";
    el.innerHTML = textObject(block.text);
    if (block.fields) {
      const fields = document.createElement("div");
      fields.className = "fields";
      for (const field of block.fields) {
        const cell = document.createElement("div");
        cell.innerHTML = textObject(field);
        fields.appendChild(cell);
      }
      el.appendChild(fields);
    }
    return el;
  }
  if (block.type === "image") return renderImage(block);
  if (block.type === "context") {
    el.className = "context";
    el.innerHTML = (block.elements || []).map(textObject).join(" · ");
    return el;
  }
  if (block.type === "actions") {
    el.className = "actions";
    for (const element of block.elements || []) el.appendChild(renderElement(element, blockId, onAction));
    return el;
  }
  el.textContent = `(${block.type})`;
  return el;
}

function renderElement(element, blockId, onAction) {
  const actionId = element.action_id || element.actionId;
  if (element.type === "button") {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = element.text ? element.text.text : actionId;
    button.dataset.action = actionId;
    if (element.style === "primary") button.className = "primary";
    button.addEventListener("click", () => {
      if (element.url) window.open(element.url, "_blank", "noopener");
      else onAction({ action_id: actionId, block_id: blockId, value: element.value });
    });
    return button;
  }
  if (element.type === "static_select") {
    const select = document.createElement("select");
    select.dataset.action = actionId;
    const initial = element.initial_option ? element.initial_option.value : element.initialValue;
    for (const option of element.options || []) {
      const opt = new Option(option.text.text, option.value, false, option.value === initial);
      select.add(opt);
    }
    select.addEventListener("change", () => onAction({ action_id: actionId, block_id: blockId, selected: select.value }));
    return select;
  }
  const span = document.createElement("span");
  span.textContent = `(${element.type})`;
  return span;
}

// -- transcript ------------------------------------------------------------------------------------------
function key() {
  return `${state.platform}|${state.person}|${state.conversation}`;
}

function entries() {
  if (!state.transcripts.has(key())) state.transcripts.set(key(), []);
  return state.transcripts.get(key());
}

function renderTranscript() {
  const pane = $("transcript");
  pane.replaceChildren();
  const list = entries();
  if (!list.length) {
    const hint = document.createElement("p");
    hint.className = "empty";
    hint.textContent = state.conversation === INBOX
      ? "No reports yet. Press “Run the weekly schedule now”."
      : "Type /files below to see the files you can see here.";
    pane.appendChild(hint);
  }
  list.forEach((entry, index) => pane.appendChild(renderEntry(entry, index)));
  pane.scrollTop = pane.scrollHeight;
}

function renderEntry(entry, index) {
  const row = document.createElement("div");
  row.className = `entry ${entry.type}`;
  const who = document.createElement("div");
  who.className = "who";
  const body = document.createElement("div");
  body.className = "body";
  if (entry.type === "user") {
    who.textContent = `@${state.person}`;
    body.textContent = entry.text;
  } else if (entry.type === "error") {
    who.textContent = "demo";
    body.textContent = entry.text;
    body.dataset.testid = "error";
  } else {
    who.innerHTML = `files-bot <small>${entry.private ? "Only visible to you" : ""}</small>`;
    body.appendChild(renderMessage(entry.message, (action) => act(index, action)));
    if (entry.chart) {
      const img = document.createElement("img");
      img.className = "chart";
      img.alt = "Storage trend chart";
      img.dataset.testid = "chart";
      img.src = `/api/chart/${state.platform}/${encodeURIComponent(entry.chart)}`;
      body.querySelector(".message").appendChild(img);
    }
  }
  row.append(who, body);
  return row;
}

async function send(text) {
  const list = entries();
  list.push({ type: "user", text });
  renderTranscript();
  try {
    const { messages } = await api("/api/command", {
      platform: state.platform, person: state.person, conversation: state.conversation, text,
    });
    for (const message of messages) list.push({ type: "bot", message, private: true });
  } catch (error) {
    list.push({ type: "error", text: error.message });
  }
  renderTranscript();
}

async function act(index, action) {
  const list = entries();
  try {
    const { messages } = await api("/api/action", {
      platform: state.platform, person: state.person, conversation: state.conversation, action,
    });
    for (const message of messages) {
      // Slack replaces the message a button belongs to when the reply says so; a Rocket.Chat bar always.
      const replace = state.platform === "rocketchat" || message.replace_original;
      if (replace) list[index] = { type: "bot", message, private: true };
      else list.push({ type: "bot", message, private: true });
    }
  } catch (error) {
    list.push({ type: "error", text: error.message });
  }
  renderTranscript();
}

// -- navigation ------------------------------------------------------------------------------------------
async function loadInbox() {
  const { items } = await api(`/api/inbox?platform=${state.platform}&person=${state.person}`);
  const list = items.map((item) => ({
    type: "bot", message: { text: item.chart ? item.text || "Chart" : item.text, blocks: item.blocks }, chart: item.chart,
  }));
  state.transcripts.set(key(), list);
  renderTranscript();
}

function choose(conversation) {
  state.conversation = conversation;
  for (const li of document.querySelectorAll(".conversations li")) {
    li.classList.toggle("active", li.dataset.id === conversation);
  }
  const conv = state.conversations.find((c) => c.id === conversation);
  if (conversation === INBOX) {
    $("title").textContent = "files-bot";
    $("subtitle").textContent = "Direct messages from the bot: your weekly reports";
    $("composer").hidden = true;
    loadInbox().catch((error) => { entries().push({ type: "error", text: error.message }); renderTranscript(); });
    return;
  }
  $("composer").hidden = false;
  $("title").innerHTML = conv.kind === "dm" ? escapeHtml(conv.name) : `${conv.kind === "private" ? LOCK : "#"}${escapeHtml(conv.name)}`;
  $("title").dataset.kind = conv.kind;
  $("subtitle").textContent = conv.kind === "private" ? "Private channel" : conv.kind === "dm" ? "Direct message" : "Public channel";
  renderTranscript();
  $("message").focus();
}

function item(id, label, testid, icon = "") {
  const li = document.createElement("li");
  li.dataset.id = id;
  li.dataset.testid = testid;
  li.innerHTML = icon + escapeHtml(label);
  li.addEventListener("click", () => choose(id));
  return li;
}

async function loadConversations() {
  const { conversations } = await api(`/api/conversations?platform=${state.platform}&person=${state.person}`);
  state.conversations = conversations;
  const channels = conversations.filter((c) => c.kind !== "dm");
  $("channels").replaceChildren(
    ...channels.map((c) => item(c.id, c.name, `channel-${c.name}`, c.kind === "private" ? LOCK : "# ")),
  );
  $("dms").replaceChildren(
    item(INBOX, "files-bot (reports)", "inbox"),
    ...conversations.filter((c) => c.kind === "dm").map((c) => item(c.id, c.name, `dm-${c.name.slice(1)}`)),
  );
  const stay = conversations.some((c) => c.id === state.conversation) || state.conversation === INBOX;
  choose(stay ? state.conversation : conversations[0].id);
}

async function setPlatform(platform) {
  state.platform = platform;
  document.body.dataset.platform = platform;
  for (const tab of document.querySelectorAll(".platforms button")) {
    tab.setAttribute("aria-selected", String(tab.dataset.platform === platform));
  }
  state.conversation = null;
  await loadConversations();
}

async function start() {
  const world = await api("/api/world");
  state.people = world.people;
  $("person").replaceChildren(
    ...world.people.map((p) => new Option(`@${p.name}${p.admin ? " (admin)" : ""}`, p.key, false, p.key === state.person)),
  );
  $("person").addEventListener("change", async (event) => {
    state.person = event.target.value;
    await loadConversations();
  });
  for (const tab of document.querySelectorAll(".platforms button")) {
    tab.addEventListener("click", () => setPlatform(tab.dataset.platform));
  }
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("message").value.trim();
    if (!text) return;
    $("message").value = "";
    send(text.startsWith("/files") ? text : `/files ${text}`);
  });
  $("run-weekly").addEventListener("click", async () => {
    $("weekly-result").textContent = "Running…";
    try {
      const s = await api("/api/weekly", {});
      $("weekly-result").textContent =
        `Sync done. Reports sent: ${s.sent}, already sent this week: ${s.already}, failed: ${s.failed}.`;
      if (state.conversation === INBOX) await loadInbox();
    } catch (error) {
      $("weekly-result").textContent = error.message;
    }
  });
  await setPlatform("slack");
  document.body.dataset.ready = "true";
}

start().catch((error) => { document.body.textContent = `The demo could not start: ${error.message}`; });

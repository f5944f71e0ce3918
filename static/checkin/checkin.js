/* Door scanner (/<event>/checkin/): camera, hand scanner (keyboard wedge) and typed codes.
 * The same page in lead mode (CONFIG.mode "leads", /<event>/exhibitors/leads/scan/) records an
 * exhibitor's lead scans (POST leads/ with the consent the staff confirmed at the scan); offline it
 * only queues them (no attendee data is kept on an exhibitor's device) and uploads them later.
 *
 * Online, every scan goes to the server (POST checkin/scan/, with a nonce so a resend counts
 * once). When that fails (no network, server unreachable, no answer within 3 s) the scan is
 * decided here from the offline bundle (signature with WebCrypto Ed25519, then the rules of
 * docs/checkin.md), shown as "decided offline", and queued; the queue is uploaded to
 * checkin/sync/ when the server is reachable again. All words come from the page
 * (json_script "checkin-config"); this file holds none of its own.
 */
(() => {
  "use strict";

  const CONFIG = JSON.parse(document.getElementById("checkin-config").textContent);
  const M = CONFIG.messages;
  const SLUG = CONFIG.event.slug;
  const LEADS = CONFIG.mode === "leads";
  const PREFIX = CONFIG.storage_prefix || SLUG; // door: the edition; leads: edition and exhibitor

  const PAUSE_MS = 1500; // after an answer, before the next scan is taken
  const REPEAT_MS = 3000; // the camera ignores the code it just read while it stays in view
  const ANSWER_MS = 6000; // the answer screen closes by itself after this
  const SCAN_TIMEOUT_MS = 3000;
  const REFRESH_MS = 30000;
  const PROBE_MS = 5000; // while the server is unreachable, how often to try again
  const SYNC_BATCH = 100;
  const HISTORY_MAX = 20000;
  const DETECT_EVERY_MS = 150;
  const PREFS_KEY = `sccon-checkin:${PREFIX}:prefs`;
  const KEYS = {
    bundle: `${PREFIX}:bundle`,
    queue: `${PREFIX}:queue`,
    history: `${PREFIX}:history`,
    rejected: `${PREFIX}:rejected`,
  };

  const $ = (id) => document.getElementById(id);
  const el = {
    net: $("net-state"),
    queue: $("queue-count"),
    list: $("list-select"),
    video: $("camera-video"),
    frame: document.querySelector(".camera-frame"),
    cameraToggle: $("camera-toggle"),
    cameraStatus: $("camera-status"),
    form: $("code-form"),
    input: $("code-input"),
    bundleState: $("bundle-state"),
    syncState: $("sync-state"),
    answer: $("answer"),
    answerTitle: $("answer-title"),
    answerName: $("answer-name"),
    answerType: $("answer-type"),
    answerMessage: $("answer-message"),
    answerOffline: $("answer-offline"),
    answerClose: $("answer-close"),
    announcer: $("announcer"),
    consent: $("lead-consent"),
    notes: $("lead-notes"),
  };

  const state = {
    bundle: null, // {event, public_key, lists, ticket_types, tickets: {id: ticket}, checkins, cursor, fetched_at}
    queue: [], // offline scans waiting for upload
    history: [], // scans this device saw accepted: {ticket_id, list, direction, at}
    rejected: [], // offline scans the server refused to take (kept, counted)
    reachable: true,
    prefs: loadPrefs(),
  };

  const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // Storage: IndexedDB (a bundle can be megabytes), else localStorage, else memory. ----------------

  const storage = (() => {
    let opened = null;
    const memory = new Map();
    function open() {
      if (!opened) {
        opened = new Promise((resolve, reject) => {
          if (!("indexedDB" in window)) return reject(new Error("no IndexedDB"));
          const request = indexedDB.open("sccon-checkin", 1);
          request.onupgradeneeded = () => request.result.createObjectStore("kv");
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      }
      return opened;
    }
    async function run(mode, action) {
      const db = await open();
      return new Promise((resolve, reject) => {
        const tx = db.transaction("kv", mode);
        const request = action(tx.objectStore("kv"));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    }
    function fallbackGet(key) {
      try {
        const raw = localStorage.getItem(`sccon-checkin:${key}`);
        return raw === null ? memory.get(key) : JSON.parse(raw);
      } catch (error) {
        return memory.get(key);
      }
    }
    function fallbackSet(key, value) {
      memory.set(key, value);
      try {
        localStorage.setItem(`sccon-checkin:${key}`, JSON.stringify(value));
      } catch (error) {
        /* full or unavailable: memory only */
      }
    }
    return {
      async get(key) {
        try {
          return await run("readonly", (store) => store.get(key));
        } catch (error) {
          return fallbackGet(key);
        }
      },
      async set(key, value) {
        try {
          await run("readwrite", (store) => store.put(value, key));
        } catch (error) {
          fallbackSet(key, value);
        }
      },
    };
  })();

  function loadPrefs() {
    try {
      return JSON.parse(localStorage.getItem(PREFS_KEY)) || {};
    } catch (error) {
      return {};
    }
  }

  function savePrefs() {
    try {
      localStorage.setItem(PREFS_KEY, JSON.stringify(state.prefs));
    } catch (error) {
      /* private mode: not remembered */
    }
  }

  // The server. -------------------------------------------------------------------------------------

  function csrfToken() {
    const name = CONFIG.csrf_cookie || "csrftoken";
    for (const part of document.cookie.split(";")) {
      const [key, ...rest] = part.trim().split("=");
      if (key === name) return decodeURIComponent(rest.join("="));
    }
    return "";
  }

  /* {status, data}; throws on a network error or a timeout. */
  async function api(url, { method = "GET", body = null, timeout = SCAN_TIMEOUT_MS } = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    const headers = { Accept: "application/json", "Accept-Language": CONFIG.language };
    if (body !== null) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrfToken();
    }
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: body === null ? null : JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
        signal: controller.signal,
      });
      let data = null;
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
      if (response.redirected && !response.url.includes(url.split("?")[0])) {
        return { status: 401, data }; // sent to the login page
      }
      return { status: response.status, data };
    } finally {
      clearTimeout(timer);
    }
  }

  let probe = null;
  function setReachable(value) {
    state.reachable = value;
    renderNet();
    // Scans skip the network while it is unreachable (no 3 s wait per scan); a probe looks for it.
    if (!value && !probe) {
      probe = setInterval(() => {
        if (state.reachable) {
          clearInterval(probe);
          probe = null;
        } else if (isOnline()) {
          tick();
        }
      }, PROBE_MS);
    }
  }

  const isOnline = () => navigator.onLine !== false;

  // Codes: SC1. + base64url(payload[19] + Ed25519 signature[64]). --------------------------------

  function base64urlDecode(text) {
    const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    const binary = atob(padded);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  function base64urlEncode(bytes) {
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function parseCode(code) {
    if (typeof code !== "string" || code.length > 200 || !code.startsWith("SC1.")) return null;
    const body = code.slice(4);
    if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
    let raw;
    try {
      raw = base64urlDecode(body);
    } catch (error) {
      return null;
    }
    if (raw.length !== 83 || base64urlEncode(raw) !== body) return null; // canonical spelling only
    const view = new DataView(raw.buffer);
    const ticketId = view.getBigUint64(1);
    if (ticketId > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    return {
      version: raw[0],
      ticketId: Number(ticketId),
      eventId: view.getUint32(9),
      payload: raw.slice(0, 19),
      signature: raw.slice(19),
    };
  }

  const keys = new Map();
  async function publicKey(encoded) {
    if (!keys.has(encoded)) {
      keys.set(
        encoded,
        crypto.subtle.importKey("raw", base64urlDecode(encoded), { name: "Ed25519" }, false, ["verify"]),
      );
    }
    return keys.get(encoded);
  }

  /* true / false for a genuine or forged signature, null when this browser cannot tell. */
  async function signatureValid(parsed, encodedKey) {
    if (!window.crypto || !crypto.subtle) return null;
    let key;
    try {
      key = await publicKey(encodedKey);
    } catch (error) {
      keys.delete(encodedKey);
      return null; // no Ed25519 in this browser's WebCrypto
    }
    try {
      return await crypto.subtle.verify({ name: "Ed25519" }, key, parsed.signature, parsed.payload);
    } catch (error) {
      return null;
    }
  }

  async function codeDigest(code) {
    const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)));
    return Array.from(hash.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // The rules, offline (the server's order: invalid, revoked, cancelled, unpaid, wrong_list,
  // not_valid_now, already_checked_in, ok). -------------------------------------------------------

  function localTime(date, timeZone) {
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    }).formatToParts(date);
    const get = (type) => parts.find((p) => p.type === type).value;
    return {
      day: `${get("year")}-${get("month")}-${get("day")}`,
      seconds: Number(get("hour")) * 3600 + Number(get("minute")) * 60 + Number(get("second")),
    };
  }

  function seconds(hhmm) {
    const [h, m, s] = hhmm.split(":").map(Number);
    return h * 3600 + m * 60 + (s || 0);
  }

  function scanList(bundle, listId) {
    const lists = bundle.lists || [];
    return lists.find((l) => l.id === listId) || lists.find((l) => l.is_default) || null;
  }

  /* {result, ticket, list} or {unknown: "no_bundle" | "cannot_verify"}. */
  async function decideOffline(scan) {
    const bundle = state.bundle;
    if (!bundle) return { unknown: "no_bundle" };
    const list = scanList(bundle, scan.list);
    if (!list) return { unknown: "no_list" };
    const parsed = parseCode(scan.code);
    if (!parsed || parsed.version !== 1 || parsed.eventId !== CONFIG.event.id) return { result: "invalid", list };
    const genuine = await signatureValid(parsed, bundle.public_key);
    if (genuine === null) return { unknown: "cannot_verify" };
    if (!genuine) return { result: "invalid", list };
    const ticket = bundle.tickets[parsed.ticketId];
    if (!ticket) return { result: "invalid", list, missing: true };
    if ((await codeDigest(scan.code)) !== ticket.code_digest) return { result: "revoked", ticket, list };
    if (scan.direction === "out") return { result: "ok", ticket, list };
    if (ticket.status === "cancelled") return { result: "cancelled", ticket, list };
    if (ticket.status !== "valid") return { result: "unpaid", ticket, list };
    if (!list.all_ticket_types && !(list.ticket_types || []).includes(ticket.ticket_type_id)) {
      return { result: "wrong_list", ticket, list };
    }
    if (list.session && !(list.seat_tickets || []).includes(ticket.id)) {
      return { result: "wrong_list", ticket, list }; // a workshop admits its seat holders only
    }
    const type = (bundle.ticket_types || []).find((t) => t.id === ticket.ticket_type_id);
    const now = localTime(new Date(scan.scanned_at), bundle.event.time_zone || "Europe/Berlin");
    const onDay = (bundle.event.days || []).includes(now.day) && (!type || !type.valid_on || type.valid_on === now.day);
    const inHours =
      !list.opens_at || !list.closes_at || (seconds(list.opens_at) <= now.seconds && now.seconds < seconds(list.closes_at));
    if (!onDay || !inHours) return { result: "not_valid_now", ticket, list };
    const accepted = (bundle.checkins || [])
      .concat(state.history)
      .filter((c) => c.ticket_id === ticket.id && c.list === list.id);
    if (list.allows_reentry) {
      let last = null;
      for (const c of accepted) if (!last || Date.parse(c.at) >= Date.parse(last.at)) last = c;
      if (last && last.direction === "in") return { result: "already_checked_in", ticket, list };
    } else if (accepted.some((c) => c.direction === "in")) {
      return { result: "already_checked_in", ticket, list };
    }
    return { result: "ok", ticket, list };
  }

  function typeName(id) {
    const type = ((state.bundle && state.bundle.ticket_types) || []).find((t) => t.id === id);
    return type ? type.name : "";
  }

  // Answers. ----------------------------------------------------------------------------------------

  function answerFor(result, direction, { name = "", type = "", offline = false, message = null } = {}) {
    const info = CONFIG.results[result];
    const exit = result === "ok" && direction === "out";
    return {
      result,
      direction,
      tone: info.tone,
      title: exit ? M.exit_title : info.title,
      message: message ?? (exit ? M.exit_message : info.message),
      name,
      type,
      offline,
    };
  }

  function problem(message, title = M.error_title) {
    return { result: "error", tone: "unknown", title, message, name: "", type: "", offline: false };
  }

  let hideTimer = null;
  function show(answer) {
    clearTimeout(hideTimer);
    el.answer.dataset.tone = answer.tone;
    el.answer.dataset.result = answer.result;
    el.answer.dataset.direction = answer.direction || "";
    el.answer.toggleAttribute("data-offline", Boolean(answer.offline));
    el.answerTitle.textContent = answer.title;
    el.answerName.textContent = answer.name || "";
    el.answerType.textContent = answer.type || "";
    const plain = (text) => (text || "").replace(/[.!]+$/, "").trim().toLowerCase();
    // "Already checked in" needs no second line saying the same.
    el.answerMessage.textContent = plain(answer.message) === plain(answer.title) ? "" : answer.message || "";
    el.answerOffline.hidden = !answer.offline;
    el.answer.hidden = false;
    const spoken = [answer.title, answer.name, answer.type, answer.message, answer.offline ? M.offline_answer : ""];
    el.announcer.textContent = "";
    setTimeout(() => {
      el.announcer.textContent = spoken.filter(Boolean).join(". ");
    }, 50);
    if (answer.result !== "checking") {
      beep(answer.tone);
      hideTimer = setTimeout(hideAnswer, ANSWER_MS);
    }
  }

  function hideAnswer() {
    clearTimeout(hideTimer);
    el.answer.hidden = true;
    const active = document.activeElement;
    if (!active || active === document.body || active === el.answerClose) el.input.focus();
  }

  // Sound: Web Audio beeps (no files). Rising double beep for ok, two mid tones for amber, a low
  // buzz for a refusal. The context starts on the first touch or key press (autoplay rules).
  let audio = null;
  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume().catch(() => {});
    return audio;
  }

  function beep(tone) {
    const ctx = audio;
    if (!ctx || ctx.state !== "running") return;
    const plans = {
      ok: ["sine", [[880, 0, 0.12], [1320, 0.14, 0.18]]],
      warn: ["triangle", [[523, 0, 0.2], [523, 0.28, 0.2]]],
      error: ["square", [[196, 0, 0.5]]],
      unknown: ["square", [[330, 0, 0.15], [262, 0.2, 0.3]]],
    };
    const [wave, notes] = plans[tone] || plans.unknown;
    for (const [frequency, start, duration] of notes) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      const at = ctx.currentTime + start;
      oscillator.type = wave;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + duration);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(at);
      oscillator.stop(at + duration + 0.05);
    }
  }

  // One scan. ---------------------------------------------------------------------------------------

  function newNonce() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return base64urlEncode(crypto.getRandomValues(new Uint8Array(18)));
  }

  function selectedList() {
    if (!el.list) return null;
    const value = el.list.value;
    return value ? Number(value) : null;
  }

  function selectedDirection() {
    const checked = document.querySelector("input[name=direction]:checked");
    return checked ? checked.value : "in";
  }

  function remember(entry) {
    state.history.push(entry);
    if (state.history.length > HISTORY_MAX) state.history.splice(0, state.history.length - HISTORY_MAX);
    storage.set(KEYS.history, state.history);
  }

  async function scanOnline(scan) {
    const body = { code: scan.code, direction: scan.direction, nonce: scan.nonce, scanned_at: scan.scanned_at };
    if (scan.list !== null) body.list = scan.list;
    const { status, data } = await api(CONFIG.urls.scan, { method: "POST", body });
    if (status === 200 && data && CONFIG.results[data.result]) {
      setReachable(true);
      const ticket = data.ticket || {};
      if (data.result === "ok" && data.ticket && data.list) {
        remember({ ticket_id: data.ticket.id, list: data.list.id, direction: data.direction, at: data.scanned_at || data.checked_in_at || scan.scanned_at });
      }
      return answerFor(data.result, data.direction || scan.direction, {
        name: ticket.attendee_name || "",
        type: ticket.ticket_type || "",
      });
    }
    if (status >= 500 || status === 0) return null; // the server is in trouble: decide here
    setReachable(true);
    if (status === 401) return problem(M.login_message);
    if (status === 403) return problem(M.forbidden_message);
    if (status === 429) return problem(M.throttled_message);
    if (data && data.code === "unknown_checkin_list") return problem(M.no_list_message);
    return problem(M.bad_request_message);
  }

  async function scanOffline(scan) {
    const decided = await decideOffline(scan);
    const queued = { ...scan, offline_result: decided.result || "" };
    if (queued.list === null && decided.list) queued.list = decided.list.id;
    state.queue.push(queued);
    await storage.set(KEYS.queue, state.queue);
    renderQueue();
    if (decided.unknown) {
      const message = decided.unknown === "cannot_verify" ? M.cannot_verify_message : M.no_bundle_message;
      return { ...problem(message, M.cannot_verify_title), result: "unknown", offline: true };
    }
    if (decided.result === "ok") {
      remember({ ticket_id: decided.ticket.id, list: decided.list.id, direction: scan.direction, at: scan.scanned_at });
    }
    const ticket = decided.ticket || {};
    return answerFor(decided.result, scan.direction, {
      name: ticket.attendee_name || "",
      type: ticket.ticket_type_id ? typeName(ticket.ticket_type_id) : "",
      offline: true,
      message: decided.missing ? M.not_in_bundle : null,
    });
  }

  // Lead mode: the scan goes to leads/; a repeat scan of a badge updates its lead. ---------------

  function leadBody(item) {
    const body = { code: item.code, consent: Boolean(item.consent) };
    if (item.notes) body.notes = item.notes;
    return body;
  }

  async function leadOnline(item) {
    const { status, data } = await api(CONFIG.urls.leads, { method: "POST", body: leadBody(item) });
    if (status === 200 || status === 201) {
      setReachable(true);
      const shared = Boolean(data && data.consent && data.name);
      return {
        result: "ok",
        tone: "ok",
        title: status === 201 ? M.lead_saved : M.lead_updated,
        message: shared ? M.lead_with_contact : M.lead_without_contact,
        name: shared ? data.name : "",
        type: shared ? data.company || data.email || "" : "",
        offline: false,
      };
    }
    if (status >= 500 || status === 0) return null;
    setReachable(true);
    if (status === 401) return problem(M.login_message);
    if (status === 403) return problem(M.forbidden_message);
    if (status === 429) return problem(M.throttled_message);
    if (data && data.code === "invalid_code") return { ...problem(CONFIG.results.invalid.message, CONFIG.results.invalid.title), tone: "error" };
    if (data && data.code === "ticket_not_found") return { ...problem(M.lead_not_found, CONFIG.results.invalid.title), tone: "error" };
    return problem(M.bad_request_message);
  }

  async function leadOffline(item) {
    state.queue.push(item);
    await storage.set(KEYS.queue, state.queue);
    renderQueue();
    return { result: "queued", tone: "warn", title: M.lead_queued_title, message: M.lead_queued_message, name: "", type: "", offline: true };
  }

  async function scan(code) {
    if (LEADS) {
      const item = {
        code,
        consent: Boolean(el.consent && el.consent.checked),
        notes: el.notes ? el.notes.value.trim() : "",
        nonce: newNonce(),
        scanned_at: new Date().toISOString(),
      };
      // Consent is asked again for every visitor.
      if (el.consent) el.consent.checked = false;
      if (el.notes) el.notes.value = "";
      return decide(item, leadOnline, leadOffline);
    }
    const item = {
      code,
      direction: selectedDirection(),
      list: selectedList(),
      nonce: newNonce(),
      scanned_at: new Date().toISOString(),
    };
    return decide(item, scanOnline, scanOffline);
  }

  async function decide(item, online, offline) {
    const slow = setTimeout(() => show({ ...problem("", M.checking), result: "checking" }), 400);
    let answer = null;
    try {
      if (isOnline() && state.reachable) {
        try {
          answer = await online(item);
        } catch (error) {
          setReachable(false); // no network, or no answer in time: the same nonce goes into the queue
        }
      }
      if (answer === null) answer = await offline(item);
    } finally {
      clearTimeout(slow);
    }
    show(answer);
  }

  // Scans are taken one at a time, with a pause after each answer. ---------------------------------

  const waiting = [];
  let working = false;

  function submit(code) {
    const cleaned = String(code || "").trim();
    if (!cleaned) return;
    waiting.push(cleaned);
    pump();
  }

  async function pump() {
    if (working) return;
    working = true;
    try {
      while (waiting.length) {
        try {
          await scan(waiting.shift());
        } catch (error) {
          show(problem(String(error && error.message ? error.message : error)));
        }
        await sleep(PAUSE_MS);
      }
    } finally {
      working = false;
    }
  }

  // Camera. -----------------------------------------------------------------------------------------

  const camera = { stream: null, timer: null, detector: null, lastCode: "", lastSeenAt: 0 };
  let detectorPromise = null;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.addEventListener("load", resolve, { once: true });
      script.addEventListener("error", () => reject(new Error(`cannot load ${src}`)), { once: true });
      document.head.append(script);
    });
  }

  function detector() {
    if (!detectorPromise) {
      detectorPromise = (async () => {
        if ("BarcodeDetector" in window) {
          try {
            const formats = await window.BarcodeDetector.getSupportedFormats();
            if (formats.includes("qr_code")) return new window.BarcodeDetector({ formats: ["qr_code"] });
          } catch (error) {
            /* fall through to the ponyfill */
          }
        }
        if (!window.BarcodeDetectionAPI) await loadScript(CONFIG.urls.ponyfill);
        const ponyfill = window.BarcodeDetectionAPI;
        const wasm = new URL(CONFIG.urls.wasm, location.href).href;
        // zxing-wasm fetches its .wasm from a CDN by default: ours comes from our static files.
        ponyfill.setZXingModuleOverrides({
          locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasm : prefix + path),
        });
        await ponyfill.prepareZXingModule({ fireImmediately: true });
        return new ponyfill.BarcodeDetector({ formats: ["qr_code"] });
      })();
      detectorPromise.catch(() => {
        detectorPromise = null;
      });
    }
    return detectorPromise;
  }

  function onDetected(code) {
    const now = Date.now();
    if (code === camera.lastCode && now - camera.lastSeenAt < REPEAT_MS) {
      camera.lastSeenAt = now; // still in view: not a new scan
      return;
    }
    if (working || waiting.length) return; // the pause after an answer
    camera.lastCode = code;
    camera.lastSeenAt = now;
    submit(code);
  }

  async function detectLoop() {
    if (!camera.stream) return;
    if (el.video.readyState >= 2 && camera.detector) {
      try {
        for (const found of await camera.detector.detect(el.video)) {
          if (found.rawValue) onDetected(found.rawValue);
        }
      } catch (error) {
        /* a frame that could not be read */
      }
    }
    if (camera.stream) camera.timer = setTimeout(detectLoop, DETECT_EVERY_MS);
  }

  async function startCamera() {
    el.cameraStatus.textContent = M.camera_starting;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      el.cameraStatus.textContent = M.camera_unavailable;
      return;
    }
    try {
      camera.detector = await detector();
    } catch (error) {
      el.cameraStatus.textContent = M.decoder_unavailable;
      return;
    }
    try {
      camera.stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
    } catch (error) {
      el.cameraStatus.textContent =
        error && error.name === "NotAllowedError" ? M.camera_denied : M.camera_unavailable;
      return;
    }
    el.video.srcObject = camera.stream;
    try {
      await el.video.play();
    } catch (error) {
      /* autoplay of a muted video is allowed; a failure still leaves frames to read */
    }
    el.frame.setAttribute("data-on", "");
    el.cameraToggle.textContent = M.camera_stop;
    el.cameraToggle.setAttribute("aria-pressed", "true");
    el.cameraStatus.textContent = M.camera_on;
    state.prefs.camera = true;
    savePrefs();
    detectLoop();
  }

  function stopCamera() {
    clearTimeout(camera.timer);
    if (camera.stream) for (const track of camera.stream.getTracks()) track.stop();
    camera.stream = null;
    el.video.srcObject = null;
    el.frame.removeAttribute("data-on");
    el.cameraToggle.textContent = M.camera_start;
    el.cameraToggle.setAttribute("aria-pressed", "false");
    el.cameraStatus.textContent = M.camera_off;
    state.prefs.camera = false;
    savePrefs();
  }

  // Offline bundle and upload of the queue. --------------------------------------------------------

  function checkinKey(c) {
    return `${c.ticket_id}|${c.list}|${c.direction}|${c.at}`;
  }

  function mergeBundle(data) {
    const old = state.bundle;
    const fresh = data.full || !old;
    const bundle = fresh ? { tickets: {}, checkins: [] } : old;
    for (const ticket of data.tickets || []) bundle.tickets[ticket.id] = ticket;
    const seen = new Set(bundle.checkins.map(checkinKey));
    for (const c of data.checkins || []) {
      const key = checkinKey(c);
      if (!seen.has(key)) {
        seen.add(key);
        bundle.checkins.push(c);
      }
    }
    bundle.event = data.event || bundle.event;
    bundle.public_key = data.public_key || bundle.public_key;
    bundle.lists = data.lists || bundle.lists || [];
    bundle.ticket_types = data.ticket_types || bundle.ticket_types || [];
    bundle.cursor = data.cursor;
    bundle.fetched_at = new Date().toISOString();
    return bundle;
  }

  let refreshing = false;
  async function refreshBundle() {
    if (LEADS || refreshing || !isOnline()) return;
    refreshing = true;
    try {
      const since = state.bundle && state.bundle.cursor;
      const url = since ? `${CONFIG.urls.bundle}?since=${encodeURIComponent(since)}` : CONFIG.urls.bundle;
      const { status, data } = await api(url, { timeout: 30000 });
      setReachable(status < 500);
      if (status === 200 && data && data.cursor) {
        state.bundle = mergeBundle(data);
        await storage.set(KEYS.bundle, state.bundle);
        renderLists();
        renderBundle();
      }
    } catch (error) {
      setReachable(false);
    } finally {
      refreshing = false;
    }
  }

  function upload(scan) {
    const item = { code: scan.code, direction: scan.direction, nonce: scan.nonce, scanned_at: scan.scanned_at };
    if (scan.list !== null && scan.list !== undefined) item.list = scan.list;
    if (scan.offline_result) item.offline_result = scan.offline_result;
    return item;
  }

  async function send(batch) {
    return api(CONFIG.urls.sync, { method: "POST", body: { scans: batch.map(upload) }, timeout: 20000 });
  }

  async function confirm(results) {
    const done = new Set(results.map((r) => r.nonce));
    state.queue = state.queue.filter((s) => !done.has(s.nonce));
    await storage.set(KEYS.queue, state.queue);
    renderQueue();
    return { count: done.size, conflicts: results.filter((r) => r.conflict).length };
  }

  async function reject(scans) {
    const nonces = new Set(scans.map((s) => s.nonce));
    state.rejected.push(...scans);
    state.queue = state.queue.filter((s) => !nonces.has(s.nonce));
    await storage.set(KEYS.rejected, state.rejected);
    await storage.set(KEYS.queue, state.queue);
    renderQueue();
  }

  async function syncLeads() {
    let count = 0;
    try {
      while (state.queue.length) {
        const item = state.queue[0];
        const { status } = await api(CONFIG.urls.leads, { method: "POST", body: leadBody(item), timeout: 20000 });
        if (status === 200 || status === 201) {
          setReachable(true);
          await confirm([{ nonce: item.nonce }]);
          count += 1;
        } else if (status === 400 || status === 404 || status === 409) {
          setReachable(true);
          await reject([item]);
        } else {
          setReachable(status < 500);
          if (status === 401 || status === 403) el.syncState.textContent = M.login_message;
          break;
        }
      }
    } catch (error) {
      setReachable(false);
    }
    const lines = [];
    if (count) lines.push(fmt(M.sync_done, { count }));
    if (state.rejected.length) lines.push(fmt(M.sync_rejected, { count: state.rejected.length }));
    if (lines.length) el.syncState.textContent = lines.join(" ");
  }

  let syncing = false;
  async function sync() {
    if (syncing || !state.queue.length || !isOnline()) return;
    if (LEADS) {
      syncing = true;
      try {
        await syncLeads();
      } finally {
        syncing = false;
      }
      return;
    }
    syncing = true;
    const totals = { count: 0, conflicts: 0 };
    const add = (part) => {
      totals.count += part.count;
      totals.conflicts += part.conflicts;
    };
    try {
      while (state.queue.length) {
        const batch = state.queue.slice(0, SYNC_BATCH);
        const { status, data } = await send(batch);
        if (status === 200 && data && Array.isArray(data.results)) {
          setReachable(true);
          add(await confirm(data.results));
        } else if (status === 400 || status === 404 || status === 409) {
          // One scan the server cannot take must not hold up the others: one at a time.
          setReachable(true);
          for (const single of batch) {
            const answer = await send([single]);
            if (answer.status === 200 && answer.data && Array.isArray(answer.data.results)) {
              add(await confirm(answer.data.results));
            } else if (answer.status === 400 || answer.status === 404 || answer.status === 409) {
              await reject([single]);
            } else {
              return;
            }
          }
        } else {
          setReachable(status < 500);
          if (status === 401 || status === 403) el.syncState.textContent = M.login_message;
          return; // logged out, throttled or server trouble: try again later
        }
      }
    } catch (error) {
      setReachable(false);
    } finally {
      syncing = false;
      const lines = [];
      if (totals.count) lines.push(fmt(M.sync_done, { count: totals.count }));
      if (totals.conflicts) lines.push(fmt(M.sync_conflicts, { count: totals.conflicts }));
      if (state.rejected.length) lines.push(fmt(M.sync_rejected, { count: state.rejected.length }));
      if (lines.length) el.syncState.textContent = lines.join(" ");
    }
  }

  async function tick() {
    await sync();
    await refreshBundle();
    await sync();
  }

  // Rendering. --------------------------------------------------------------------------------------

  function renderNet() {
    const online = isOnline() && state.reachable;
    el.net.dataset.state = online ? "online" : "offline";
    el.net.textContent = !isOnline() ? M.offline : state.reachable ? M.online : M.server_unreachable;
  }

  function renderQueue() {
    el.queue.textContent = String(state.queue.length);
    el.queue.toggleAttribute("data-pending", state.queue.length > 0);
  }

  function renderBundle() {
    if (!el.bundleState) return;
    const bundle = state.bundle;
    if (!bundle) {
      el.bundleState.textContent = isOnline() ? M.bundle_loading : M.bundle_missing;
      el.bundleState.removeAttribute("data-ready");
      return;
    }
    const time = new Intl.DateTimeFormat(CONFIG.language, { hour: "2-digit", minute: "2-digit" }).format(
      new Date(bundle.fetched_at),
    );
    el.bundleState.textContent = fmt(M.bundle_ready, { tickets: Object.keys(bundle.tickets).length, time });
    el.bundleState.setAttribute("data-ready", "");
  }

  function renderLists() {
    if (!el.list) return;
    const lists = (state.bundle && state.bundle.lists) || [];
    if (!lists.length) return;
    const wanted = state.prefs.list;
    const chosen = lists.find((l) => l.id === wanted) || lists.find((l) => l.is_default) || lists[0];
    el.list.replaceChildren(
      ...lists.map((l) => {
        const option = document.createElement("option");
        option.value = String(l.id);
        option.textContent = l.name;
        option.selected = l.id === chosen.id;
        return option;
      }),
    );
    el.list.disabled = false;
  }

  // Wiring. -----------------------------------------------------------------------------------------

  function wire() {
    el.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const code = el.input.value;
      el.input.value = "";
      submit(code);
    });
    el.cameraToggle.addEventListener("click", () => (camera.stream ? stopCamera() : startCamera()));
    el.answerClose.addEventListener("click", hideAnswer);
    el.answer.addEventListener("click", (event) => {
      if (event.target === el.answer) hideAnswer();
    });
    if (el.list) {
      el.list.addEventListener("change", () => {
        state.prefs.list = selectedList();
        savePrefs();
      });
    }
    for (const radio of document.querySelectorAll("input[name=direction]")) {
      radio.checked = radio.value === (state.prefs.direction || "in");
      radio.addEventListener("change", () => {
        state.prefs.direction = selectedDirection();
        savePrefs();
      });
    }
    // A hand scanner types into whatever has the focus: send stray keys to the code field.
    document.addEventListener("keydown", (event) => {
      audioContext();
      if (event.key === "Escape" && !el.answer.hidden) {
        hideAnswer();
        return;
      }
      const target = event.target;
      const typing = target instanceof HTMLInputElement && target.type === "text";
      if (typing || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) return;
      if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) el.input.focus();
    });
    document.addEventListener("pointerdown", () => audioContext());
    window.addEventListener("online", () => {
      renderNet();
      tick();
    });
    window.addEventListener("offline", renderNet);
    setInterval(tick, REFRESH_MS);
  }

  async function start() {
    wire();
    renderNet();
    const [bundle, queue, history, rejected] = await Promise.all([
      storage.get(KEYS.bundle),
      storage.get(KEYS.queue),
      storage.get(KEYS.history),
      storage.get(KEYS.rejected),
    ]);
    state.bundle = bundle || null;
    state.queue = queue || [];
    state.history = history || [];
    state.rejected = rejected || [];
    renderQueue();
    renderLists();
    renderBundle();
    if (!window.matchMedia || window.matchMedia("(pointer: fine)").matches) el.input.focus();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(CONFIG.urls.sw, { scope: CONFIG.urls.page }).catch(() => {});
    }
    if (state.prefs.camera) startCamera();
    document.documentElement.setAttribute("data-checkin-ready", "");
    await tick();
  }

  start();
})();

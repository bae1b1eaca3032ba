// The sandbox page: terminal (xterm.js), YAML editor (CodeMirror 6), tabs, namespace
// filter, detail drawer, ticking clock and keyboard shortcuts. Live fragments arrive
// over the websocket (htmx ws extension); commands go over HTTP POST with CSRF.
(function () {
  "use strict";
  var root = document.getElementById("sandbox");
  if (!root) return;
  var readonly = root.dataset.readonly === "1";
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

  function post(url, data) {
    var body = new URLSearchParams(data);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
    }).then(function (r) {
      if (!r.ok && r.headers.get("Content-Type") !== "application/json") {
        return r.text().then(function (t) { return { output: (t || r.statusText) + "\n", ok: false }; });
      }
      return r.json();
    });
  }

  // ---- tabs ----------------------------------------------------------------------
  var tabs = Array.prototype.slice.call(root.querySelectorAll('[role="tab"]'));
  function selectTab(tab) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (tab.id === "tab-console" && term) { fit(); term.focus(); }
    if (tab.id === "tab-editor" && editor) editor.focus();
  }
  tabs.forEach(function (t) { t.addEventListener("click", function () { selectTab(t); }); });

  // ---- terminal ------------------------------------------------------------------
  var term = null, fitAddon = null;
  var history = JSON.parse(sessionStorage.getItem("console-history-" + root.dataset.sandbox) || "[]");
  var line = "", cursor = 0, histIndex = history.length, busy = false, heredoc = null;
  var typedAhead = "";  // keys typed while a command runs: replayed when it is done
  var PROMPT = "\x1b[32m$\x1b[0m ";

  function fit() { try { fitAddon && fitAddon.fit(); } catch (e) { /* hidden panel */ } }

  function redraw() {
    term.write("\x1b[2K\r" + (heredoc ? "> " : PROMPT) + line);
    var back = line.length - cursor;
    if (back > 0) term.write("\x1b[" + back + "D");
  }

  function submit() {
    var text = line;
    term.write("\r\n");
    line = ""; cursor = 0;
    if (heredoc) {
      if (text.trim() === heredoc.marker) { var h = heredoc; heredoc = null; run(h.command, h.body); return; }
      heredoc.body += text + "\n"; redraw(); return;
    }
    if (!text.trim()) { redraw(); return; }
    history.push(text); histIndex = history.length;
    sessionStorage.setItem("console-history-" + root.dataset.sandbox, JSON.stringify(history.slice(-200)));
    var m = text.match(/<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?\s*$/);
    if (m) { heredoc = { marker: m[1], command: text, body: "" }; redraw(); return; }
    if (text.trim() === "clear") { term.clear(); redraw(); return; }
    run(text, null);
  }

  function run(command, stdin) {
    busy = true;
    var data = { line: command };
    if (stdin !== null) data.stdin = stdin;
    return post(root.dataset.consoleUrl, data).then(function (res) {
      term.write((res.output || "").replace(/\r?\n/g, "\r\n"));
    }).catch(function (err) {
      term.write("\x1b[31merror: " + err + "\x1b[0m\r\n");
    }).then(function () {
      busy = false;
      redraw();
      var ahead = typedAhead;
      typedAhead = "";
      if (ahead) onKey(ahead);
    });
  }

  function onKey(data) {
    if (busy) { typedAhead += data; return; }
    switch (data) {
      case "\r": submit(); return;
      case "\x7f": if (cursor > 0) { line = line.slice(0, cursor - 1) + line.slice(cursor); cursor--; } break;
      case "\x1b[A": if (histIndex > 0) { histIndex--; line = history[histIndex]; cursor = line.length; } break;
      case "\x1b[B":
        if (histIndex < history.length) { histIndex++; line = history[histIndex] || ""; cursor = line.length; }
        break;
      case "\x1b[D": if (cursor > 0) cursor--; break;
      case "\x1b[C": if (cursor < line.length) cursor++; break;
      case "\x1b[H": case "\x01": cursor = 0; break;
      case "\x1b[F": case "\x05": cursor = line.length; break;
      case "\x03": term.write("^C\r\n"); line = ""; cursor = 0; heredoc = null; break;
      case "\x0c": term.clear(); break;
      case "\x15": line = line.slice(cursor); cursor = 0; break;
      default:
        // typed or pasted text: a multi-line paste runs line by line like a shell
        var parts = data.replace(/\r\n/g, "\n").replace(/\r/g, "\n").split("\n");
        for (var i = 0; i < parts.length; i++) {
          var clean = parts[i].replace(/[\x00-\x1f\x7f]/g, "");
          line = line.slice(0, cursor) + clean + line.slice(cursor);
          cursor += clean.length;
          if (i < parts.length - 1) {
            redraw();
            submit();
            if (busy) { typedAhead = parts.slice(i + 1).join("\r") + typedAhead; return; }
          }
        }
    }
    redraw();
  }

  function startTerminal() {
    var box = document.getElementById("terminal");
    if (!box || !window.PlaygroundXterm) return;
    var X = window.PlaygroundXterm;
    term = new X.Terminal({
      convertEol: false, cursorBlink: true, fontSize: 13, scrollback: 5000,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      theme: { background: "#0f172a", foreground: "#e2e8f0" }, disableStdin: readonly,
    });
    fitAddon = new X.FitAddon();
    term.loadAddon(fitAddon);
    term.open(box);
    fit();
    window.addEventListener("resize", fit);
    term.writeln(box.dataset.greeting || (readonly ? "Read-only view: you can watch this sandbox but not drive it."
      : "Type kubectl commands (kubectl get pods) or playground commands (clock settle, node stop worker-2)."));
    if (!readonly) { term.onData(onKey); redraw(); }
    box.dataset.ready = "1";
    window.playgroundTerminal = term;
  }

  // Other scripts (a lesson's "run in console" buttons) run a command as if it were typed:
  // shown at the prompt, its output below, queued behind a command still running.
  var queue = Promise.resolve();
  window.playgroundConsole = {
    run: function (command) {
      queue = queue.then(function () {
        selectTab(document.getElementById("tab-console"));
        if (term) { line = ""; cursor = 0; redraw(); term.write(command.replace(/\n/g, "\r\n> ") + "\r\n"); }
        return run(command, null);
      });
      return queue;
    },
  };

  // ---- editor --------------------------------------------------------------------
  var editor = null;

  // Typing over a selection of several lines is left to the browser's own editing,
  // which merges the lines with style="" attributes that the Content-Security-Policy
  // refuses (harmless, but reported). Do that insertion in CodeMirror instead, through
  // its input handlers (bracket closing, ...) as if CodeMirror had read it from the DOM.
  function typeOverLines(CM) {
    return CM.EditorView.domEventHandlers({
      beforeinput: function (ev, view) {
        var sel = view.state.selection.main, doc = view.state.doc;
        if (ev.inputType !== "insertText" || !ev.data || view.state.readOnly) return false;
        if (doc.lineAt(sel.from).number === doc.lineAt(sel.to).number) return false;
        ev.preventDefault();
        var text = ev.data;
        function insert() {
          return view.state.update(view.state.replaceSelection(text),
            { userEvent: "input.type", scrollIntoView: true });
        }
        var handlers = view.state.facet(CM.EditorView.inputHandler);
        if (!handlers.some(function (h) { return h(view, sel.from, sel.to, text, insert); })) {
          view.dispatch(insert());
        }
        return true;
      },
    });
  }
  function startEditor() {
    var box = document.getElementById("editor");
    var source = document.getElementById("editor-text");
    if (!box || !source || !window.PlaygroundCodeMirror) return;
    var CM = window.PlaygroundCodeMirror;
    editor = new CM.EditorView({
      doc: sessionStorage.getItem("editor-" + root.dataset.sandbox) || source.value,
      parent: box,
      extensions: [
        CM.basicSetup, CM.yaml(), CM.lintGutter(), CM.keymap.of([CM.indentWithTab]),
        CM.EditorState.readOnly.of(readonly), typeOverLines(CM),
        CM.EditorView.updateListener.of(function (u) {
          if (u.docChanged) sessionStorage.setItem("editor-" + root.dataset.sandbox, u.state.doc.toString());
        }),
      ],
    });
    window.playgroundEditor = editor;
    var apply = document.getElementById("editor-apply");
    if (apply) apply.addEventListener("click", applyManifest);
  }

  function applyManifest() {
    var out = document.getElementById("apply-output");
    var text = editor.state.doc.toString();
    out.textContent = "applying…";
    out.className = "apply-output";
    post(root.dataset.applyUrl, { manifest: text }).then(function (res) {
      out.textContent = res.output || "";
      out.className = "apply-output " + (res.ok ? "ok" : "failed");
      var CM = window.PlaygroundCodeMirror, doc = editor.state.doc;
      var diags = (res.diagnostics || []).map(function (d) {
        var ln = doc.line(Math.min(Math.max(1, d.line), doc.lines));
        return { from: ln.from, to: ln.to, severity: "error", message: d.message };
      });
      editor.dispatch(CM.setDiagnostics(editor.state, diags));
      (res.diagnostics || []).forEach(function (d) {
        out.textContent += "\nline " + d.line + (d.field ? " (" + d.field + ")" : "") + ": " + d.message;
      });
    });
  }

  // ---- namespace filter, detail drawer, timeline filter --------------------------
  var nsStyle = document.createElement("style");
  document.head.appendChild(nsStyle);
  var nsSelect = document.getElementById("ns-filter");
  function applyNamespace() {
    var ns = nsSelect ? nsSelect.value : "";
    root.dataset.namespace = ns;
    nsStyle.textContent = ns ? '#sandbox [data-namespace]:not([data-namespace="' + CSS.escape(ns) + '"]){display:none}' : "";
  }
  if (nsSelect) nsSelect.addEventListener("change", applyNamespace);
  applyNamespace();

  var detail = document.getElementById("detail");
  root.addEventListener("click", function (ev) {
    var link = ev.target.closest("[data-detail]");
    if (link) {
      ev.preventDefault();
      var parts = link.dataset.detail.split("/");
      var url = "/sandboxes/" + root.dataset.sandbox + "/object?" + new URLSearchParams(
        { kind: parts[0], namespace: parts[1], name: parts.slice(2).join("/") });
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        detail.innerHTML = html; detail.hidden = false;
        if (window.htmx) window.htmx.process(detail);
        var close = detail.querySelector(".detail-close");
        if (close) close.focus();
      });
      return;
    }
    if (ev.target.closest(".detail-close")) { detail.hidden = true; }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !detail.hidden) { detail.hidden = true; }
  });

  // hovering a ReplicaSet (or Deployment) outlines the pods it owns
  function highlight(ev, on) {
    var link = ev.target.closest && ev.target.closest("[data-detail^='ReplicaSet/']");
    if (!link) return;
    var owner = "ReplicaSet/" + link.dataset.detail.split("/").slice(2).join("/");
    root.querySelectorAll('.pod[data-owner="' + CSS.escape(owner) + '"]').forEach(function (p) {
      p.classList.toggle("highlight", on);
    });
  }
  root.addEventListener("mouseover", function (ev) { highlight(ev, true); });
  root.addEventListener("mouseout", function (ev) { highlight(ev, false); });

  var tlFilter = document.getElementById("timeline-filter");
  var tlStyle = document.createElement("style");
  document.head.appendChild(tlStyle);
  if (tlFilter) tlFilter.addEventListener("input", function () {
    var q = tlFilter.value.trim();
    tlStyle.textContent = q ? '#timeline-rows li:not([data-name*="' + CSS.escape(q) + '"]){display:none}' : "";
  });

  // ---- the clock face ticks between pushes ---------------------------------------
  var seen = new WeakMap();
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var clock = document.getElementById("sandbox-clock");
    if (!clock) return;
    if (!seen.has(clock)) seen.set(clock, performance.now());
    var sim = parseFloat(clock.dataset.sim), start = parseFloat(clock.dataset.start);
    if (clock.dataset.paused !== "1") sim += (performance.now() - seen.get(clock)) / 1000 * parseFloat(clock.dataset.speed);
    var s = Math.max(0, Math.floor(sim - start));
    clock.querySelector(".clock-time").textContent = pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }
  setInterval(tick, 250);

  // ---- keyboard: ` focuses the console, space pauses/plays, . steps ---------------
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var typing = t.closest && (t.closest("input, textarea, select, .cm-editor, .xterm") !== null);
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "`") { ev.preventDefault(); selectTab(document.getElementById("tab-console")); }
    else if (ev.key === " " && !t.closest("button")) { ev.preventDefault(); clickIf("clock-toggle"); }
    else if (ev.key === ".") { ev.preventDefault(); clickIf("clock-step"); }
  });
  function clickIf(id) { var b = document.getElementById(id); if (b) b.click(); }

  // ---- Services drawn to their endpoint pods (ready solid, not ready dashed) ------
  var SVG = "http://www.w3.org/2000/svg";
  var lines = document.createElementNS(SVG, "svg");
  lines.setAttribute("class", "endpoint-lines");
  lines.setAttribute("aria-hidden", "true");
  document.body.appendChild(lines);
  function drawLines() {
    while (lines.firstChild) lines.removeChild(lines.firstChild);
    var map = document.getElementById("cluster-map");
    if (!map) return;
    var clip = map.getBoundingClientRect();
    map.querySelectorAll(".services li[data-namespace]").forEach(function (svc) {
      if (!svc.offsetParent) return;
      var from = svc.getBoundingClientRect();
      svc.querySelectorAll(".ep[data-pod]").forEach(function (ep) {
        var pod = document.getElementById("pod-" + ep.dataset.pod);
        if (!pod || !pod.offsetParent) return;
        var to = pod.getBoundingClientRect();
        var y1 = from.top + 10, y2 = to.top + to.height / 2;
        if (y1 < clip.top || y1 > clip.bottom || y2 < clip.top || y2 > clip.bottom) return;
        var line = document.createElementNS(SVG, "line");
        line.setAttribute("x1", from.left); line.setAttribute("y1", y1);
        line.setAttribute("x2", to.right); line.setAttribute("y2", y2);
        line.setAttribute("class", ep.classList.contains("ready") ? "ready" : "not-ready");
        lines.appendChild(line);
      });
    });
  }
  var pending = false;
  function scheduleLines() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; drawLines(); });
  }
  ["htmx:wsAfterMessage", "htmx:oobAfterSwap", "resize"].forEach(function (name) {
    (name === "resize" ? window : document.body).addEventListener(name, scheduleLines);
  });
  document.addEventListener("scroll", scheduleLines, true);
  if (nsSelect) nsSelect.addEventListener("change", scheduleLines);

  // htmx leaves 4xx answers unshown: the clock and fault buttons' refusals (a bad value,
  // too many requests) are sentences for the learner, shown where their answers go
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if ((status === 400 || status === 429) && e.detail.target && e.detail.target.id === "clock-msg") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  function start() { startTerminal(); startEditor(); scheduleLines(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

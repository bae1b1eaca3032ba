// The lesson page: a step's "run in console" and "apply" buttons drive the sandbox beside
// it (sandbox.js's console and editor), copy buttons copy, hints come one at a time.
// Step changes and pushes arrive through htmx; nothing here reloads the page.
(function () {
  "use strict";
  var root = document.getElementById("lesson");
  if (!root) return;

  function copy(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = root.dataset.copied;
      setTimeout(function () { button.textContent = label; }, 1200);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
      return;
    }
    var area = document.createElement("textarea");  // plain http: the old way
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); done(); } finally { area.remove(); }
  }

  // Actions run one after another, in the order pressed; data-busy counts those pending.
  var queue = Promise.resolve(), pending = 0;
  function enqueue(job) {
    pending++;
    root.dataset.busy = String(pending);
    queue = queue.then(job).catch(function () { /* shown in the console or editor */ }).then(function () {
      pending--;
      root.dataset.busy = String(pending);
    });
  }

  function applyYaml(text) {
    var editor = window.playgroundEditor;
    var out = document.getElementById("apply-output");
    var tab = document.getElementById("tab-editor");
    if (tab) tab.click();
    if (!editor || !out) return Promise.resolve();
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
    out.textContent = "";
    document.getElementById("editor-apply").click();
    return new Promise(function (resolve) {  // sandbox.js writes the answer there
      var watch = setInterval(function () {
        if (out.textContent && out.className !== "apply-output") { clearInterval(watch); resolve(); }
      }, 50);
    });
  }

  root.dataset.busy = "0";
  root.addEventListener("click", function (ev) {
    var button = ev.target.closest("button[data-action]");
    if (button) {
      var action = button.closest(".action");
      var text = action.querySelector("pre").textContent;
      var kind = button.dataset.action;
      if (kind === "copy") { copy(text, button); return; }
      action.classList.add("ran");
      if (kind === "apply") enqueue(function () { return applyYaml(text); });
      else enqueue(function () { return window.playgroundConsole.run(text.replace(/\n$/, "")); });
      return;
    }
    var hint = ev.target.closest(".show-hint");
    if (hint) {
      var hidden = root.querySelector(".hints li[hidden]");
      if (hidden) { hidden.hidden = false; hidden.scrollIntoView({ block: "nearest" }); }
      if (!root.querySelector(".hints li[hidden]")) hint.disabled = true;
      else hint.textContent = hint.dataset.more;
    }
  });

  // a step that just turned done (a push) scrolls its "what just happened" into view
  document.body.addEventListener("htmx:oobAfterSwap", function (ev) {
    var el = ev.detail.target;
    if (el && el.classList && el.classList.contains("step-status") && el.classList.contains("done")) {
      el.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  });

  // a new step panel starts at its top
  document.body.addEventListener("htmx:afterSwap", function (ev) {
    if (ev.detail.target && ev.detail.target.id === "lesson-step") {
      var panel = root.querySelector(".lesson-panel");
      if (panel) panel.scrollTop = 0;
    }
  });
})();

// The Content-Security-Policy allows a <style> element only with this response's
// nonce. xterm.js (and sandbox.js's filters) create <style> elements from script, and
// xterm.js has no option to pass a nonce, so every <style> created through
// document.createElement gets the nonce here: at creation, before insertion, since a
// nonce added later does not count. <style> in HTML (injected markup) stays blocked.
// The nonce is read from this script's own tag, where browsers hide it from CSS.
(function () {
  "use strict";
  var nonce = document.currentScript && document.currentScript.nonce;
  if (!nonce) return;
  var createElement = Document.prototype.createElement;
  Document.prototype.createElement = function () {
    var element = createElement.apply(this, arguments);
    if (element instanceof HTMLStyleElement) element.setAttribute("nonce", nonce);
    return element;
  };
})();

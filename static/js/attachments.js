// The attachment form: one client id per form shown, so a double tap or a retried upload after a dropped
// connection makes one attachment (the server answers the first one for the same id).
(function () {
  "use strict";
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return "web-" + window.crypto.randomUUID(); }
    return "web-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }
  document.querySelectorAll("input[name=client_id]").forEach(function (input) {
    if (!input.value) { input.value = newId(); }
  });
})();

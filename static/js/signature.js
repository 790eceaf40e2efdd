// The signature pad of the consent form: a canvas the person signs on with a finger or a pen (pointer events:
// touch, pen and mouse alike). On submit, a drawn signature goes into the hidden "signature" field as a PNG data
// URL; the server checks it, renders the signed consent PDF and attaches it. No inline script (CSP).
(function () {
  "use strict";
  const form = document.querySelector("form[data-signature-form]");
  const canvas = document.getElementById("signature-pad");
  if (!form || !canvas) return;
  const field = form.querySelector("input[name=signature]");
  const state = form.querySelector("[data-signature-state]");
  const ctx = canvas.getContext("2d");
  let drawn = false;
  let last = null;

  function fit() {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const box = canvas.getBoundingClientRect();
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.6;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    drawn = false;
    if (field) field.value = "";
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    // A pad that was hidden when the page loaded (the offline page shows it once the pack is read) has no size yet.
    const box = canvas.getBoundingClientRect();
    if (!drawn && canvas.width !== Math.round(box.width * Math.max(window.devicePixelRatio || 1, 1))) fit();
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    ctx.beginPath();
    ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fill();
    drawn = true;
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!last) return;
    event.preventDefault();
    const here = point(event);
    const mid = { x: (last.x + here.x) / 2, y: (last.y + here.y) / 2 };
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.quadraticCurveTo(last.x, last.y, mid.x, mid.y);
    ctx.lineTo(here.x, here.y);
    ctx.stroke();
    last = here;
  });
  function end() {
    last = null;
    if (drawn && state) state.textContent = state.dataset.signed || "서명했습니다. 다시 하려면 '다시 쓰기'를 누르세요.";
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  form.querySelector("[data-signature-clear]").addEventListener("click", () => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    fit();
  });
  form.addEventListener("submit", () => {
    if (field) field.value = drawn ? canvas.toDataURL("image/png") : "";
  });
  fit();
})();

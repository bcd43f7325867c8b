// Subject page: withdrawing asks first, saying how many published items will be taken down, then calls the API.
(() => {
  "use strict";
  const form = document.getElementById("withdraw");
  if (!form) return;
  const status = document.getElementById("withdraw-status");
  form.addEventListener("submit", async e => {
    e.preventDefault();
    if (!window.confirm(form.dataset.confirm)) return;
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const response = await fetch(form.dataset.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ withdrawn_on: form.elements.withdrawn_on.value }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) { status.textContent = form.dataset.done; window.location.reload(); return; }
      status.textContent = body.errors ? Object.values(body.errors).flat().join("; ") : (body.detail || response.status);
    } catch (error) {
      status.textContent = error.message;
    }
    button.disabled = false;
  });
})();

// Review page: "check again" asks the API to screen one item again now and shows its new state.
(() => {
  "use strict";
  const list = document.getElementById("review");
  if (!list) return;
  list.addEventListener("click", async e => {
    const button = e.target.closest("button[data-rescreen]");
    if (!button) return;
    button.disabled = true;
    const status = button.nextElementSibling;
    try {
      const response = await fetch(`${list.dataset.api}/items/${button.dataset.rescreen}/rescreen`, { method: "POST", credentials: "same-origin" });
      const body = await response.json().catch(() => ({}));
      status.textContent = response.ok ? `${list.dataset.done}: ${body.state}` : (body.detail || response.status);
    } catch (error) {
      status.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
})();

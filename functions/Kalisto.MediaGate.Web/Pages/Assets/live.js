// Keeps a server-rendered list up to date: fetches it again every few seconds and swaps it in when it changed.
(() => {
  "use strict";
  const live = document.getElementById("live");
  if (!live) return;
  let last = live.innerHTML;
  async function refresh() {
    try {
      const response = await fetch(live.dataset.source, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (response.ok) {
        const html = await response.text();
        if (html !== last) { live.innerHTML = html; last = html; }
      }
    } catch { /* offline for a moment: the next round tries again */ }
    setTimeout(refresh, document.hidden ? 15000 : 3000);
  }
  setTimeout(refresh, 3000);
})();

// The gallery's "select all": shown only with scripts on (without them each card's checkbox still works).
(() => {
  "use strict";
  const all = document.getElementById("select-all");
  if (!all) return;
  all.hidden = false;
  all.addEventListener("click", () => {
    for (const box of document.querySelectorAll(".selection input[name='key']")) box.checked = true;
  });
})();

// Import page: sends the chosen CSV file as it is (text/csv) to the API and shows its answer: the counts, or every
// error by line and field with the plain statement that nothing was changed.
(() => {
  "use strict";
  const form = document.getElementById("import");
  if (!form) return;
  const status = document.getElementById("import-status");
  const result = document.getElementById("import-result");
  const fill = (template, ...values) => template.replace(/\{(\d)\}/g, (_, i) => String(values[Number(i)]));
  const paragraph = text => { const p = document.createElement("p"); p.textContent = text; return p; };
  const list = (items, describe) => {
    const ul = document.createElement("ul");
    for (const item of items) { const li = document.createElement("li"); li.textContent = describe(item); ul.append(li); }
    return ul;
  };
  // The API names an error "line 3, valid_from" (or "line 3" for the row as a whole).
  const place = key => {
    const match = /^line (\d+)(?:, (.+))?$/.exec(key);
    return match ? fill(form.dataset.line, match[1]) + (match[2] ? ` · ${match[2]}` : "") : key;
  };

  form.addEventListener("submit", async e => {
    e.preventDefault();
    const file = form.elements.file.files[0];
    result.replaceChildren();
    if (!file) { status.replaceChildren(paragraph(form.dataset.noFile)); return; }
    const button = form.querySelector("button");
    button.disabled = true;
    status.replaceChildren(paragraph(form.dataset.busy));
    try {
      const response = await fetch(form.dataset.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "text/csv" },
        body: await file.arrayBuffer(),
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        const warnings = answer.warnings || [];
        status.replaceChildren(paragraph(fill(form.dataset.done, answer.added, answer.changed, answer.unchanged, warnings.length)));
        if (warnings.length > 0) {
          const title = document.createElement("h2");
          title.textContent = form.dataset.warnings;
          result.replaceChildren(title, list(warnings, w => `${w.line ? fill(form.dataset.line, w.line) + " · " : ""}${w.subject_id}: ${w.message}`));
        }
      } else if (response.status === 400 && answer.errors) {
        const errors = Object.entries(answer.errors).flatMap(([key, messages]) => [].concat(messages).map(m => [key, m]));
        status.replaceChildren(paragraph(fill(form.dataset.errors, errors.length)), list(errors, ([key, m]) => `${place(key)}: ${m}`));
      } else if (response.status === 409) {
        status.replaceChildren(paragraph(form.dataset.conflict));
      } else {
        status.replaceChildren(paragraph(fill(form.dataset.failed, answer.detail || response.status)));
      }
    } catch (error) {
      status.replaceChildren(paragraph(fill(form.dataset.failed, error.message)));
    }
    button.disabled = false;
  });
})();

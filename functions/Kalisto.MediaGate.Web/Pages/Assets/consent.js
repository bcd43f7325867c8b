// Register and subject pages: adds or changes one consent record through the API (PUT with the version read, 0 for a
// new person, so the API never overwrites a change made meanwhile). Asks first when a change takes a channel away or
// shortens the period; shows the API's errors at their fields and in the form's status region.
(() => {
  "use strict";
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  for (const form of document.querySelectorAll("form.consent-form")) {
    const status = document.getElementById(form.dataset.status);
    const field = name => form.elements.namedItem(name);

    const clearErrors = () => {
      for (const p of form.querySelectorAll(".field-error")) p.textContent = "";
      for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
      status.replaceChildren();
    };

    // A field's name as the form shows it (its label or legend), else the API's name of it.
    const named = key => {
      const label = form.querySelector(`label[for="${form.id}-${key}"]`);
      const legend = document.getElementById(`${form.id}-${key}-error`)?.closest("fieldset")?.querySelector("legend");
      return (label || legend)?.textContent.trim() || key;
    };

    // Each error at its field when the form has one, and every error in the status region too.
    const showErrors = errors => {
      const list = document.createElement("ul");
      for (const [key, messages] of Object.entries(errors)) {
        const text = [].concat(messages).join("; ");
        const place = document.getElementById(`${form.id}-${key}-error`);
        if (place) {
          place.textContent = text;
          const input = field(key);
          if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
        }
        const item = document.createElement("li");
        item.textContent = `${named(key)}: ${text}`;
        list.append(item);
      }
      const lead = document.createElement("p");
      lead.textContent = form.dataset.invalid;
      status.replaceChildren(lead, list);
    };

    const say = text => {
      const p = document.createElement("p");
      p.textContent = text;
      status.replaceChildren(p);
    };

    form.addEventListener("submit", async e => {
      e.preventDefault();
      clearErrors();
      const channels = [...form.querySelectorAll("input[name=channels]:checked")].map(c => c.value);
      const body = {
        kind: form.dataset.kind || field("kind").value,
        display_name: field("display_name").value,
        channels,
        valid_from: field("valid_from").value,
        valid_until: field("valid_until").value,
        withdrawn_on: form.dataset.withdrawnOn || null,
        evidence: field("evidence").value,
        version: Number(form.dataset.version),
      };
      const subject = field("subject_id") ? field("subject_id").value.trim().toUpperCase() : null;
      if (subject !== null && subject.length === 0) {
        showErrors({ subject_id: [field("subject_id").validationMessage || "?"] });
        return;
      }

      // A narrower consent re-screens what is published with this person and takes down what it no longer allows.
      if (form.dataset.narrower) {
        const before = form.dataset.channels ? form.dataset.channels.split(";") : [];
        const removed = before.some(c => !channels.includes(c));
        const shorter = (body.valid_until && body.valid_until < form.dataset.validUntil) || (body.valid_from && body.valid_from > form.dataset.validFrom);
        const unchanged = same(before, channels) && body.valid_from === form.dataset.validFrom && body.valid_until === form.dataset.validUntil;
        if (!unchanged && (removed || shorter) && !window.confirm(form.dataset.narrower)) return;
      }

      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const address = subject === null ? form.dataset.api : form.dataset.api + encodeURIComponent(subject);
        const response = await fetch(address, {
          method: "PUT",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
        const answer = await response.json().catch(() => ({}));
        if (response.ok) {
          say(form.dataset.saved);
          if (subject === null) window.location.reload();
          else window.location.assign(form.dataset.page + encodeURIComponent(answer.subject_id || subject));
          return;
        }
        if (response.status === 409 || response.status === 412) say(form.dataset.conflict);
        else if (response.status === 400 && answer.errors) showErrors(answer.errors);
        else say(form.dataset.failed.replace("{0}", answer.detail || response.status));
      } catch (error) {
        say(form.dataset.failed.replace("{0}", error.message));
      }
      button.disabled = false;
    });
  }
})();

// MediaGate upload page: each file goes straight to storage with its own upload URL, with progress and a retry.
// Dependency-free on purpose: the product has no build step for the browser.
(() => {
  "use strict";
  const root = document.getElementById("uploader");
  if (!root) return;
  const api = root.dataset.api;
  const queue = document.getElementById("queue");
  const folderInput = document.getElementById("folder");
  const text = (name, value) => (root.dataset[name] || name).replace("{0}", value ?? "");
  const attempts = 4;

  function row(file, folder) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = (folder ? folder + "/" : "") + file.name;
    const progress = document.createElement("progress");
    progress.max = 100; progress.value = 0;
    progress.setAttribute("aria-label", file.name);
    const status = document.createElement("span");
    status.className = "status";
    status.textContent = text("waiting");
    li.append(name, progress, status);
    queue.append(li);
    return { li, progress, status };
  }

  async function grant(file, folder) {
    const response = await fetch(api + "/uploads", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(folder ? { file_name: file.name, folder, size: file.size } : { file_name: file.name, size: file.size }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const errors = body.errors ? Object.values(body.errors).flat().join("; ") : (body.detail || response.status);
      throw Object.assign(new Error(errors), { final: response.status < 500 });
    }
    return body;
  }

  function put(url, headers, file, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
      xhr.upload.onprogress = e => { if (e.lengthComputable) onProgress(Math.round(100 * e.loaded / e.total)); };
      xhr.onload = () => xhr.status >= 200 && xhr.status < 300 ? resolve()
        : reject(Object.assign(new Error(String(xhr.status)), { final: xhr.status >= 400 && xhr.status < 500 && xhr.status !== 403 && xhr.status !== 408 }));
      xhr.onerror = () => reject(new Error("network"));
      xhr.send(file);
    });
  }

  async function send(file, folder, view) {
    for (let attempt = 1; ; attempt++) {
      try {
        // A new URL every attempt: the last one may have expired, and each creates its blob only once.
        const granted = await grant(file, folder);
        view.status.textContent = text("sending", "0");
        await put(granted.url, granted.headers, file, p => { view.progress.value = p; view.status.textContent = text("sending", p); });
        view.progress.value = 100;
        view.status.textContent = text("done");
        view.li.classList.add("done");
        return;
      } catch (error) {
        if (error.final || attempt >= attempts) {
          view.status.textContent = text("failed", error.message);
          const again = document.createElement("button");
          again.type = "button"; again.className = "secondary"; again.textContent = text("retry");
          again.addEventListener("click", () => { again.remove(); send(file, folder, view); });
          view.li.append(again);
          return;
        }
        view.status.textContent = text("retrying");
        await new Promise(r => setTimeout(r, 1000 * 2 ** (attempt - 1)));
      }
    }
  }

  function folderOf(file) {
    const typed = folderInput.value.trim().replace(/^\/+|\/+$/g, "");
    const relative = (file.webkitRelativePath || "").split("/").slice(0, -1).join("/");
    return [typed, relative].filter(Boolean).join("/");
  }

  async function start(files) {
    const jobs = [...files].map(file => ({ file, folder: folderOf(file) }));
    const views = jobs.map(j => row(j.file, j.folder));
    // Three at a time: a classroom's worth of photos without flooding a school's connection.
    let next = 0;
    const worker = async () => { while (next < jobs.length) { const i = next++; await send(jobs[i].file, jobs[i].folder, views[i]); } };
    await Promise.all([worker(), worker(), worker()]);
  }

  async function filesOf(items) {
    const out = [];
    async function walk(entry, path) {
      if (entry.isFile) {
        const file = await new Promise((res, rej) => entry.file(res, rej));
        Object.defineProperty(file, "webkitRelativePath", { value: path + file.name });
        out.push(file);
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        for (;;) {
          const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
          if (batch.length === 0) break;
          for (const child of batch) await walk(child, path + entry.name + "/");
        }
      }
    }
    for (const item of items) {
      const entry = item.webkitGetAsEntry && item.webkitGetAsEntry();
      if (entry) await walk(entry, "");
      else if (item.getAsFile()) out.push(item.getAsFile());
    }
    return out;
  }

  const drop = document.getElementById("drop");
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async e => { e.preventDefault(); drop.classList.remove("over"); start(await filesOf([...e.dataTransfer.items])); });
  drop.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); document.getElementById("files").click(); } });
  drop.addEventListener("click", () => document.getElementById("files").click());
  for (const id of ["files", "directory"]) {
    document.getElementById(id).addEventListener("change", e => { start(e.target.files); e.target.value = ""; });
  }
})();

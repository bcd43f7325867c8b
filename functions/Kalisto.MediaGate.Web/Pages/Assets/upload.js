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

  // One request to storage with progress; rejects with .status, and .final when trying again cannot help.
  function request(url, headers, body, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = e => { if (e.lengthComputable) onProgress(e.loaded); };
      xhr.onload = () => xhr.status >= 200 && xhr.status < 300 ? resolve()
        : reject(Object.assign(new Error(String(xhr.status)), { status: xhr.status, final: xhr.status >= 400 && xhr.status < 500 && xhr.status !== 403 && xhr.status !== 408 }));
      xhr.onerror = () => reject(new Error("network"));
      xhr.send(body);
    });
  }

  function put(granted, file, onProgress) {
    const headers = { ...granted.headers, "Content-Type": file.type || "application/octet-stream" };
    return request(granted.url, headers, file, loaded => onProgress(loaded / (file.size || 1)));
  }

  const blockId = i => btoa("block-" + String(i).padStart(6, "0"));

  // A large file in blocks (Put Block, then Put Block List): a hiccup costs one block, which is sent again on the same
  // URL; the list is committed once every block is there. Storage that refuses blocks (403 on the first, as the local
  // emulator does for an upload URL) gets the file in one PUT instead.
  async function putInBlocks(granted, file, onProgress) {
    const size = granted.block_size;
    const count = Math.max(1, Math.ceil(file.size / size));
    const url = i => granted.url + "&comp=block&blockid=" + encodeURIComponent(blockId(i));
    for (let i = 0; i < count; i++) {
      const from = i * size, block = file.slice(from, Math.min(file.size, from + size));
      try {
        // A 403 is not tried again here: blocks refused, or the URL expired (then the whole file starts again).
        await again(() => request(url(i), {}, block, loaded => onProgress((from + loaded) / (file.size || 1)))
          .catch(error => { if (error.status === 403) error.final = true; throw error; }));
      } catch (error) {
        if (i === 0 && error.status === 403) return put(granted, file, onProgress);
        if (error.status === 403) error.final = false;
        throw error;
      }
    }
    const list = '<?xml version="1.0" encoding="utf-8"?><BlockList>'
      + Array.from({ length: count }, (_, i) => "<Latest>" + blockId(i) + "</Latest>").join("") + "</BlockList>";
    const headers = { ...granted.headers, "x-ms-blob-content-type": file.type || "application/octet-stream", "If-None-Match": "*", "Content-Type": "application/xml" };
    delete headers["x-ms-blob-type"];
    let tried = false;
    await again(async () => {
      try {
        await request(granted.url + "&comp=blocklist", headers, list, () => {});
      } catch (error) {
        // Committed by the attempt whose answer was lost: the URL names a new blob that only this page writes.
        if (tried && (error.status === 409 || error.status === 412)) return;
        tried = true;
        throw error;
      }
    });
  }

  // Up to four tries of one request, waiting 1, 2, 4 s between them, unless trying again cannot help.
  async function again(action) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await action();
      } catch (error) {
        if (error.final || attempt >= attempts) throw error;
        await new Promise(r => setTimeout(r, 1000 * 2 ** (attempt - 1)));
      }
    }
  }

  async function send(file, folder, view) {
    for (let attempt = 1; ; attempt++) {
      try {
        // A new URL every attempt: the last one may have expired, and each creates its blob only once.
        const granted = await grant(file, folder);
        view.status.textContent = text("sending", "0");
        const progress = fraction => { const p = Math.min(100, Math.round(100 * fraction)); view.progress.value = p; view.status.textContent = text("sending", p); };
        await (granted.block_size && file.size > granted.block_size ? putInBlocks(granted, file, progress) : put(granted, file, progress));
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

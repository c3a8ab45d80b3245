// Keeps a background run's progress up to date while the page is open. The page works without
// it (a "Check progress" link reloads it); this fetches the same page every few seconds, copies
// the new progress into the status region (announced by screen readers as it changes) and
// reloads once the run has finished, so the results appear. A file, not an inline script, so
// the Content Security Policy can forbid inline scripts.
const SELECTOR = "[data-run-progress]";
const INTERVAL_MS = 3000;

const region = document.querySelector(SELECTOR);

async function poll() {
  try {
    const response = await fetch(window.location.href, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (response.ok) {
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector(SELECTOR);
      if (fresh && fresh.dataset.runFinished === "true") {
        window.location.reload();
        return;
      }
      if (fresh && fresh.textContent.trim() !== region.textContent.trim()) {
        region.replaceChildren(...Array.from(fresh.childNodes, (node) => document.importNode(node, true)));
      }
    }
  } catch {
    // A dropped connection is not worth a message: try again at the next tick.
  }
  window.setTimeout(poll, INTERVAL_MS);
}

if (region && region.dataset.runFinished !== "true") {
  window.setTimeout(poll, INTERVAL_MS);
}

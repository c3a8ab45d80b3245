// Progressive enhancement for the review queue and coding runs. Every action is a plain HTML
// form that works without this file; here we add keyboard shortcuts (which people can turn off:
// WCAG 2.1.4), a filter for the long list of themes, and progress that refreshes itself.
// Loaded as a module from our own origin, so the Content Security Policy needs no exception.

const STORAGE_KEY = "ehl-review-shortcuts";

function shortcutsOn() {
  try {
    return window.localStorage.getItem(STORAGE_KEY) !== "off";
  } catch {
    return true;
  }
}

function setShortcuts(on) {
  try {
    window.localStorage.setItem(STORAGE_KEY, on ? "on" : "off");
  } catch {
    // Private browsing without storage: the choice lasts for this page only.
  }
}

function typingIn(target) {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName))
  );
}

function initShortcuts(root) {
  const cards = Array.from(root.querySelectorAll("[data-review-suggestion]"));
  const panel = root.querySelector("[data-review-shortcuts]");
  const toggle = root.querySelector("[data-review-shortcuts-toggle]");
  let enabled = shortcutsOn();
  if (panel) panel.hidden = false;
  if (toggle) {
    toggle.checked = enabled;
    toggle.addEventListener("change", () => {
      enabled = toggle.checked;
      setShortcuts(enabled);
    });
  }

  const current = () => cards.findIndex((card) => card.contains(document.activeElement));
  const focusCard = (index) => {
    if (!cards.length) return;
    const card = cards[Math.max(0, Math.min(cards.length - 1, index))];
    card.focus();
    card.scrollIntoView({ block: "nearest" });
  };
  const press = (selector) => {
    const button = root.querySelector(selector);
    if (button) button.click();
  };
  const onCard = (action) => {
    const card = cards[current() >= 0 ? current() : 0];
    const button = card && card.querySelector(`[data-review-action="${action}"]`);
    if (button) button.click();
  };

  document.addEventListener("keydown", (event) => {
    if (!enabled || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (typingIn(event.target)) return;
    const key = event.key;
    let handled = true;
    if (key === "j") focusCard(current() + 1);
    else if (key === "k") focusCard(current() < 0 ? 0 : current() - 1);
    else if (/^[1-9]$/.test(key)) focusCard(Number(key) - 1);
    else if (key === "a") onCard("accept");
    else if (key === "r") onCard("reject");
    else if (key === "q") press('[data-review-action="quote"]');
    else if (key === "d") press('[data-review-action="done"]');
    else if (key === "s") press('[data-review-action="skip"]');
    else if (key === "t") {
      const filter = root.querySelector("[data-review-theme-filter]");
      if (filter) filter.focus();
    } else handled = false;
    if (handled) event.preventDefault();
  });
}

// A text box above the "add a code" select that narrows its options as you type.
function initThemeFilter(root) {
  const select = root.querySelector("[data-review-add-theme]");
  if (!select) return;
  const group = select.closest(".govuk-form-group");
  const id = `${select.id}-filter`;
  const label = document.createElement("label");
  label.className = "govuk-label govuk-label--s";
  label.htmlFor = id;
  label.textContent = "Find a theme";
  const input = document.createElement("input");
  input.className = "govuk-input govuk-!-width-two-thirds govuk-!-margin-bottom-2";
  input.id = id;
  input.type = "search";
  input.autocomplete = "off";
  input.setAttribute("data-review-theme-filter", "");
  input.setAttribute("aria-controls", select.id);
  const count = document.createElement("p");
  count.className = "govuk-visually-hidden";
  count.setAttribute("role", "status");
  group.insertBefore(count, group.firstChild);
  group.insertBefore(input, group.firstChild);
  group.insertBefore(label, group.firstChild);

  const options = Array.from(select.querySelectorAll("option")).filter((o) => o.value);
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    let first = null;
    for (const option of options) {
      const text = `${option.parentElement.label || ""} ${option.textContent}`.toLowerCase();
      const match = words.every((word) => text.includes(word));
      option.hidden = !match;
      option.disabled = !match;
      if (match) {
        shown += 1;
        first = first || option;
      }
    }
    for (const optgroup of select.querySelectorAll("optgroup")) {
      optgroup.hidden = !Array.from(optgroup.children).some((o) => !o.hidden);
    }
    if (first && (select.selectedOptions[0]?.hidden || !select.value)) select.value = first.value;
    count.textContent = `${shown} theme${shown === 1 ? "" : "s"} match`;
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      // Enter in the search box adds the theme it found, as the button would.
      event.preventDefault();
      if (select.value) select.form.requestSubmit(select.form.querySelector('[value="add"]'));
    }
  });
}

// Progress of a coding run: fetch the page again every few seconds and replace the region.
function initPolling() {
  const region = document.querySelector("[data-review-poll]");
  if (!region) return;
  const refresh = async () => {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(region.id);
      if (!fresh) return;
      region.innerHTML = fresh.innerHTML;
      if (fresh.hasAttribute("data-review-poll")) window.setTimeout(refresh, 3000);
    } catch {
      // Offline for a moment: the "check progress again" link still works.
    }
  };
  window.setTimeout(refresh, 3000);
}

const root = document.querySelector("[data-review]");
if (root) {
  initShortcuts(root);
  initThemeFilter(root);
}
initPolling();

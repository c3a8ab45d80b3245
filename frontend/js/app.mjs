// Progressive enhancement for GOV.UK Frontend components. Loaded as a module so that browsers
// too old for the components keep the plain, working HTML. Kept out of inline <script> tags so
// the Content Security Policy can forbid inline scripts altogether.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// The work-area menu folds away on a phone (it would fill the first screen) and stays open on
// wider screens, where its toggle is hidden. Without this script it is simply always open.
const workNav = document.querySelector("[data-app-work-nav]");
if (workNav) {
  const phone = window.matchMedia("(max-width: 40.0525em)");
  const fit = () => {
    workNav.open = !phone.matches;
  };
  fit();
  phone.addEventListener("change", fit);
}

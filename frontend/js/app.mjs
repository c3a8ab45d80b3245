// Progressive enhancement for GOV.UK Frontend components. Loaded as a module so that browsers
// too old for the components keep the plain, working HTML. Kept out of inline <script> tags so
// the Content Security Policy can forbid inline scripts altogether.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

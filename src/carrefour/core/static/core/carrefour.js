// Carrefour progressive enhancements. Every page works without this file.
// htmx requests carry the CSRF token read from the cookie-less meta tag.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector("meta[name=csrf-token]");
  if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
});

// Small behaviours of the shell; the rest of the interactivity comes from htmx attributes.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-menu-toggle]");
  const dropdown = document.getElementById("search-dropdown");
  if (dropdown && !event.target.closest(".global-search")) dropdown.innerHTML = "";
  if (toggle) {
    const sidebar = document.getElementById("sidebar");
    const open = sidebar.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    const dropdown = document.getElementById("search-dropdown");
    if (dropdown) dropdown.innerHTML = "";
  }
});

// Kanban drag and drop: dropping a card on another column posts the card's own move form (the same
// request as its « Déplacer » button), then the board returned by the server replaces the old one.
// Event delegation on the document: nothing to re-attach after a swap. Touch screens use the form.
(() => {
  let dragged = null;

  const columnOf = (event) => event.target.closest?.("[data-board] [data-stage]");
  const clearTargets = () => document.querySelectorAll(".drop-target").forEach((el) => el.classList.remove("drop-target"));

  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest?.("[data-card][draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.card);
  });

  document.addEventListener("dragend", () => {
    dragged?.classList.remove("dragging");
    dragged = null;
    clearTargets();
  });

  document.addEventListener("dragover", (event) => {
    const column = columnOf(event);
    if (!dragged || !column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearTargets();
    column.classList.add("drop-target");
  });

  document.addEventListener("drop", async (event) => {
    const column = columnOf(event);
    if (!dragged || !column) return;
    event.preventDefault();
    clearTargets();
    const form = dragged.querySelector("form[data-move]");
    if (!form || form.elements.stage.value === column.dataset.stage) return;
    form.elements.stage.value = column.dataset.stage;
    dragged.classList.add("moving");
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form), // carries the CSRF token and the card's version
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    });
    const redirect = response.headers.get("HX-Redirect");
    if (redirect) {
      window.location.assign(redirect); // « perdue » asks for the reason on its own page
      return;
    }
    const board = document.getElementById("board");
    board.outerHTML = await response.text();
    window.htmx?.process(document.getElementById("board"));
  });
})();

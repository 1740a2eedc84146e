// Lettering page: the running balance of the ticked lines, in euros, as the user ticks them.
document.querySelectorAll("[data-lettering]").forEach((form) => {
  const out = form.querySelector("[data-selection]");
  if (!out) return;
  form.addEventListener("change", () => {
    let cents = 0;
    form.querySelectorAll("input[name=lignes]:checked").forEach((box) => {
      cents += Math.round(Number(box.dataset.debit) * 100) - Math.round(Number(box.dataset.credit) * 100);
    });
    out.textContent = (cents / 100).toLocaleString("fr-FR", { style: "currency", currency: "EUR" });
  });
});

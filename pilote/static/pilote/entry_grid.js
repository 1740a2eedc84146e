// Entry grid: running totals and balance, "add a line", Enter moves to the next field.
(() => {
  const form = document.querySelector("[data-entry-grid]");
  if (!form) return;
  const body = form.querySelector("[data-lines]");
  const total = form.querySelector("[data-management-form], input[name$='-TOTAL_FORMS']");
  const parse = (v) => { const n = Number(String(v || "").replace(/\s/g, "").replace(",", ".")); return Number.isFinite(n) ? Math.round(n * 100) : 0; };
  const fmt = (cents) => (cents / 100).toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const refresh = () => {
    let debit = 0, credit = 0;
    body.querySelectorAll("input.debit").forEach((i) => { debit += parse(i.value); });
    body.querySelectorAll("input.credit").forEach((i) => { credit += parse(i.value); });
    form.querySelector("[data-total=debit]").textContent = fmt(debit);
    form.querySelector("[data-total=credit]").textContent = fmt(credit);
    const balance = form.querySelector("[data-balance]");
    balance.textContent = fmt(debit - credit);
    balance.classList.toggle("unbalanced", debit !== credit);
  };
  const addLine = () => {
    const rows = body.querySelectorAll("[data-line]");
    const clone = rows[rows.length - 1].cloneNode(true);
    const index = Number(total.value);
    clone.querySelectorAll("input").forEach((input) => {
      input.name = input.name.replace(/-\d+-/, `-${index}-`);
      input.id = input.id.replace(/-\d+-/, `-${index}-`);
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
    clone.querySelectorAll("label").forEach((label) => {
      label.htmlFor = label.htmlFor.replace(/-\d+-/, `-${index}-`);
      const number = label.querySelector("span");
      if (number) number.textContent = `, ligne ${index + 1}`;
    });
    clone.querySelectorAll(".errorlist, .line-error").forEach((e) => e.remove());
    body.appendChild(clone);
    total.value = index + 1;
    clone.querySelector("input").focus();
  };
  form.addEventListener("input", refresh);
  form.querySelector("[data-add-line]").addEventListener("click", addLine);
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !["INPUT", "SELECT"].includes(event.target.tagName)) return;
    event.preventDefault();
    const fields = [...form.querySelectorAll("input:not([type=hidden]), select")];
    const next = fields[fields.indexOf(event.target) + 1];
    if (next) next.focus(); else addLine();
  });
  refresh();
})();

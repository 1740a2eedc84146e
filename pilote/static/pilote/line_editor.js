// Sales line editor: choosing an article fills the row; add/remove rows; running totals computed like
// the server (line net rounded to the cent, VAT per rate on the summed nets, half away from zero).
(() => {
  const editor = document.querySelector("[data-line-editor]");
  if (!editor) return;
  const catalogue = JSON.parse(document.getElementById("catalogue-data").textContent || "{}");
  const body = editor.querySelector("[data-lines]");
  const total = editor.querySelector("input[name$='-TOTAL_FORMS']");
  const num = (v) => { const n = Number(String(v || "").replace(/[\s\u202f]/g, "").replace(",", ".")); return Number.isFinite(n) ? n : 0; };
  const roundHalfAway = (x) => Math.sign(x) * Math.round(Math.abs(x));
  const fmt = (cents) => (cents / 100).toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + "\u00a0€";
  const field = (row, name) => row.querySelector(`[name$='-${name}']`);
  const refresh = () => {
    const bases = {};
    body.querySelectorAll("[data-line]").forEach((row) => {
      const del = field(row, "DELETE");
      const q = num(field(row, "quantity").value), p = num(field(row, "unit_price").value);
      const d = num(field(row, "discount_percent").value);
      const netPrice = Math.round(p * (100 - d) / 100 * 10000) / 10000;
      const cents = roundHalfAway(q * netPrice * 100);
      row.querySelector("[data-net]").textContent = fmt(cents);
      row.classList.toggle("deleted", !!(del && del.checked));
      if (del && del.checked) return;
      const rate = field(row, "vat_rate").value;
      bases[rate] = (bases[rate] || 0) + cents;
      row.querySelector(".mention").hidden = rate !== "0.00";
    });
    let net = 0, vat = 0;
    Object.entries(bases).forEach(([rate, cents]) => { net += cents; vat += roundHalfAway(cents * Number(rate) / 100); });
    editor.querySelector("[data-total-net]").textContent = fmt(net);
    editor.querySelector("[data-total-vat]").textContent = fmt(vat);
    editor.querySelector("[data-total-gross]").textContent = fmt(net + vat);
  };
  const fill = (row) => {
    const item = catalogue[field(row, "product").value];
    if (!item) return;
    field(row, "description").value = item.description;
    field(row, "unit").value = item.unit;
    field(row, "unit_price").value = item.price.replace(".", ",");
    field(row, "vat_rate").value = item.vat;
    field(row, "exemption_mention").value = item.mention;
    field(row, "kind").value = item.kind;
    if (!field(row, "quantity").value) field(row, "quantity").value = "1";
  };
  body.addEventListener("change", (event) => {
    const row = event.target.closest("[data-line]");
    if (row && event.target.name.endsWith("-product")) fill(row);
    refresh();
  });
  body.addEventListener("input", refresh);
  editor.querySelector("[data-add-line]").addEventListener("click", () => {
    const rows = body.querySelectorAll("[data-line]");
    const clone = rows[rows.length - 1].cloneNode(true);
    const index = Number(total.value);
    clone.querySelectorAll("input, select").forEach((input) => {
      input.name = input.name.replace(/-\d+-/, `-${index}-`);
      input.id = input.id.replace(/-\d+-/, `-${index}-`);
      if (input.type === "checkbox") input.checked = false;
      else if (input.name.endsWith("-product")) input.value = "";  // the article picker's hidden input
      else if (input.name.endsWith("-exemption_mention")) input.selectedIndex = 0;
      else if (input.tagName === "SELECT") input.value = input.querySelector("option").value;
      else input.value = "";
    });
    clone.querySelectorAll("[data-picker-list]").forEach((list) => { list.innerHTML = ""; list.hidden = true; list.removeAttribute("id"); });
    clone.classList.remove("deleted");
    body.appendChild(clone);
    total.value = index + 1;
    clone.querySelector("select, input:not([type=hidden])").focus();
    refresh();
  });
  refresh();
})();

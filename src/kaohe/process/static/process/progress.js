// The progress report form (kaohe.process): show the slider's percent as it moves, and move
// it to 100 when 已完成 is tapped (the server sets 100 for a done milestone in any case).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-progress]");
  if (!form) return;
  const range = form.querySelector("input[name=percent]");
  const output = form.querySelector("output[data-percent]");
  const show = () => { output.textContent = `${range.value}%`; };
  range.addEventListener("input", show);
  for (const radio of form.querySelectorAll("input[name=status]")) {
    radio.addEventListener("change", () => {
      if (radio.checked && radio.value === "done") { range.value = "100"; show(); }
    });
  }
  show();
});

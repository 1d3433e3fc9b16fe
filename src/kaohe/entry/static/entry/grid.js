/* Data entry grid (kaohe.entry): keyboard moves and pasting a column from Excel.
 *
 * Enter or ↓ moves to the next row, ↑ to the previous one, Tab works as usual, Ctrl+Enter
 * saves. Pasting several lines (a column copied from Excel) fills the rows from the focused
 * one down, one line per row, taking the first cell of each line. Nothing here validates a
 * value: the server checks every row with the builder's rule and answers with the messages.
 * Listeners sit on the document, so a grid swapped in by HTMX needs no new binding.
 */
(function () {
  "use strict";

  var CELL = "input[data-grid-cell]";

  function cells(from) {
    var grid = from.closest("[data-grid]");
    return grid ? Array.prototype.slice.call(grid.querySelectorAll(CELL)) : [];
  }

  function focusCell(list, index) {
    if (index < 0 || index >= list.length) return;
    list[index].focus();
    list[index].select();
  }

  function markChanged(cell) {
    var changed = cell.value.trim() !== (cell.getAttribute("data-stored") || "");
    cell.classList.toggle("changed", changed);
  }

  // Status texts come translated from the template (data-msg-NAME and data-msg-NAME-one on
  // the grid form), so the page speaks the user's language; {count} is filled in here.
  function message(cell, name, count) {
    var grid = cell.closest("[data-grid]");
    if (!grid) return "";
    var text = (count === 1 && grid.getAttribute("data-msg-" + name + "-one")) ||
      grid.getAttribute("data-msg-" + name) || "";
    return text.replace("{count}", String(count));
  }

  function announce(cell, text) {
    var grid = cell.closest("[data-grid]");
    var status = grid && grid.querySelector("[data-grid-status]");
    if (status) status.textContent = text;
  }

  document.addEventListener("keydown", function (event) {
    var cell = event.target;
    if (!(cell instanceof HTMLInputElement) || !cell.matches(CELL)) return;
    if (event.isComposing || event.keyCode === 229) return; // an IME is composing Chinese
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      var form = cell.form;
      if (form) {
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      }
      return;
    }
    var list = cells(cell);
    var index = list.indexOf(cell);
    if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault(); // Enter would submit the form
      focusCell(list, index + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      focusCell(list, index - 1);
    }
  });

  document.addEventListener("paste", function (event) {
    var cell = event.target;
    if (!(cell instanceof HTMLInputElement) || !cell.matches(CELL)) return;
    var data = event.clipboardData || window.clipboardData;
    if (!data) return;
    var text = data.getData("text/plain") || data.getData("text");
    if (text.indexOf("\n") < 0 && text.indexOf("\r") < 0 && text.indexOf("\t") < 0) return;
    event.preventDefault();
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop(); // Excel's last newline
    var list = cells(cell);
    var start = list.indexOf(cell);
    var filled = 0;
    lines.forEach(function (line, offset) {
      var target = list[start + offset];
      if (!target || target.readOnly) return;
      target.value = line.split("\t")[0].trim();
      markChanged(target);
      filled += 1;
    });
    var left = lines.length - filled;
    var text = message(cell, "pasted", filled);
    if (left > 0) text += message(cell, "overflow", left);
    announce(cell, text);
    focusCell(list, Math.min(start + filled, list.length) - 1);
  });

  document.addEventListener("input", function (event) {
    var cell = event.target;
    if (cell instanceof HTMLInputElement && cell.matches(CELL)) markChanged(cell);
  });
})();

/* Paper ballot entry (纸质票录入): a keyboard-only grid.
 *
 * The serial first (Enter moves on), then one key per assessee: a digit 1..n is the n-th
 * option and moves to the next field by itself (0 = a spoiled mark); dimensions take one
 * digit per dimension; a score is typed whole (Enter or Tab moves on); a worst ballot takes
 * the printed numbers of the picks. Enter saves the ballot; the server answers (HTMX) with a
 * fresh grid, the next serial filled in and the focus on the first key. Backspace in an
 * empty field goes back one field; arrows move between fields. Nothing here decides what is
 * valid: the server checks every key and answers with the message at the field. The label
 * shown next to a key is only a typing aid.
 */
(function () {
  "use strict";

  var GRID = "[data-paper-grid]";
  var KEY = "input[data-paper-key]";
  var FULL_WIDTH = /[\uff01-\uff5e\u3000]/;

  function keys(grid) {
    return Array.prototype.slice.call(grid.querySelectorAll(KEY));
  }

  function options(grid) {
    var node = grid.querySelector("[data-paper-options]");
    try {
      return node ? JSON.parse(node.textContent) : [];
    } catch (e) {
      return [];
    }
  }

  function focusAt(list, index) {
    if (index < 0 || index >= list.length) return false;
    list[index].focus();
    list[index].select();
    return true;
  }

  function submit(grid) {
    if (grid.requestSubmit) grid.requestSubmit();
    else grid.submit();
  }

  function showLabel(input, labels) {
    var cell = input.parentNode;
    var label = cell && cell.querySelector("[data-paper-label]");
    if (!label) return;
    var value = input.value.trim();
    var text = "";
    var bad = false;
    if (FULL_WIDTH.test(value)) {
      text = "请用半角数字";
      bad = true;
    } else if (value === "0") {
      text = "作废";
    } else if (/^\d+$/.test(value) && +value >= 1 && +value <= labels.length) {
      text = labels[+value - 1];
    } else if (value !== "") {
      text = "无此选项";
      bad = true;
    }
    label.textContent = text;
    label.classList.toggle("bad", bad);
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches(KEY)) return;
    var grid = input.closest(GRID);
    if (!grid) return;
    if (event.isComposing || event.keyCode === 229) return; // an IME is composing
    var list = keys(grid);
    var index = list.indexOf(input);
    var kind = input.getAttribute("data-paper-key");
    if (event.key === "Enter") {
      event.preventDefault();
      if (kind === "serial") {
        focusAt(list, index + 1) || submit(grid);
      } else if (kind === "score" && index < list.length - 1) {
        focusAt(list, index + 1);
      } else {
        submit(grid);
      }
    } else if (event.key === "Backspace" && input.value === "" && kind !== "serial") {
      event.preventDefault();
      focusAt(list, index - 1);
    } else if ((kind === "grade" || kind === "dimensions") &&
               (event.key === "ArrowRight" || event.key === "ArrowDown")) {
      event.preventDefault();
      focusAt(list, index + 1);
    } else if ((kind === "grade" || kind === "dimensions") &&
               (event.key === "ArrowLeft" || event.key === "ArrowUp")) {
      event.preventDefault();
      focusAt(list, index - 1);
    }
  });

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches(KEY)) return;
    var grid = input.closest(GRID);
    var kind = input.getAttribute("data-paper-key");
    if (!grid || (kind !== "grade" && kind !== "dimensions")) return;
    var labels = options(grid);
    showLabel(input, labels);
    // A key that names no option stays selected: the clerk's next key replaces it instead of
    // being appended to it ("7" then "2" must read 2, not 72).
    if (/^\d$/.test(input.value) && +input.value > labels.length) {
      input.select();
      return;
    }
    // One key per mark: a single digit that names an option moves on (with ten or more
    // options a digit may be the first of two, so the clerk moves on with Tab).
    if (labels.length < 10 && /^\d$/.test(input.value) && +input.value <= labels.length) {
      var list = keys(grid);
      focusAt(list, list.indexOf(input) + 1);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // Where the clerk goes on: the first field with an error, else the first key when the
  // serial is already there (the next one, filled in), else the serial.
  function place(root, onLoad) {
    var grid = root.querySelector(GRID);
    if (!grid) return;
    var labels = options(grid);
    keys(grid).forEach(function (input) {
      var kind = input.getAttribute("data-paper-key");
      if (kind === "grade" || kind === "dimensions") showLabel(input, labels);
    });
    // A fast clerk may start typing before this script has run: leave the focus where it is
    // once they have (selected, typed, or moved on), or their keys would land in another field.
    if (onLoad && !untouched()) return;
    var list = keys(grid);
    var invalid = grid.querySelector(KEY + "[aria-invalid=true]");
    if (invalid) {
      invalid.focus();
      invalid.select();
    } else if (list.length > 1 && list[0].value.trim() !== "") {
      focusAt(list, 1);
    } else {
      focusAt(list, 0);
    }
  }

  // Whether the focus is still where the page put it (the serial, as rendered, no selection).
  function untouched() {
    var active = document.activeElement;
    if (!(active instanceof HTMLInputElement) || !active.matches(KEY)) return true;
    if (active.getAttribute("data-paper-key") !== "serial") return false;
    return active.value === active.defaultValue && active.selectionStart === active.selectionEnd;
  }

  // After htmx has settled the swap (it focuses the autofocus field itself on settling).
  function ready() {
    place(document, true);
    document.documentElement.setAttribute("data-paper-ready", ""); // for tests: keys handled
  }
  document.addEventListener("htmx:afterSettle", function () { place(document, false); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();

/* The ballot page's own checks (docs/voting.md): the same rules as
   kaohe.evaluation.ballot_form.check_ballot, so the voter is told before submitting that the
   ballot would be void; the server checks again. Also moves the code from the URL fragment
   (/v/#CODE, from the slip's QR) into the form, so it never reaches a server log. */
(function () {
  "use strict";

  // --- /v/#CODE: fill the code in, forget the fragment, submit (POST) ------------------------
  function codeFromFragment(isNew) {
    var fragment = decodeURIComponent((location.hash || "").replace(/^#/, "")).trim();
    if (!fragment) return;
    history.replaceState(null, "", location.pathname);
    var form = document.getElementById("code-form");
    // After an error the page shows it: a reload must not send the same code again.
    if (form && (isNew || !document.getElementById("vote-error"))) {
      document.getElementById("code").value = fragment;
      form.submit();
    } else if (!form) {
      // Another slip opened on a ballot page (a shared phone): load the start page with it
      // ("?" makes it a load, not a jump within this page; the code stays in the fragment).
      var start = document.querySelector(".vote").getAttribute("data-start");
      location.assign(start + "?#" + encodeURIComponent(fragment));
    }
  }
  codeFromFragment(false);
  // A second slip opened on this page changes only the fragment: no page load happens.
  window.addEventListener("hashchange", function () { codeFromFragment(true); });

  // --- the ballot ---------------------------------------------------------------------------
  var dataNode = document.getElementById("ballot-data");
  var ballot = document.getElementById("ballot-form");
  if (!dataNode || !ballot) return;
  var form = JSON.parse(dataNode.textContent);
  var warning = document.getElementById("vote-warning");
  var progress = document.getElementById("vote-progress");
  var button = document.getElementById("review-button");
  var labels = form.options.map(function (o) { return o.label; });
  var number = /^\d{1,6}(\.\d{1,2})?$/;
  var fullWidth = /[\uFF01-\uFF5E\u3000]/;

  function topLimit(k) {
    // max(1, floor(k × share)) on the share as written: integer numerator and denominator.
    if (!form.top_num_den) return null;
    return Math.max(1, Math.floor((k * form.top_num_den[0]) / form.top_num_den[1]));
  }

  function field(name) {
    var checked = ballot.querySelector('input[name="' + CSS.escape(name) + '"]:checked');
    if (checked) return checked.value;
    var text = ballot.querySelector('input[type="text"][name="' + CSS.escape(name) + '"]');
    return text ? text.value.trim() : "";
  }

  function check() {
    var problems = [];
    var marked = 0, tops = 0, picks = 0, empty = false;
    form.assessees.forEach(function (a) {
      var item = ballot.querySelector('.vote-item[data-code="' + CSS.escape(a.code) + '"]');
      var bad = false;
      if (form.kind === "worst") {
        if (item.querySelector('input[name="p"]').checked) picks += 1;
        return;
      }
      if (form.form === "dimensions") {
        var given = form.dimensions.filter(function (d) { return field("m." + a.code + "." + d.name); });
        if (given.length) {
          marked += 1;
          if (given.length < form.dimensions.length) {
            var missing = form.dimensions.filter(function (d) { return given.indexOf(d) < 0; })
              .map(function (d) { return d.name; });
            problems.push("“" + a.name + "”缺少“" + missing.join("、") + "”的评价");
            bad = true;
          } else if (form.dimensions.every(function (d) {
            return form.top.indexOf(field("m." + a.code + "." + d.name)) >= 0; })) {
            tops += 1;
          }
        }
      } else if (form.form === "score") {
        var text = field("m." + a.code);
        if (text) {
          marked += 1;
          if (fullWidth.test(text)) { problems.push("“" + a.name + "”的分数含全角字符，请用半角数字"); bad = true; }
          else if (!number.test(text)) { problems.push("“" + a.name + "”的分数格式不正确"); bad = true; }
          else if (parseFloat(text) > form.max) { problems.push("“" + a.name + "”的分数超出 0–" + form.max + " 分"); bad = true; }
          else if (parseFloat(text) === form.max) { tops += 1; }
        }
      } else {
        var label = field("m." + a.code);
        if (label) {
          marked += 1;
          if (labels.indexOf(label) < 0) { problems.push("“" + a.name + "”的评价不是本票的选项"); bad = true; }
          if (form.top.indexOf(label) >= 0) tops += 1;
        }
      }
      item.classList.toggle("void", bad);
    });
    if (form.kind === "worst") {
      if (form.max_picks !== null && picks > form.max_picks) {
        problems.push("最多可选 " + form.max_picks + " 个，现选了 " + picks + " 个，这样会成为废票");
      }
      progress.textContent = "已选 " + picks + " 个" + (form.max_picks !== null ? "（最多 " + form.max_picks + " 个）" : "");
    } else {
      var limit = topLimit(marked);
      if (limit !== null && tops > limit) {
        var top = form.top[0] || "最高等次";
        problems.unshift("“" + top + "”过多：本票评价了 " + marked + " 人，最多可评 " + limit +
          " 个“" + top + "”，现有 " + tops + " 个。这样会成为废票，请修改");
      }
      empty = !marked;  // not an error yet: the voter has just opened the ballot
      progress.textContent = "已评价 " + marked + " / " + form.assessees.length + " 人" +
        (limit !== null ? "，“" + (form.top[0] || "") + "” " + tops + " / 最多 " + limit : "");
    }
    warning.hidden = !problems.length;
    warning.innerHTML = "";
    if (problems.length) {
      var ul = document.createElement("ul");
      problems.forEach(function (p) { var li = document.createElement("li"); li.textContent = p; ul.appendChild(li); });
      var strong = document.createElement("strong");
      strong.textContent = "选票有问题，暂不能提交：";
      warning.appendChild(strong);
      warning.appendChild(ul);
    }
    button.disabled = problems.length > 0 || empty;
  }

  ballot.addEventListener("change", check);
  ballot.addEventListener("input", check);
  check();
})();

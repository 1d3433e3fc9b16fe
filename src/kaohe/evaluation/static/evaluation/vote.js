/* The ballot pages' script (docs/voting.md "The pages").

   With this script the start page is a one-page ballot: the code (typed, or from the slip's
   QR as /v/#CODE — the fragment never reaches the server, and is cleared at once) is sent to
   POST /api/vote/form, the ballot is drawn here from that JSON with the same markup as the
   server's ballot page, checked live with the same rules as
   kaohe.evaluation.ballot_form.check_ballot, shown for confirmation, and cast with one
   POST /api/vote/ballots; the receipt is shown. The code lives in this page's memory and in
   request bodies only, never in a URL or the history.

   Without the script (or on the server-rendered ballot page) the plain form flow of /v/
   works as before; on that page the script only adds the live checks. */
(function () {
  "use strict";

  var root = document.querySelector(".vote");
  if (!root) return;
  var codeForm = document.getElementById("code-form");
  var codeInput = document.getElementById("code");  // kept: the start page may be detached
  var oneStep = !!(codeForm && window.fetch && window.JSON && root.getAttribute("data-form-api"));

  // --- small DOM helpers: every text goes in as text, never as HTML -------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (value === true) node.setAttribute(name, "");
      else node.setAttribute(name, value);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function notice(id, heading, lines) {
    var box = el("div", { "class": "notice error", role: "alert", id: id });
    if (heading) box.appendChild(el("strong", { text: heading }));
    if (lines.length) {
      box.appendChild(el("ul", {}, lines.map(function (line) { return el("li", { text: line }); })));
    }
    return box;
  }

  // --- the live check of a ballot (the same rules as check_ballot) --------------------------
  function attachChecks(form, ballot) {
    var warning = ballot.querySelector("#vote-warning");
    var progress = ballot.querySelector("#vote-progress");
    var button = ballot.querySelector("#review-button");
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
          var text = "“" + top + "”过多：本票评价了 " + marked + " 人，最多可评 " + limit +
            " 个“" + top + "”，现有 " + tops + " 个。这样会成为废票，请修改";
          // Shown the moment the limit is passed, also while the ballot is half filled in:
          // say so when marking the others would lift the limit far enough.
          if (marked < form.assessees.length && tops <= topLimit(form.assessees.length)) {
            text += "（评价其余对象后，可评的“" + top + "”会相应增加）";
          }
          problems.unshift(text);
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
  }

  // The server-rendered ballot page (no one-step flow: the plain form posts the ballot).
  var dataNode = document.getElementById("ballot-data");
  var serverBallot = document.getElementById("ballot-form");
  if (dataNode && serverBallot) attachChecks(JSON.parse(dataNode.textContent), serverBallot);

  // --- the one-page ballot (start page with the script) ------------------------------------
  var startNodes = Array.prototype.slice.call(root.childNodes);
  // code: what the voter typed (memory only); ticket: the latest request for a form, so an
  // answer to an older one (a second slip opened meanwhile) is dropped; problems: the
  // server's, to show on the ballot once the history has gone back to it.
  var state = { code: "", form: null, ballot: null, busy: false, ticket: 0, problems: null };

  function show(nodes, title) {
    root.innerHTML = "";
    nodes.forEach(function (node) { root.appendChild(node); });
    document.title = title + " · 网上测评";
    window.scrollTo(0, 0);
  }

  function showStart(error, keep) {
    if (!keep) {
      state.form = null;
      state.ballot = null;
    }
    show(startNodes, "网上测评 · 输入测评码");
    var old = document.getElementById("vote-error");
    if (old) old.parentNode.removeChild(old);
    if (error) {
      var box = el("div", { "class": "notice error", role: "alert", id: "vote-error", text: error });
      codeForm.parentNode.insertBefore(box, codeForm);
    }
    var button = codeForm.querySelector("button");
    if (button) button.disabled = false;
  }

  // An answer of the API as {status, body}: status 0 for no answer (network), -1 for an
  // answer that is not the API's JSON (a server or proxy error page).
  function post(url, payload) {
    return window.fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payload),
      credentials: "same-origin",
      cache: "no-store",
      referrerPolicy: "same-origin"
    }).then(function (response) {
      return response.json().then(
        function (body) { return { status: response.status, body: body || {} }; },
        function () { return { status: -1, body: {} }; }
      );
    }, function () { return { status: 0, body: {} }; });
  }

  var OFFLINE = "网络连接失败，请检查网络后重试";
  var BROKEN = "服务器暂时无法处理，请稍后重试";

  function refusal(answer) {
    // The API's error: {code, message, problems: [{where, message}]}.
    if (!answer.status) return OFFLINE;
    if (answer.status < 0 || !answer.body.message) return BROKEN;
    var problems = answer.body.problems || [];
    if (answer.status === 422 && problems.length && answer.body.code === "invalid" &&
        problems[0].where === "code") {
      return problems[0].message;  // what is wrong with the typed code, e.g. a look-alike
    }
    return answer.body.message;
  }

  function startWith(code) {
    var ticket = ++state.ticket;
    state.code = code;
    var button = codeForm.querySelector("button");
    if (button) button.disabled = true;
    post(root.getAttribute("data-form-api"), { code: code }).then(function (answer) {
      if (ticket !== state.ticket) return;
      if (answer.status !== 200) { showStart(refusal(answer)); return; }
      state.form = answer.body;
      state.ballot = drawBallot(answer.body);
      showBallot();
      history.pushState({ vote: "ballot" }, "", location.pathname);
    });
  }

  // --- the ballot, drawn as vote_ballot.html and _vote_rows.html draw it --------------------
  function sharePercent(share) {
    // Python's f"{share * 100:g}%"
    return String(parseFloat((share * 100).toPrecision(6))) + "%";
  }

  function rules(form) {
    var box = el("div", { "class": "vote-rules" });
    var text;
    if (form.kind === "worst") {
      text = ["请勾选您认为最差的对象"];
      if (form.max_picks) text.push("，最多选 ", el("strong", { text: String(form.max_picks) }), " 个");
      text.push("；也可以一个都不选。");
    } else if (form.form === "score") {
      var max = Number.isInteger(form.max) ? String(form.max) : form.max.toFixed(2);
      text = ["请为每位对象打分：0 到 " + max + " 分，最多两位小数，请使用半角数字。不打分的对象留空。"];
    } else if (form.form === "dimensions") {
      text = ["请对每位对象的每个维度（" + form.dimensions.map(function (d) { return d.name; }).join("、") +
        "）选择评价；一位对象的维度须全部评价。"];
    } else {
      text = ["请为每位对象选择一个评价等次。不评价的对象可以不选。"];
    }
    box.appendChild(el("p", {}, text));
    if (form.max_top_share !== null) {
      box.appendChild(el("p", {
        "class": "vote-limit",
        text: "“" + form.top[0] + "”不得超过所评价人数的 " + sharePercent(form.max_top_share) +
          "（至少可评 1 个），超过即为废票。"
      }));
    }
    return box;
  }

  function options(form, name, legend, legendClass) {
    var set = el("fieldset", { "class": legendClass === "sr" ? "options" : "options dim" },
      [el("legend", { "class": legendClass === "sr" ? "sr" : null, text: legend })]);
    form.options.forEach(function (option) {
      set.appendChild(el("label", {}, [
        el("input", { type: "radio", name: name, value: option.label }),
        el("span", { text: option.label })
      ]));
    });
    return set;
  }

  function row(form, assessee, index) {
    var who = el("div", { "class": "who" }, [
      el("span", { "class": "n", text: String(index + 1) }), " ", el("strong", { text: assessee.name })
    ]);
    if (assessee.detail) who.append(" ", el("span", { "class": "muted", text: assessee.detail }));
    var item = el("li", { "class": "vote-item", "data-code": assessee.code }, [who]);
    if (form.kind === "worst") {
      item.appendChild(el("label", { "class": "pick" }, [
        el("input", { type: "checkbox", name: "p", value: assessee.code }), " 评为最差"
      ]));
    } else if (form.form === "score") {
      item.appendChild(el("label", { "class": "score" }, ["分数 ", el("input", {
        type: "text", inputmode: "decimal", name: "m." + assessee.code, maxlength: "10",
        "aria-label": assessee.name + "的分数"
      })]));
    } else if (form.form === "dimensions") {
      form.dimensions.forEach(function (d) {
        item.appendChild(options(form, "m." + assessee.code + "." + d.name, d.name, "dim"));
      });
    } else {
      item.appendChild(options(form, "m." + assessee.code, assessee.name, "sr"));
    }
    return item;
  }

  function drawBallot(form) {
    var list = el("ol", { "class": "vote-list" }, form.assessees.map(function (a, i) { return row(form, a, i); }));
    var ballot = el("form", { id: "ballot-form", novalidate: true, autocomplete: "off" }, [
      list,
      el("div", { "class": "vote-bar" }, [
        el("div", { "class": "notice error", role: "alert", id: "vote-warning", hidden: true }),
        el("p", { "class": "muted", id: "vote-progress" }),
        el("button", { type: "submit", "class": "vote-button", id: "review-button", text: "下一步：核对选票" })
      ])
    ]);
    var page = [
      el("p", { "class": "crumbs", text: form.plan_name }),
      el("h1", { text: form.evaluation_name }),
      el("p", { "class": "sub" }, ["测评主体：", el("strong", { text: form.group_name }),
        " · 共 " + form.assessees.length + " 名测评对象"]),
      rules(form),
      ballot
    ];
    attachChecks(form, ballot);
    ballot.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!ballot.querySelector("#review-button").disabled) showReview(true);
    });
    return { nodes: page, form: ballot };
  }

  function showBallot(problems) {
    var nodes = state.ballot.nodes.slice();
    var old = document.getElementById("server-problems");
    if (old) old.parentNode.removeChild(old);
    if (problems && problems.length) {
      nodes.splice(4, 0, notice("server-problems", "选票未提交，请修改：", problems));
    }
    show(nodes, "网上测评 · " + state.form.evaluation_name);
  }

  // --- what the ballot says: the marks to send and the rows to confirm ----------------------
  function value(name) {
    var ballot = state.ballot.form;
    var checked = ballot.querySelector('input[name="' + CSS.escape(name) + '"]:checked');
    if (checked) return checked.value;
    var text = ballot.querySelector('input[type="text"][name="' + CSS.escape(name) + '"]');
    return text ? text.value.trim() : "";
  }

  function marks() {
    var form = state.form;
    var out = [];
    form.assessees.forEach(function (a) {
      if (form.kind === "worst") {
        var pick = state.ballot.form.querySelector('input[name="p"][value="' + CSS.escape(a.code) + '"]');
        if (pick.checked) out.push({ assessee: a.code, value: true });
      } else if (form.form === "dimensions") {
        var given = {};
        var any = false;
        form.dimensions.forEach(function (d) {
          var label = value("m." + a.code + "." + d.name);
          if (label) { given[d.name] = label; any = true; }
        });
        if (any) out.push({ assessee: a.code, value: given });
      } else {
        var text = value("m." + a.code);
        if (text) out.push({ assessee: a.code, value: text });
      }
    });
    return out;
  }

  function chosen(form, mark) {
    // As the server's confirmation page shows it (views_vote._review).
    if (form.kind === "worst") return "评为最差";
    if (form.form === "dimensions") {
      return form.dimensions.filter(function (d) { return mark.value[d.name]; })
        .map(function (d) { return d.name + "：" + mark.value[d.name]; }).join("，");
    }
    return mark.value;
  }

  // --- the confirmation and the receipt, drawn as vote_review.html and vote_done.html ------
  function showReview(push) {
    var form = state.form;
    var given = marks();
    var names = {};
    form.assessees.forEach(function (a) { names[a.code] = a.name; });
    var rows = given.map(function (mark) {
      return el("tr", {}, [el("td", { text: names[mark.assessee] }), el("td", { text: chosen(form, mark) })]);
    });
    if (!rows.length && form.kind === "worst") {
      rows = [el("tr", {}, [el("td", { text: "（未选任何人）" }), el("td")])];
    }
    var heading = form.kind === "worst" ? "选择" : form.form === "score" ? "分数" : "评价";
    var nodes = [
      el("h1", { text: "核对选票" }),
      el("p", { "class": "sub", text: form.evaluation_name + " · " + form.group_name + "。提交后不能修改，请仔细核对。" }),
      el("table", { "class": "vote-review", id: "review" }, [
        el("thead", {}, [el("tr", {}, [el("th", { text: "测评对象" }), el("th", { text: heading })])]),
        el("tbody", {}, rows)
      ])
    ];
    var unmarked = form.assessees.length - given.length;
    if (unmarked && form.kind !== "worst") {
      nodes.push(el("p", { "class": "notice", id: "unmarked", text: "有 " + unmarked + " 名对象未评价（视为对其弃权）。" }));
    }
    var edit = el("button", { type: "button", "class": "vote-button secondary", text: "返回修改" });
    var confirm = el("button", { type: "submit", "class": "vote-button", id: "confirm-button", text: "确认提交" });
    var confirmForm = el("form", { "class": "vote-confirm" }, [edit, confirm]);
    nodes.push(confirmForm);
    edit.addEventListener("click", function () { history.back(); });
    confirmForm.addEventListener("submit", function (event) {
      event.preventDefault();
      cast(given, confirm);
    });
    show(nodes, "网上测评 · 核对选票");
    if (push) history.pushState({ vote: "review" }, "", location.pathname);
  }

  function cast(given, button) {
    if (state.busy) return;
    state.busy = true;
    button.disabled = true;
    var failed = document.getElementById("cast-error");
    if (failed) failed.parentNode.removeChild(failed);
    post(root.getAttribute("data-cast-api"), { code: state.code, marks: given }).then(function (answer) {
      state.busy = false;
      button.disabled = false;
      if (answer.status === 201) { showDone(answer.body.receipt); return; }
      if (answer.status === 422) {  // back to the ballot, with the server's problems above it
        var problems = (answer.body.problems || []).map(function (p) { return p.message; });
        state.problems = problems.length ? problems : [refusal(answer)];
        history.back();
        return;
      }
      if (answer.status <= 0 || answer.status >= 500) {
        // no answer or a broken one: stay on the confirmation, the voter tries again
        button.parentNode.parentNode.insertBefore(
          el("div", { "class": "notice error", role: "alert", id: "cast-error", text: refusal(answer) }),
          button.parentNode);
        return;
      }
      if (answer.body.code === "code_used") {
        // This page's code was usable when the ballot was drawn: an earlier try whose answer
        // was lost (or a slip used elsewhere meanwhile) cast it. Its ballot is in the box.
        showAlreadyIn();
        return;
      }
      finish(refusal(answer));  // closed, unknown, throttled
    });
  }

  function showAlreadyIn() {
    state.code = "";
    codeInput.value = "";
    show([
      el("h1", { text: "选票已投入票箱" }),
      el("p", { "class": "sub", text: "该测评码已经投过票：用它投的选票已投入票箱，测评码已失效，无需再投。" }),
      el("div", { "class": "vote-card receipt" }, [
        el("p", { "class": "muted", text: "回执号只在投票成功时显示。如已抄下或截图，可凭回执号查询该选票是否已计票。" })
      ]),
      el("p", { "class": "vote-links" }, [el("a", { href: root.getAttribute("data-receipt"), text: "查询回执" })])
    ], "网上测评 · 已提交");
    state.form = null;
    state.ballot = null;
    history.replaceState({ vote: "done" }, "", location.pathname);
  }

  function finish(error) {
    state.code = "";
    codeInput.value = "";
    history.replaceState({ vote: "start" }, "", location.pathname);
    showStart(error);
  }

  function showDone(receipt) {
    var form = state.form;
    state.code = "";
    codeInput.value = "";
    show([
      el("h1", { text: "投票成功" }),
      el("p", { "class": "sub", text: form.evaluation_name + " · " + form.group_name + "：您的选票已投入票箱。测评码已失效。" }),
      el("div", { "class": "vote-card receipt" }, [
        el("p", { text: "您的回执号" }),
        el("p", { "class": "receipt-id", id: "receipt-id", text: receipt }),
        el("p", { "class": "muted", text: "请抄下或截图保存。测评结束后可凭回执号查询该选票是否已计票；回执号不会显示您的选择。" })
      ]),
      el("p", { "class": "vote-links" }, [el("a", { href: root.getAttribute("data-receipt"), text: "查询回执" })])
    ], "网上测评 · 已提交");
    state.form = null;
    state.ballot = null;
    history.replaceState({ vote: "done" }, "", location.pathname);
  }

  // Back and forward between the steps of this page (no code is kept in the history).
  window.addEventListener("popstate", function (event) {
    if (!oneStep) return;
    var step = event.state && event.state.vote;
    var problems = state.problems;
    state.problems = null;
    if (step === "ballot" && state.ballot) showBallot(problems);
    else if (step === "review" && state.ballot) showReview(false);
    else showStart(null, true);
  });

  // --- /v/#CODE: take the code from the fragment, forget the fragment ----------------------
  function codeFromFragment(isNew) {
    var raw = (location.hash || "").replace(/^#/, "");
    var fragment;
    try {
      fragment = decodeURIComponent(raw).trim();
    } catch (e) {
      fragment = raw.trim();  // a stray "%": the code as written (the check says what is wrong)
    }
    if (!fragment) return;
    history.replaceState(null, "", location.pathname);
    if (oneStep) {
      codeInput.value = fragment;
      startWith(fragment);
      return;
    }
    // After an error the page shows it: a reload must not send the same code again.
    if (codeForm && (isNew || !document.getElementById("vote-error"))) {
      codeInput.value = fragment;
      codeForm.submit();
    } else if (!codeForm) {
      // Another slip opened on a ballot page (a shared phone): load the start page with it
      // ("?" makes it a load, not a jump within this page; the code stays in the fragment).
      location.assign(root.getAttribute("data-start") + "?#" + encodeURIComponent(fragment));
    }
  }

  if (oneStep) {
    codeForm.addEventListener("submit", function (event) {
      event.preventDefault();
      startWith(codeInput.value);
    });
    history.replaceState({ vote: "start" }, "", location.pathname + location.hash);
  }
  codeFromFragment(false);
  // A second slip opened on this page changes only the fragment: no page load happens.
  window.addEventListener("hashchange", function () { codeFromFragment(true); });
})();

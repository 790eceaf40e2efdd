/* The field app's own pages, filled from the field pack on the device (they work without a connection):
 * the home (pack age, "현장 자료 받기", the queue as a sync report: 전송 대기 / 전송됨 / 처리됨(충돌) / 확인 필요) and
 * the offline household page (summary, residents, case, follow-ups, last visits; a visit, a check-in and contact
 * attempts saved to the queue as "전송 대기"; the next contact proposed with the district's cadence policy). */
(function () {
  "use strict";
  var app = document.getElementById("field-app");
  if (!app) return;
  function ready(fn) { if (window.Field) fn(window.Field); else setTimeout(function () { ready(fn); }, 30); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function hoursAgo(iso) { return Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 36e5)); }
  function ageText(pack) {
    if (!pack) return "이 기기에 받은 현장 자료가 없습니다. 연결된 곳에서 '현장 자료 받기'를 누르세요.";
    var left = Math.max(0, Math.round((new Date(pack.expires_at).getTime() - Date.now()) / 36e5));
    return "현장 자료: " + hoursAgo(pack.received_at || pack.generated_at) + "시간 전에 받음 (세대 " +
      pack.households.length + "곳, " + left + "시간 뒤 자동 삭제)";
  }
  function label(choices, value) {
    var hit = (choices || []).filter(function (c) { return c[0] === value; })[0];
    return hit ? hit[1] : value;
  }
  var STATE = { pending: "전송 대기", sent: "전송됨", conflict: "처리됨(확인)", refused: "확인 필요" };
  var KIND = { visit: "방문", check_in: "안부 확인", contact_attempt: "접촉 시도", attachment: "첨부", consent: "동의(서명)" };

  function queueItem(item, pack, withEdit) {
    var li = el("li", { "data-state": item.state, "data-client-id": item.client_id });
    li.appendChild(el("span", { "class": "state " + item.state }, STATE[item.state] || item.state));
    var what = (KIND[item.kind] || item.kind) + " · " + (item.title || "") + " · " +
      new Date(item.created_at).toLocaleString("ko-KR");
    li.appendChild(document.createTextNode(" " + what));
    var notes = (item.notes || []).slice();
    Object.keys(item.errors || {}).forEach(function (field) {
      (item.errors[field] || []).forEach(function (m) { notes.push((field && field !== "non_field_errors" ? field + ": " : "") + m); });
    });
    if (notes.length) {
      var ul = el("ul", { "class": "notes" });
      notes.forEach(function (n) { ul.appendChild(el("li", {}, n)); });
      li.appendChild(ul);
    }
    if (item.state === "refused" && withEdit && item.household) {
      var edit = el("a", { "class": "button", href: "/households/field/household/?id=" + item.household + "&edit=" + item.client_id }, "고쳐서 다시 보내기");
      li.appendChild(edit);
    }
    return li;
  }

  // --- The home ---------------------------------------------------------------------------------------------
  function home(F) {
    var S = F.store;
    function render() {
      Promise.all([S.get("pack"), S.queue(), S.get("needLogin")]).then(function (got) {
        var pack = got[0], items = got[1], needLogin = got[2];
        document.getElementById("field-pack-age").textContent = ageText(pack);
        var online = document.getElementById("field-online");
        online.textContent = navigator.onLine ? "연결됨: 기록은 바로 전송합니다." : "오프라인: 기록은 이 기기에 저장되고, 연결되면 전송합니다.";
        online.className = "field-banner" + (navigator.onLine ? "" : " offline");
        document.getElementById("field-login").hidden = !needLogin;
        var list = document.getElementById("field-queue");
        clear(list);
        items.slice().reverse().forEach(function (item) { list.appendChild(queueItem(item, pack, true)); });
        document.getElementById("field-queue-empty").hidden = items.length > 0;
        var hh = document.getElementById("field-households");
        clear(hh);
        ((pack && pack.households) || []).forEach(function (h) {
          var li = el("li");
          var name = (h.residents[0] && h.residents[0].name) || ("#" + h.id);
          li.appendChild(el("a", { href: "/households/" + h.id + "/" }, name + " · " + h.address));
          if (h.overdue) li.appendChild(el("span", { "class": "tag" }, " 기한 지남"));
          if (h.next_contact_on) li.appendChild(document.createTextNode(" · 다음 접촉 " + h.next_contact_on));
          hh.appendChild(li);
        });
      });
    }
    document.getElementById("field-download").addEventListener("click", function () {
      var button = this;
      button.disabled = true;
      F.download().then(render, function () {
        document.getElementById("field-pack-age").textContent = "현장 자료를 받지 못했습니다. 연결과 로그인을 확인하세요.";
      }).then(function () { button.disabled = false; });
    });
    document.getElementById("field-send").addEventListener("click", function () { F.sync().then(render); });
    var link = document.getElementById("field-login-link");
    link.href = link.href.split("?")[0] + "?next=" + encodeURIComponent(location.pathname);
    document.addEventListener("field:updated", render);
    window.addEventListener("online", render);
    window.addEventListener("offline", render);
    render();
  }

  // --- The offline household page -----------------------------------------------------------------------------
  function localInput(date) {
    var d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return d.toISOString().slice(0, 16);
  }
  function addDays(day, n) {
    var d = new Date(day + "T00:00:00");
    d.setDate(d.getDate() + n);
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function options(select, choices) {
    clear(select);
    choices.forEach(function (c) { select.appendChild(el("option", { value: c[0] }, c[1])); });
  }

  function household(F) {
    var S = F.store;
    var match = location.pathname.match(/^\/households\/(\d+)\/?$/);
    var id = match ? parseInt(match[1], 10) : parseInt(new URLSearchParams(location.search).get("id"), 10);
    var editing = new URLSearchParams(location.search).get("edit");
    S.get("pack").then(function (pack) {
      var banner = document.getElementById("field-pack-banner");
      banner.textContent = "오프라인 화면 — " + ageText(pack);
      var h = pack && pack.households.filter(function (x) { return x.id === id; })[0];
      if (!h) { document.getElementById("field-missing").hidden = false; return; }
      document.getElementById("field-household").hidden = false;
      var C = pack.choices;
      var head = h.residents[0] ? h.residents[0].name : "";
      document.getElementById("fh-title").textContent = head + " · " + h.address;
      var facts = document.getElementById("fh-facts");
      [["행정동", h.dong], ["위기도", label(C.risk_level, h.risk_level)], ["관리 상태", h.status_label],
       ["최근 접촉일", h.last_contact_on || "—"], ["다음 접촉 예정일", (h.next_contact_on || "—") + (h.overdue ? " (기한 지남)" : "")]]
        .forEach(function (pair) { facts.appendChild(el("dt", {}, pair[0])); facts.appendChild(el("dd", {}, pair[1])); });
      var residents = document.getElementById("fh-residents");
      h.residents.forEach(function (r) { residents.appendChild(el("li", {}, r.name + " (" + (r.age === null ? "나이 미상" : r.age + "세") + ", " + r.relation + ")")); });
      var caseBox = document.getElementById("fh-case");
      if (h.case) {
        caseBox.appendChild(el("p", {}, "사례 #" + h.case.id + " · " + h.case.stage_label));
        var goals = el("ul");
        h.case.goals.forEach(function (g) { goals.appendChild(el("li", {}, g.text + " (" + g.target_on + (g.achieved ? ", 달성" : "") + ")")); });
        caseBox.appendChild(goals);
      } else caseBox.textContent = "진행 중인 사례가 없습니다.";
      var fu = document.getElementById("fh-followups");
      h.follow_ups.forEach(function (f) { fu.appendChild(el("li", {}, f.due_on + " · " + f.reason + (f.overdue ? " (기한 지남)" : ""))); });
      if (!h.follow_ups.length) fu.appendChild(el("li", {}, "열린 접촉 예정이 없습니다."));
      var visits = document.getElementById("fh-visits");
      h.visits.forEach(function (v) { visits.appendChild(el("li", {}, v.at.replace("T", " ").slice(0, 16) + " · " + v.kind + " · " + v.result + " · " + v.risk + (v.by ? " · " + v.by : "") + (v.observations ? " — " + v.observations : ""))); });
      if (!h.visits.length) visits.appendChild(el("li", {}, "기록된 방문이 없습니다."));

      // The visit form.
      var form = document.getElementById("fh-visit");
      options(form.kind, C.kind); options(form.contact_result, C.contact_result); options(form.risk_level, C.risk_level);
      form.risk_level.value = h.risk_level || "low";
      form.visited_at.value = localInput(new Date());
      var needs = document.getElementById("fh-needs");
      C.domain.forEach(function (d) {
        var box = el("div", { "class": "need" });
        box.appendChild(el("strong", {}, d[1]));
        var sev = el("select", { name: "need_" + d[0], "aria-label": d[1] + " 정도" });
        options(sev, [["", "없음"]].concat(C.severity));
        var note = el("input", { type: "text", name: "note_" + d[0], maxlength: "300", "aria-label": d[1] + " 내용" });
        box.appendChild(sev); box.appendChild(note); needs.appendChild(box);
      });
      function proposed() {
        var day = (form.visited_at.value || localInput(new Date())).slice(0, 10);
        var days = pack.policy[form.risk_level.value] || pack.policy.low;
        if (h.case && h.case.in_service) days = Math.min(days, pack.policy.in_service);
        return addDays(day, days);
      }
      function showProposed() {
        document.getElementById("fh-proposed").textContent = "정책에 따른 제안: " + proposed() + " (비워 두면 서버가 같은 규칙으로 정합니다)";
        document.getElementById("fh-end-care").hidden = C.ending_results.indexOf(form.contact_result.value) < 0;
      }
      var draftKey = "offline-visit:" + h.id + (editing ? ":" + editing : "");
      function values() {
        var out = {};
        Array.prototype.forEach.call(form.elements, function (e) { if (e.name) out[e.name] = e.type === "checkbox" ? e.checked : e.value; });
        return out;
      }
      function restore(v) {
        Array.prototype.forEach.call(form.elements, function (e) {
          if (!e.name || !(e.name in v)) return;
          if (e.type === "checkbox") e.checked = !!v[e.name]; else e.value = v[e.name];
        });
      }
      var editItem = null;
      (editing ? S.queue().then(function (items) {
        editItem = items.filter(function (i) { return i.client_id === editing; })[0] || null;
        return editItem && editItem.form ? { values: editItem.form } : S.draft(draftKey);
      }) : S.draft(draftKey)).then(function (draft) { if (draft) restore(draft.values); showProposed(); });
      form.addEventListener("input", function () { showProposed(); S.saveDraft(draftKey, { values: values(), saved_at: new Date().toISOString() }); });
      form.addEventListener("change", showProposed);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var v = values(), errors = document.getElementById("fh-visit-errors");
        if (!v.visited_at) { errors.textContent = "방문 일시를 적으세요."; errors.hidden = false; return; }
        errors.hidden = true;
        var needsList = C.domain.map(function (d) { return [d[0], v["need_" + d[0]] || "", v["note_" + d[0]] || ""]; })
          .filter(function (n) { return n[1] || n[2]; });
        var payload = {
          client_id: editItem ? editItem.client_id : S.uuid(), household: h.id, kind: v.kind,
          contact_result: v.contact_result, risk_level: v.risk_level, observations: v.observations,
          visited_at: new Date(v.visited_at).toISOString(), next_contact_on: v.next_contact_on || "",
          proposed_next_contact_on: proposed(), needs: needsList,
          end_care: C.ending_results.indexOf(v.contact_result) >= 0 ? !!v.end_care : null,
          circumstances_changed: !!v.circumstances_changed,
          based_on: { status: h.status, case_stage: h.case ? h.case.stage : "", last_visit_id: h.visits[0] ? h.visits[0].id : null }
        };
        var meta = { household: h.id, title: head + " " + v.visited_at.replace("T", " "), form: v,
                     pack_generated_at: pack.generated_at };
        var saving = editItem ? S.put(Object.assign(editItem, meta, { payload: payload, state: "pending", errors: {}, notes: [], attempts: 0, next_try_at: null }))
                              : S.add("visit", payload, meta);
        saving.then(function () { return S.dropDraft(draftKey); }).then(function () {
          editItem = null; editing = null;
          form.reset(); form.visited_at.value = localInput(new Date()); form.risk_level.value = v.risk_level;
          showProposed(); F.emit(); F.sync();
        });
      });

      // Check-in.
      var checkin = document.getElementById("fh-checkin");
      options(checkin.source, C.check_in_source);
      checkin.source.value = "care_team";
      checkin.addEventListener("submit", function (event) {
        event.preventDefault();
        S.add("check_in", { client_id: S.uuid(), household: h.id, source: checkin.source.value, note: checkin.note.value,
                            at: new Date().toISOString(), is_alert: false },
              { household: h.id, title: head, pack_generated_at: pack.generated_at })
          .then(function () { checkin.reset(); checkin.source.value = "care_team"; F.emit(); F.sync(); });
      });

      // A photo or a scanned letter: the file waits in the queue (IndexedDB keeps it as a Blob).
      var attach = document.getElementById("fh-attach");
      options(attach.kind, C.attachment_kind || [["photo", "사진"]]);
      attach.kind.value = "photo";
      attach.addEventListener("submit", function (event) {
        event.preventDefault();
        var file = attach.file.files[0];
        if (!file) return;
        S.add("attachment", { client_id: S.uuid(), owner_kind: "household", owner_id: h.id, kind: attach.kind.value,
                              title: attach.title.value || file.name },
              { household: h.id, title: head + " · " + (attach.title.value || file.name), blob: file,
                file_name: file.name, pack_generated_at: pack.generated_at })
          .then(function () { attach.reset(); attach.kind.value = "photo"; F.emit(); F.sync(); });
      });

      // A consent signed on the tablet: the scopes' legal text from the pack, the signature as a PNG data URL
      // (signature.js fills the hidden field on submit, before this handler runs); the server renders the PDF.
      var consent = document.getElementById("fh-consent");
      if (consent && pack.consent && h.residents.length && h.residents[0].id) {
        options(consent.resident, h.residents.map(function (r) { return [String(r.id), r.name + " (" + r.relation + ")"]; }));
        consent.granted_on.value = localInput(new Date()).slice(0, 10);
        document.getElementById("fh-consent-agreement").textContent = pack.consent.agreement;
        var scopeBox = document.getElementById("fh-consent-scopes");
        pack.consent.scopes.forEach(function (s) {
          var wrap = el("div", { "class": "scope-text" });
          var lab = el("label", { "class": "scope-check" });
          lab.appendChild(el("input", { type: "checkbox", name: "scope", value: s.value }));
          lab.appendChild(document.createTextNode(" "));
          lab.appendChild(el("strong", {}, s.title));
          lab.appendChild(document.createTextNode(" "));
          lab.appendChild(el("small", { "class": "muted" }, s.law));
          var details = el("details", { open: "" }), dl = el("dl", { "class": "legal" });
          details.appendChild(el("summary", {}, "안내문 보기"));
          s.sections.forEach(function (pair) { dl.appendChild(el("dt", {}, pair[0])); dl.appendChild(el("dd", {}, pair[1])); });
          details.appendChild(dl);
          wrap.appendChild(lab); wrap.appendChild(details); scopeBox.appendChild(wrap);
        });
        consent.addEventListener("submit", function (event) {
          event.preventDefault();
          var errors = document.getElementById("fh-consent-errors");
          var scopes = Array.prototype.filter.call(consent.querySelectorAll("input[name=scope]"), function (b) { return b.checked; })
            .map(function (b) { return b.value; });
          var problem = !scopes.length ? "동의 범위를 하나 이상 고르세요." : !consent.signature.value ? "화면에 서명을 받아 주세요." :
            !consent.granted_on.value ? "동의일을 적어 주세요." : "";
          if (problem) { errors.textContent = problem; errors.hidden = false; return; }
          errors.hidden = true;
          var who = consent.resident.options[consent.resident.selectedIndex].text;
          S.add("consent", { client_id: S.uuid(), resident: parseInt(consent.resident.value, 10), scopes: scopes,
                             granted_on: consent.granted_on.value, expires_on: consent.expires_on.value,
                             recipients: consent.recipients.value, representative_name: consent.representative_name.value,
                             representative_relation: consent.representative_relation.value,
                             signature: consent.signature.value },
                { household: h.id, title: who, pack_generated_at: pack.generated_at })
            .then(function () {
              var resident = consent.resident.value;
              consent.reset(); consent.resident.value = resident;
              consent.granted_on.value = localInput(new Date()).slice(0, 10);
              consent.querySelector("[data-signature-clear]").click();
              F.emit(); F.sync();
            });
        });
      } else if (consent) consent.hidden = true;

      // Contact attempts on this household's open reports.
      var reports = ((pack.reports && pack.reports.items) || []).filter(function (r) { return r.household === h.id; });
      if (reports.length) {
        document.getElementById("fh-reports").hidden = false;
        var box = document.getElementById("fh-report-forms");
        reports.forEach(function (r) {
          var f = el("form", { "class": "field-form", "data-report": r.id });
          f.appendChild(el("p", {}, "접수번호 " + r.receipt_code + " · " + (r.subject || "") + " · 기한 " + r.due_at.replace("T", " ")));
          var method = el("select", { name: "method", "aria-label": "접촉 방법" }); options(method, pack.reports.methods);
          var reachedLabel = el("label"); var reached = el("input", { type: "checkbox", name: "reached" });
          reachedLabel.appendChild(reached); reachedLabel.appendChild(document.createTextNode(" 연락 닿음"));
          var note = el("input", { type: "text", name: "note", maxlength: "300", "aria-label": "메모" });
          f.appendChild(method); f.appendChild(reachedLabel); f.appendChild(note);
          f.appendChild(el("button", { type: "submit", "class": "button" }, "접촉 시도 저장 (전송 대기)"));
          f.addEventListener("submit", function (event) {
            event.preventDefault();
            S.add("contact_attempt", { client_id: S.uuid(), report: r.id, method: method.value, reached: reached.checked,
                                       note: note.value, at: new Date().toISOString() },
                  { household: h.id, title: r.receipt_code, pack_generated_at: pack.generated_at })
              .then(function () { f.reset(); F.emit(); F.sync(); });
          });
          box.appendChild(f);
        });
      }

      function renderQueue() {
        S.queue().then(function (items) {
          var list = document.getElementById("fh-queue");
          clear(list);
          items.filter(function (i) { return i.household === h.id; }).reverse()
            .forEach(function (item) { list.appendChild(queueItem(item, pack, true)); });
        });
      }
      document.addEventListener("field:updated", renderQueue);
      renderQueue();
    });
  }

  ready(function (F) { if (app.dataset.page === "home") home(F); else household(F); });
})();

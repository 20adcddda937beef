/* Prescreen progressive enhancement. Every page works without this file; it only
   (1) moves focus to the error summary, (2) shows and hides questions as they become
   relevant, and (3) adds or removes a medicine / therapy row in place. */
(function () {
  "use strict";

  function valueOf(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    if (!inputs.length) { return undefined; }
    var first = inputs[0];
    if (first.type === "checkbox" && inputs.length > 1) {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; })
        .map(function (i) { return i.value; });
    }
    if (first.type === "checkbox") {
      var list = Array.prototype.filter.call(inputs, function (i) { return i.checked; })
        .map(function (i) { return i.value; });
      return first.value === "y" ? first.checked : list;
    }
    if (first.type === "radio") {
      var checked = form.querySelector('[name="' + name + '"]:checked');
      return checked ? checked.value : undefined;
    }
    return first.value === "" ? undefined : first.value;
  }

  // Rows with an answer in them: the server ignores blank rows, so a blank row does not
  // hide "I have not taken an antidepressant" (the error message may ask for that box).
  function rows(form, group) {
    return Array.prototype.filter.call(
      form.querySelectorAll('[id^="' + group + '-"].group-entry'),
      function (row) {
        if (row.classList.contains("group-entry--folded")) { return true; }
        return Array.prototype.some.call(row.querySelectorAll("input, select, textarea"), function (i) {
          if (i.type === "checkbox" || i.type === "radio") { return i.checked; }
          return i.type !== "hidden" && i.value.trim() !== "";
        });
      }).length;
  }

  function holds(form, c, prefix) {
    var v = valueOf(form, (prefix || "") + c.field);
    switch (c.op) {
      case "Equals": return v !== undefined && String(v) === String(c.value);
      case "Contains": return Array.isArray(v) && v.indexOf(c.value) >= 0;
      case "In": return typeof v === "string" && c.values.indexOf(v) >= 0;
      case "AtLeast": return v !== undefined && Number(v) >= c.n;
      case "CountAtLeast": return Array.isArray(v) && v.length >= c.n;
      case "IsEmpty": return rows(form, c.field) === 0 && (v === undefined || (Array.isArray(v) && !v.length));
      case "Present": return v !== undefined && !(Array.isArray(v) && !v.length);
      case "AnyOf": return c.conditions.some(function (x) { return holds(form, x, prefix); });
      case "AllOf": return c.conditions.every(function (x) { return holds(form, x, prefix); });
      default: return true;
    }
  }

  function refresh(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (el) {
      var shown = holds(form, JSON.parse(el.getAttribute("data-show-if")), el.getAttribute("data-prefix"));
      el.hidden = !shown;
    });
  }

  function replaceGroup(form, button) {
    var body = new FormData(form);
    body.set("action", button.value);
    fetch(form.getAttribute("action") || window.location.href, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var section = button.closest("section.group");
        var fresh = doc.getElementById(section.id);
        if (!fresh) { return Promise.reject(); }
        section.replaceWith(fresh);
        refresh(form);
        var entries = fresh.querySelectorAll(".group-entry");
        var parts = button.value.split(":");
        var edited = parts[0] === "edit" ? fresh.querySelector("#" + parts[1] + "-" + parts[2]) : null;
        var target = edited ? edited.querySelector("select, input:not([type=hidden]), textarea")
          : button.value.indexOf("add:") === 0 && entries.length
          ? entries[entries.length - 1].querySelector("select, input:not([type=hidden]), textarea")
          : fresh.querySelector("h2");
        if (target) { if (target.tagName === "H2") { target.tabIndex = -1; } target.focus(); }
      })
      .catch(function () { button.form.requestSubmit(button); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-show-if], section.group")) { return; }
      refresh(form);
      form.addEventListener("change", function () { refresh(form); });
      form.addEventListener("click", function (event) {
        var button = event.target.closest('button[name="action"]');
        if (!button || !/^(add|remove|edit):/.test(button.value) || button.dataset.sent) { return; }
        event.preventDefault();
        replaceGroup(form, button);
      });
    });
  });
}());

/* Staff pages: warn two minutes before the session ends for being idle, with "Stay signed in".
   Without this file the warning stays hidden and the idle limit stands as it is. */
(function () {
  "use strict";
  var box = document.getElementById("idle-warning");
  if (!box || !window.fetch) { return; }
  var form = box.querySelector("form");
  var warnSeconds = Number(box.getAttribute("data-warn-seconds"));
  var timer = null;

  function schedule(secondsLeft) {
    window.clearTimeout(timer);
    if (secondsLeft <= 0) {
      // The server ends the session on the next page and says why.
      window.location.assign(box.getAttribute("data-expired-url"));
    } else if (secondsLeft <= warnSeconds) {
      show();
      timer = window.setTimeout(check, secondsLeft * 1000 + 1000);
    } else {
      box.hidden = true;
      timer = window.setTimeout(check, (secondsLeft - warnSeconds) * 1000);
    }
  }

  // Another tab may have kept the session alive: ask the server before warning.
  function check() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(); })
      .then(function (status) { schedule(status.signed_in ? status.seconds_left : 0); })
      .catch(function () { timer = window.setTimeout(check, 15000); });
  }

  function show() {
    if (!box.hidden) { return; }
    box.hidden = false;
    box.querySelector("button").focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.getAttribute("action"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(); })
      .then(function (status) { box.hidden = true; schedule(status.seconds_left); })
      .catch(function () { form.submit(); });
  });

  schedule(Number(box.getAttribute("data-seconds-left")));
}());

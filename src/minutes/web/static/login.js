// Sign-in page: keep the link's #fragment (e.g. #u-14, a transcript line). Browsers never send
// it to the server, but they carry it over the redirect to this page; put it back on `next`.
(function () {
  "use strict";
  var next = document.querySelector('form[data-testid="login-form"] input[name="next"]');
  var hash = window.location.hash;
  if (!next || !/^#[A-Za-z0-9_-]{1,64}$/.test(hash) || next.value.indexOf("#") !== -1) return;
  next.value += hash;
})();

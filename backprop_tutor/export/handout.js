(function () {
  "use strict";
  var steps = Array.prototype.slice.call(document.querySelectorAll("section.step"));
  if (!steps.length) { return; }
  var picture = document.querySelector("svg.network");
  var where = document.getElementById("where");
  var at = 0;
  function show(k) {
    if (k < 0 || k >= steps.length) { return; }
    steps[at].classList.remove("current");
    at = k;
    var step = steps[at];
    step.classList.add("current");
    where.textContent = step.getAttribute("data-label");
    if (picture) { picture.setAttribute("data-layer", step.getAttribute("data-layer")); }
    if (window.history && history.replaceState) { history.replaceState(null, "", "#" + step.id); }
  }
  document.body.classList.add("stepping");
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var to = {ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: steps.length - 1}[e.key];
    if (to === undefined) { return; }
    e.preventDefault();
    show(to);
  });
  document.getElementById("prev").addEventListener("click", function () { show(at - 1); });
  document.getElementById("next").addEventListener("click", function () { show(at + 1); });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  var start = steps.findIndex(function (s) { return "#" + s.id === location.hash; });
  steps[0].classList.add("current");
  show(start > 0 ? start : 0);
}());

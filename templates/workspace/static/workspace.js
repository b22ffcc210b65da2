// crmtool workspace: small improvements only; every page works without this file.
// "/" puts the cursor in the search box, as in many web applications.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
  if (event.key === "/" && !typing) {
    var box = document.getElementById("q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  }
});

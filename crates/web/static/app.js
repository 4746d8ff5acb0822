// Checks each figure as it is typed: Vietnamese style (1.234,5) or a plain number (1234.5).
// The server checks again on save with the import's rules; this only spares a round trip.
(function () {
  var ok = /^\s*-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?\s*$|^\s*-?\d+(\.\d+)?\s*$/;
  document.querySelectorAll("input.num").forEach(function (input) {
    input.addEventListener("input", function () {
      var bad = input.value.trim() !== "" && !ok.test(input.value);
      input.classList.toggle("bad", bad);
      input.setCustomValidity(bad ? "1.234,5" : "");
    });
  });
})();

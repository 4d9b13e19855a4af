"use strict";
// Tables of figures scroll sideways inside their box on a phone. A box wider than the screen says so (its hint above
// it, a shadow at the hidden edge); one that fits hides the hint. Without this script the hint shows on every phone.
(() => {
  const boxes = [...document.querySelectorAll(".table-scroll")];
  const update = () => boxes.forEach(box => {
    const wide = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("is-wide", wide);
    box.classList.toggle("at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    const hint = box.previousElementSibling;
    if (hint && hint.classList.contains("scroll-hint")) {
      hint.classList.toggle("not-needed", !wide);
    }
  });
  boxes.forEach(box => box.addEventListener("scroll", update, { passive: true }));
  addEventListener("resize", update);
  update();
})();

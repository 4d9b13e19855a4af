"use strict";
// The weekly report's print button (no inline handlers: the content security policy forbids them).
document.getElementById("print").addEventListener("click", () => window.print());

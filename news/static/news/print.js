/* The article's "Print" link opens a print layout of the page (?print), which works without
 * JavaScript; with it, the browser's print dialog opens straight away, using the same print
 * stylesheet. */
document.querySelectorAll("[data-print]").forEach(function (link) {
    "use strict";
    link.addEventListener("click", function (event) {
        event.preventDefault();
        window.print();
    });
});

/* Photo galleries: each thumbnail links to the full-size photo (which works without
 * JavaScript); with it, the photos open in a modal viewer instead. Keyboard: Left/Right (and
 * Home/End) move between photos, Escape closes, Tab stays inside the viewer, and focus goes
 * back to the thumbnail of the photo last shown. */
(function () {
    "use strict";

    function button(className, label, text) {
        var element = document.createElement("button");
        element.type = "button";
        element.className = className;
        element.setAttribute("aria-label", label);
        element.textContent = text;
        return element;
    }

    function Lightbox(gallery) {
        this.links = Array.prototype.slice.call(gallery.querySelectorAll(".gallery__link"));
        this.index = 0;
        this.dialog = document.createElement("dialog");
        this.dialog.className = "lightbox";
        this.dialog.setAttribute("aria-label", gallery.dataset.labelDialog);
        this.image = document.createElement("img");
        this.image.className = "lightbox__image";
        this.caption = document.createElement("p");
        this.caption.className = "lightbox__caption";
        this.counter = document.createElement("p");
        this.counter.className = "lightbox__counter";
        this.previous = button("lightbox__previous", gallery.dataset.labelPrevious, "‹");
        this.next = button("lightbox__next", gallery.dataset.labelNext, "›");
        this.close = button("lightbox__close", gallery.dataset.labelClose, "×");
        var figure = document.createElement("figure");
        figure.className = "lightbox__figure";
        // Screen readers announce each photo shown as a whole: its description, caption and place.
        figure.setAttribute("aria-live", "polite");
        figure.setAttribute("aria-atomic", "true");
        figure.append(this.image, this.caption, this.counter);
        this.dialog.append(this.close, figure, this.previous, this.next);
        document.body.append(this.dialog);
        if (this.links.length < 2) {
            this.previous.hidden = this.next.hidden = true;
        }

        var self = this;
        this.links.forEach(function (link, index) {
            link.addEventListener("click", function (event) {
                if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
                    return; // let the browser open the photo in a new tab or window
                }
                event.preventDefault();
                self.open(index);
            });
        });
        this.previous.addEventListener("click", function () { self.show(self.index - 1); });
        this.next.addEventListener("click", function () { self.show(self.index + 1); });
        this.close.addEventListener("click", function () { self.dialog.close(); });
        this.dialog.addEventListener("keydown", function (event) { self.onKey(event); });
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        this.dialog.addEventListener("click", function (event) {
            if (event.target === self.dialog) {
                self.dialog.close();
            }
        });
        this.dialog.addEventListener("close", function () {
            self.links[self.index].focus();
        });
    }

    Lightbox.prototype.open = function (index) {
        this.show(index);
        this.dialog.showModal();
        this.close.focus();
    };

    Lightbox.prototype.show = function (index) {
        var count = this.links.length;
        this.index = (index + count) % count;
        var link = this.links[this.index];
        var thumbnail = link.querySelector("img");
        var caption = link.closest("figure").querySelector("figcaption");
        this.image.src = link.href;
        this.image.alt = thumbnail ? thumbnail.alt : "";
        // A photo described in another language than the page's (lang="vi" on English pages).
        if (thumbnail && thumbnail.lang) {
            this.image.lang = thumbnail.lang;
        } else {
            this.image.removeAttribute("lang");
        }
        this.caption.textContent = caption ? caption.textContent : "";
        this.counter.textContent = (this.index + 1) + " / " + count;
    };

    Lightbox.prototype.onKey = function (event) {
        var keys = {
            ArrowLeft: this.index - 1,
            ArrowRight: this.index + 1,
            Home: 0,
            End: this.links.length - 1,
        };
        if (event.key in keys) {
            event.preventDefault();
            this.show(keys[event.key]);
        } else if (event.key === "Tab") {
            // Keep focus on the viewer's own buttons.
            var buttons = [this.close, this.previous, this.next].filter(function (element) {
                return !element.hidden;
            });
            var position = buttons.indexOf(document.activeElement);
            event.preventDefault();
            var step = event.shiftKey ? -1 : 1;
            buttons[(position + step + buttons.length) % buttons.length].focus();
        }
        // Escape: the dialog element closes itself and fires "close".
    };

    if (typeof HTMLDialogElement === "function") {
        document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
            if (gallery.querySelector(".gallery__link")) {
                new Lightbox(gallery);
            }
        });
    }
})();

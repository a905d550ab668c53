// Widgets of Wagtail and wagtail-localize that screen readers cannot make sense of, mended as they
// appear: tag inputs (tag-it with jQuery UI's autocomplete), rich text editors and wagtail-localize's
// editor.
(() => {
  const messages = JSON.parse(document.currentScript.dataset.messages);
  const mended = new WeakSet();
  let ids = 0;
  const idOf = (element, prefix) => (element.id ||= `${prefix}-${++ids}`);

  // Tag-it types into an input of its own that no label names, and jQuery UI's suggestions have no
  // roles and are announced in English: the input becomes a combobox named by its field's label,
  // the suggestions a listbox, the announcements are in the admin's language.
  const mendTagInput = (input) => {
    const field = input.closest(".tagit").parentElement.querySelector('input[data-controller~="w-tag"]');
    const label = field && field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
    const labelId = label && idOf(label, `${field.id}-label`);
    if (labelId) {
      input.setAttribute("aria-labelledby", labelId);
    }
    const $input = window.jQuery(input);
    if (!$input.autocomplete("instance")) {
      return;
    }
    const list = $input.autocomplete("widget").menu("option", "role", "listbox").attr("role", "listbox");
    if (labelId) {
      list.attr("aria-labelledby", labelId);
    }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", idOf(list[0], "tag-suggestions"));
    $input.autocomplete("option", "messages", {
      noResults: messages.noResults,
      results: (count) => messages.results.replace("%(count)s", count),
    });
    $input.on("autocompleteopen", () => {
      list.children("li").attr("role", "presentation"); // between the listbox and its options
      input.setAttribute("aria-expanded", "true");
    });
    $input.on("autocompleteclose", () => {
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    });
    $input.on("autocompletefocus", () => {
      input.setAttribute("aria-activedescendant", list.attr("aria-activedescendant"));
    });
  };

  // A text segment shows its source text, then the translation (an input while it is edited), then
  // its buttons ("Translate", "Edit", "Save"…), the same in every segment: the input is named by
  // the source text, which describes the buttons.
  const mendSegment = (source) => {
    const segment = source.parentElement;
    const id = idOf(source, "segment-source");
    for (const input of segment.querySelectorAll("textarea:not([aria-labelledby])")) {
      input.setAttribute("aria-labelledby", id);
    }
    for (const button of segment.querySelectorAll(":scope > ul button:not([aria-describedby])")) {
      button.setAttribute("aria-describedby", id);
    }
  };

  // Draftail, the rich text editor, is not named by its field's label (which names the hidden input
  // beside it); a rich text block of a StreamField has no label but its block's type ("Paragraph").
  const nameRichText = (editor) => {
    const input = editor.closest("[data-field-input]")?.querySelector("input[data-draftail-input]");
    const block = editor.closest("section[aria-labelledby]");
    const label =
      (input?.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`)) ||
      (block && document.getElementById(block.getAttribute("aria-labelledby"))?.querySelector(".c-sf-block__type"));
    if (label) {
      editor.setAttribute("aria-labelledby", idOf(label, "rich-text-label"));
    }
  };

  // The file input of the PO file upload is worked by the "Upload PO file" button, and hidden from
  // sight: hidden from screen readers and the Tab key too, it is one control, not two.
  const hideFileInput = (input) => {
    input.setAttribute("aria-hidden", "true");
    input.tabIndex = -1;
  };

  const mend = () => {
    for (const input of document.querySelectorAll(".tagit-new input")) {
      if (!mended.has(input)) {
        mended.add(input);
        mendTagInput(input);
      }
    }
    for (const source of document.querySelectorAll(".js-translation-editor li > p")) {
      mendSegment(source);
    }
    for (const editor of document.querySelectorAll(
      ".Draftail-Editor [role=textbox]:not([aria-label]):not([aria-labelledby])",
    )) {
      nameRichText(editor);
    }
    for (const input of document.querySelectorAll('.js-translation-editor input[type="file"]:not([aria-hidden])')) {
      hideFileInput(input);
    }
  };
  mend();
  new MutationObserver(mend).observe(document.body, { childList: true, subtree: true });
})();

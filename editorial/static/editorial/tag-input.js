// Wagtail's tag fields hand the typing over to tag-it, in an input of its own that no label
// names: give it the label of the field it stands for, so that screen readers announce it.
(() => {
  const labelTagInputs = () => {
    for (const input of document.querySelectorAll(".tagit-new input:not([aria-labelledby])")) {
      const field = input.closest(".tagit").parentElement.querySelector('input[data-controller~="w-tag"]');
      const label = field && field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
      if (label) {
        label.id ||= `${field.id}-label`;
        input.setAttribute("aria-labelledby", label.id);
      }
    }
  };
  labelTagInputs();
  new MutationObserver(labelTagInputs).observe(document.body, { childList: true, subtree: true });
})();
